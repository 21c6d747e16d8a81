import { createHash } from 'node:crypto'
import { type ParsedMail, simpleParser } from 'mailparser'
import { escapeRegExp } from '../lib/text.js'

// A delivery status notification (RFC 3464) read from the bounce mailbox: a multipart/report
// whose message/delivery-status part says, per recipient, what became of the message. Anything
// else in the mailbox (auto-replies, spam, a person's answer) is not a report and is left alone.

export type BounceKind = 'hard' | 'soft'

export interface ReportedRecipient {
  /** Final-Recipient (or Original-Recipient): the address the report is about. */
  email: string
  /** failed, delayed, delivered, relayed, expanded. */
  action: string
  /** The enhanced status code, "5.1.1"; from the Diagnostic-Code's reply code where absent. */
  status: string
  diagnostic: string | null
  /** hard: failed for good (failed and 5.x.x); soft: delayed or failed for now (4.x.x); null: not a failure. */
  kind: BounceKind | null
}

export interface DeliveryReport {
  /** The report's own Message-ID, or a digest of its bytes: the same report read twice is one. */
  reportId: string
  /** The addresses the report was sent to (To, Delivered-To, X-Original-To, Envelope-To): our bounce address. */
  deliveredTo: string[]
  /** The Message-ID of our message, from the headers the report returns, if it returns them. */
  originalMessageId: string | null
  recipients: ReportedRecipient[]
}

// The characters between addresses in a header: splitting on them is linear in the header's length
// (a pattern matching "something@something" backtracks on a long line without "@").
const BETWEEN_ADDRESSES = /[\s<>,;:"'()[\]]+/
const DELIVERED_TO = ['to', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to']
const STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status']
const RETURNED_TYPES = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']

/** The report in a raw message, or null when the message is not a delivery status notification. */
export async function readDeliveryReport(raw: Buffer): Promise<DeliveryReport | null> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true })
  const type = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined
  const boundary = type?.params?.boundary
  if (type?.value?.toLowerCase() !== 'multipart/report' || !boundary) return null
  // @NOTE mailparser merges a message/delivery-status part into the text of the message: the
  // report's parts are read from the raw message instead (they are plain text by the RFC).
  const parts = partsOf(raw, boundary)
  const status = parts.find((part) => STATUS_TYPES.includes(part.type))
  if (!status) return null
  const recipients = parseStatusFields(status.body)
  if (recipients.length === 0) return null
  const returned = parts.find((part) => RETURNED_TYPES.includes(part.type))
  return {
    reportId: mail.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    deliveredTo: deliveredTo(mail),
    originalMessageId: returned ? messageIdIn(returned.body) : null,
    recipients,
  }
}

/** The parts of a multipart body, each with its type (lower case) and its decoded text. */
function partsOf(raw: Buffer, boundary: string): { type: string; body: string }[] {
  const escaped = escapeRegExp(boundary)
  return raw
    .toString('latin1')
    .split(new RegExp(`(?:^|\\r?\\n)--${escaped}(?:--)?[ \\t]*(?:\\r?\\n|$)`))
    .slice(1)
    .map((part) => {
      const end = part.search(/\r?\n\r?\n/)
      const head = (end < 0 ? part : part.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ')
      const body = end < 0 ? '' : part.slice(end).replace(/^\r?\n\r?\n/, '')
      const type = /^content-type:\s*([^;\s]+)/im.exec(head)?.[1]?.toLowerCase() ?? 'text/plain'
      const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase()
      return { type, body: decode(body, encoding) }
    })
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return Buffer.from(body, 'latin1').toString('utf8')
}

function deliveredTo(mail: ParsedMail): string[] {
  const found = new Set<string>()
  for (const { key, line } of mail.headerLines) {
    if (!DELIVERED_TO.includes(key)) continue
    for (const address of line.slice(line.indexOf(':') + 1).split(BETWEEN_ADDRESSES)) {
      const at = address.indexOf('@')
      if (at > 0 && at < address.length - 1) found.add(address)
    }
  }
  return [...found]
}

function messageIdIn(headers: string): string | null {
  const end = headers.search(/\r?\n\r?\n/)
  const head = end < 0 ? headers : headers.slice(0, end)
  return /^message-id:\s*(<[^>\s]+>)/im.exec(head)?.[1] ?? null
}

/** The per-recipient groups of a message/delivery-status body (the first group is the message's). */
export function parseStatusFields(body: string): ReportedRecipient[] {
  const groups = body
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ') // unfold
    .split(/\n\s*\n/)
    .map(fieldsOf)
  return groups.slice(1).flatMap((fields) => {
    const email = addressOf(fields.get('final-recipient') ?? fields.get('original-recipient'))
    const action = (fields.get('action') ?? '').toLowerCase()
    if (!email || !action) return []
    const diagnostic = fields.get('diagnostic-code') ?? null
    const status =
      /^\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? statusFromDiagnostic(diagnostic)
    return [{ email, action, status, diagnostic, kind: kindOf(action, status) }]
  })
}

function fieldsOf(group: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of group.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return fields
}

/** "rfc822; someone@example.org" → the address. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null
  const address = value.slice(value.indexOf(';') + 1).trim()
  return address.includes('@') ? address.replace(/^<|>$/g, '') : null
}

/** "smtp; 550 5.1.1 no such user" → "5.1.1" (or "5.0.0" from the reply code alone). */
function statusFromDiagnostic(diagnostic: string | null): string {
  const text = diagnostic ?? ''
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1]
  if (enhanced) return enhanced
  const code = /\b([245])\d\d\b/.exec(text)?.[1]
  return code ? `${code}.0.0` : ''
}

function kindOf(action: string, status: string): BounceKind | null {
  if (action === 'delayed') return 'soft'
  if (action !== 'failed') return null
  // A failure without a 4.x.x status is taken for a final one: the report says it failed.
  return status.startsWith('4.') ? 'soft' : 'hard'
}
