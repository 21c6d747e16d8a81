/**
 * A real SMTP server for the tests (smtp-server on 127.0.0.1, ephemeral port, plain TCP), not a
 * mock: the code under test sends through nodemailer over TCP and the test reads what arrived,
 * parsed with mailparser. Built on the same core as the load scripts' server
 * (`scripts/lib/local-smtp.ts`).
 *
 * No afterAll is registered here, the caller stops it. The usual pattern:
 *
 *     const smtp = await startTestSmtpServer()
 *     afterAll(() => smtp.stop())
 *     beforeEach(() => smtp.reset())
 *
 * and a nodemailer transport on `smtp.url` (or `smtp.transportOptions`).
 */
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser'
import { simpleParser } from 'mailparser'
import {
  type LoopbackTransportOptions,
  type SmtpBehaviour,
  type SmtpEnvelope,
  type SmtpRejection,
  startLoopbackSmtp,
} from '../../scripts/lib/local-smtp.js'

export type { LoopbackTransportOptions, SmtpBehaviour, SmtpEnvelope, SmtpRejection }

export interface ReceivedAttachment {
  filename: string
  contentType: string
  content: Buffer
}

export interface ParsedMessage {
  /** From address (no display name; the raw header is in `headers.get('from')`). '' if none. */
  from: string
  /** First Reply-To address, null without the header. */
  replyTo: string | null
  /** To addresses (group members included), in order. */
  to: string[]
  subject: string
  /** Message-ID, angle brackets included. */
  messageId: string | null
  inReplyTo: string | null
  /**
   * Header values as written (unfolded, still MIME-encoded), lower-case names. A repeated header
   * keeps its first occurrence; `raw` has them all.
   */
  headers: Map<string, string>
  /** The text part (derived from the HTML when the message has none). '' if none. */
  text: string
  html: string | null
  attachments: ReceivedAttachment[]
  /** The Content-Language header, null without it. */
  language: string | null
}

export interface ReceivedMessage {
  /** The SMTP envelope: who the server was told to deliver to, whatever the headers say. */
  envelope: SmtpEnvelope
  /** The user name the client logged in with (AUTH), null without AUTH. */
  authUser: string | null
  raw: Buffer
  parsed: ParsedMessage
}

export interface TestSmtpServer {
  /** Fixed for the server's life, across stop/restart. */
  port: number
  /** `smtp://127.0.0.1:<port>?ignoreTLS=true`, a nodemailer transport URL. */
  url: string
  /** `{ host: '127.0.0.1', port, secure: false, ignoreTLS: true }`, the same as `url`. */
  transportOptions: LoopbackTransportOptions
  /** Every message accepted (250 after DATA), in order. Recorded before the 250 is sent. */
  messages: ReceivedMessage[]
  /**
   * What the server answers to the next messages: 'accept' (default), or an SMTP error, at DATA
   * (after reading the whole message; default) or at RCPT TO (`stage: 'rcpt'`), or 'drop' (the
   * message is recorded as accepted, then the connection closes with no reply). With `count`, for
   * the next `count` messages only, then back to 'accept'; without, until changed. Chosen per
   * message at MAIL FROM.
   */
  respondWith(behaviour: SmtpBehaviour, count?: number): void
  /**
   * Calls `hook` for every accepted message right after the 250 was written, before the sender
   * (same process) can have read it: the "accepted, then the sender crashed" window. Returns a
   * function removing the hook.
   */
  onAccepted(hook: (message: ReceivedMessage) => void): () => void
  /** Resolves with the messages once at least `n` have been accepted; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>
  /** Forgets the messages, answers 'accept' again and removes the hooks (for a shared server). */
  reset(): void
  /** Stops listening (senders get ECONNREFUSED), closes open connections. Idempotent. */
  stop(): Promise<void>
  /** Listens again on the same port after `stop()` (stops first if running). */
  restart(): Promise<void>
}

export interface TestSmtpServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Log the SMTP sessions (smtp-server's logger), for debugging a test. */
  logger?: boolean
}

const DEFAULT_WAIT_MS = 5000

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const flatten = (list: EmailAddress[]): string[] =>
    list.flatMap((entry) => (entry.group ? flatten(entry.group) : entry.address ? [entry.address] : []))
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return objects.flatMap((object) => flatten(object.value))
}

/** Header name → value as written (unfolded), first occurrence of each. */
function rawHeaders(mail: ParsedMail): Map<string, string> {
  const headers = new Map<string, string>()
  for (const { key, line } of mail.headerLines) {
    if (headers.has(key)) continue
    const colon = line.indexOf(':')
    const value = colon < 0 ? '' : line.slice(colon + 1)
    headers.set(key, value.replace(/\r?\n(?=[ \t])/g, '').trim())
  }
  return headers
}

async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  const mail = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true })
  const headers = rawHeaders(mail)
  return {
    from: addresses(mail.from)[0] ?? '',
    replyTo: addresses(mail.replyTo)[0] ?? null,
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    headers,
    text: mail.text ?? '',
    html: mail.html || null,
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? '',
      contentType: attachment.contentType,
      content: attachment.content,
    })),
    language: headers.get('content-language') ?? null,
  }
}

/** Starts a loopback SMTP server for a test file; the caller stops it (see the file comment). */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = []
  const waiters = new Set<() => void>()

  const core = await startLoopbackSmtp<ReceivedMessage>({
    port: options.port ?? 0,
    logger: options.logger ?? false,
    async receive(envelope, raw, { authUser }) {
      const message: ReceivedMessage = { envelope, authUser, raw, parsed: await parseMessage(raw) }
      messages.push(message)
      for (const check of [...waiters]) check()
      return message
    },
  })

  function waitForMessages(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedMessage[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (messages.length < n) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve([...messages])
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(
          new Error(`waitForMessages(${n}): ${messages.length} message(s) accepted after ${timeoutMs} ms`),
        )
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }

  return {
    port: core.port,
    url: core.url,
    transportOptions: core.transportOptions,
    messages,
    respondWith: (behaviour, count) => core.respondWith(behaviour, count),
    onAccepted: (hook) => core.onAccepted(hook),
    waitForMessages,
    reset() {
      messages.length = 0
      core.respondWith('accept')
      core.clearHooks()
    },
    stop: () => core.stop(),
    restart: () => core.restart(),
  }
}
