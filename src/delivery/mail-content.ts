import fs from 'node:fs'
import { PassThrough } from 'node:stream'
import Handlebars from 'handlebars'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { Config } from '../config.js'
import type { LetterRow, OutboxMessageRow } from '../db/schema.js'
import { missionNameIn } from '../directory/mission-names.js'
import { stateNameIn } from '../directory/state-names.js'
import {
  DEFAULT_LANGUAGE,
  formatDate,
  formatDateTime,
  isSiteLanguage,
  type SiteLanguage,
  translate,
} from '../i18n/index.js'
import { formsFor } from '../letters/diplomatic-form.js'
import type { AddresseeSnapshot } from '../letters/letter-compose.js'
import type { LetterDocument, LetterLanguage } from '../letters/letter-document.js'
import { renderLetterPdf, writeLettersPdf } from '../letters/letter-pdf.js'
import { pdfFileName } from '../letters/letters.web.js'
import { projectPath } from '../lib/paths.js'
import { loadTextTemplate, type TextTemplate } from '../lib/text-templates.js'

// The e-mails themselves: subject and text from templates/emails/<kind>.<language>.hbs, the HTML
// part from the same paragraphs in templates/emails/layout.html.hbs, the letter attached as PDF.

type Kind =
  | 'mission-letter'
  | 'digest'
  | 'confirmation'
  | 'reminder'
  | 'supporter-copy'
  | 'reply-request'
  | 'member-confirmation'
  | 'erasure-link'
  | 'member-update'
  | 'organizer-notice'
const templates = new Map<string, TextTemplate<{ subject: string }>>()
const html = Handlebars.create()
let layout: HandlebarsTemplateDelegate | null = null

/**
 * The e-mails to writers and members are one template each (`<kind>.hbs`) whose words come from
 * locales/<language>/emails.json, in the reader's language. A mission's letter and digest are
 * written per language (`<kind>.<language>.hbs`), in the letter's; an organizer's notice in
 * English (`organizer-notice.en.hbs`).
 */
function fileOf(kind: Kind, language: LetterLanguage): { file: string; language: LetterLanguage } {
  if (fs.existsSync(projectPath(`templates/emails/${kind}.hbs`))) return { file: `${kind}.hbs`, language }
  const own = fs.existsSync(projectPath(`templates/emails/${kind}.${language}.hbs`))
  return own ? { file: `${kind}.${language}.hbs`, language } : { file: `${kind}.en.hbs`, language: 'en' }
}

function template(file: string): TextTemplate<{ subject: string }> {
  let found = templates.get(file)
  if (!found) {
    found = loadTextTemplate(projectPath(`templates/emails/${file}`))
    templates.set(file, found)
  }
  return found
}

function render(
  kind: Kind,
  language: LetterLanguage,
  data: object,
  letter: LetterDocument | null,
): { subject: string; text: string; html: string } {
  const { file, language: written } = fileOf(kind, language)
  const t = template(file)
  const withLanguage = { ...data, lang: written }
  const subject = t.renderMeta('subject', withLanguage)
  const paragraphs = t.renderParagraphs(withLanguage)
  const text = [...paragraphs, ...(letter ? ['—', ...letterAsText(letter)] : [])].join('\n\n')
  layout ??= html.compile(fs.readFileSync(projectPath('templates/emails/layout.html.hbs'), 'utf8'))
  const forms = formsFor(written)
  const body = layout({
    // "zh-Hans" and "rtl" for Chinese and Arabic: a mail client picks the fonts and the direction.
    language: forms.locale,
    dir: forms.direction,
    letterLanguage: letter ? formsFor(letter.language).locale : null,
    letterDir: letter ? formsFor(letter.language).direction : null,
    subject,
    paragraphs: paragraphs.map((p) => (/^https?:\/\/\S+$/.test(p) ? { link: p } : { text: p })),
    letter,
  })
  return { subject, text, html: body }
}

/** The letter as plain text, as a mail client without HTML shows it. */
export function letterAsText(doc: LetterDocument): string[] {
  return [
    doc.recipient.join('\n'),
    `${doc.dateLine}\n${doc.referenceLine}`,
    doc.subject,
    doc.salutation,
    ...doc.paragraphs,
    doc.close,
    doc.signature.join('\n'),
  ]
}

function documentOf(letter: LetterRow): LetterDocument {
  return JSON.parse(letter.document) as LetterDocument
}

function stateNameOf(letter: LetterRow): string {
  return (JSON.parse(letter.addressee) as AddresseeSnapshot).stateName
}

function place(letter: LetterRow): string | null {
  return [letter.supporter_city, letter.supporter_country].filter(Boolean).join(', ') || null
}

/** A moment as the reader writes it, in UTC: "5 December 2026 at 14:30 UTC". */
function dateTimeIn(language: SiteLanguage, iso: string): string {
  return translate(language, 'emails.dateTimeUtc', { when: formatDateTime(language, iso) })
}

/** How an e-mail to the writer names the state and its mission, in the writer's language. */
function stateWordsIn(language: SiteLanguage, letter: LetterRow): { stateName: string; missionName: string } {
  const snapshot = JSON.parse(letter.addressee) as AddresseeSnapshot
  return {
    stateName: stateNameIn(language, snapshot.iso3, snapshot.stateName),
    missionName: missionNameIn(language, snapshot),
  }
}

const base = (config: Pick<Config, 'mail'>, message: OutboxMessageRow): Mail.Options => ({
  from: config.mail.from,
  to: JSON.parse(message.recipients) as string[],
  messageId: message.message_id,
  // @NOTE nodemailer encodes every header value and refuses line breaks in them; the input
  // checks refuse CR/LF before that. Nothing a supporter types becomes a header of its own.
  headers: {
    'Auto-Submitted':
      message.kind === 'mission_letter' || message.kind === 'digest' ? 'no' : 'auto-generated',
  },
})

/** The e-mail for a letter's own messages: to the mission, or to its writer. */
export async function buildLetterMail(
  config: Pick<Config, 'mail' | 'publicUrl'>,
  message: OutboxMessageRow,
  letter: LetterRow,
): Promise<Mail.Options> {
  const doc = documentOf(letter)
  const stateName = stateNameOf(letter)
  const writer = { name: letter.supporter_name, address: letter.supporter_email ?? '' }
  const pdf = async () => ({
    filename: pdfFileName({
      state: { iso3: letter.state_iso3, name: stateName },
      reference: letter.reference,
    }),
    content: await renderLetterPdf(doc),
    contentType: 'application/pdf',
  })
  const payload = message.payload ? (JSON.parse(message.payload) as { url?: string; expires?: string }) : {}
  // The writer's e-mails are in the language of the site they wrote on; the mission's in the letter's.
  const reader: SiteLanguage = letter.site_language
  switch (message.kind) {
    case 'mission_letter': {
      const content = render(
        'mission-letter',
        doc.language,
        {
          subject: doc.meta.subject,
          reference: letter.reference,
          supporterName: letter.supporter_name,
          supporterPlace: place(letter),
        },
        doc,
      )
      return {
        ...base(config, message),
        ...content,
        replyTo: writer,
        headers: { ...base(config, message).headers, 'Content-Language': doc.language },
        attachments: [await pdf()],
      }
    }
    case 'confirmation':
    case 'reminder': {
      const data = {
        supporterName: letter.supporter_name,
        ...stateWordsIn(reader, letter),
        reference: letter.reference,
        url: payload.url ?? '',
        expires: payload.expires ? dateTimeIn(reader, payload.expires) : '',
      }
      const content = render(message.kind, reader, data, message.kind === 'confirmation' ? doc : null)
      return { ...base(config, message), ...content, to: [writer] }
    }
    case 'supporter_copy': {
      const data = {
        supporterName: letter.supporter_name,
        ...stateWordsIn(reader, letter),
        reference: letter.reference,
        sentAt: dateTimeIn(reader, letter.sent_at ?? message.created_at),
      }
      return {
        ...base(config, message),
        ...render('supporter-copy', reader, data, doc),
        to: [writer],
        attachments: [await pdf()],
      }
    }
    case 'reply_request': {
      if (!payload.url)
        throw Object.assign(new Error('reply request without its link'), { responseCode: 554 })
      const data = {
        supporterName: letter.supporter_name,
        ...stateWordsIn(reader, letter),
        reference: letter.reference,
        sentOn: formatDate(reader, letter.sent_at ?? message.created_at),
        replied: `${payload.url}?answer=replied`,
        acknowledged: `${payload.url}?answer=acknowledged`,
        noReply: `${payload.url}?answer=no_reply`,
      }
      return { ...base(config, message), ...render('reply-request', reader, data, null), to: [writer] }
    }
    default:
      throw new Error(`buildLetterMail: a ${message.kind} message is not a letter's`)
  }
}

/**
 * The e-mail for a member's messages, from the message alone: everything it says is in its
 * payload (written when it was queued), so the outbox needs nothing from the members module.
 */
export async function buildMemberMail(
  config: Pick<Config, 'mail'>,
  message: OutboxMessageRow,
  update?: UpdateMailParts,
): Promise<Mail.Options> {
  const payload = message.payload ? (JSON.parse(message.payload) as Record<string, unknown>) : null
  // Written in the payload when queued: the language of the site the member or the asker used.
  const reader: SiteLanguage = isSiteLanguage(payload?.lang) ? payload.lang : DEFAULT_LANGUAGE
  switch (message.kind) {
    case 'member_confirmation': {
      // The payload is cleared once the mail server has the message (it holds the link's token).
      if (!payload)
        throw Object.assign(new Error('member confirmation without its link'), { responseCode: 554 })
      const data = {
        ...payload,
        expires: typeof payload.expires === 'string' ? dateTimeIn(reader, payload.expires) : '',
      }
      return { ...base(config, message), ...render('member-confirmation', reader, data, null) }
    }
    case 'member_update': {
      if (!update) throw Object.assign(new Error('campaign update without its text'), { responseCode: 554 })
      return {
        ...base(config, message),
        ...renderUpdate(update),
        // RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs to the link.
        list: { unsubscribe: update.unsubscribeUrl },
        headers: {
          ...base(config, message).headers,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          Precedence: 'bulk',
        },
      }
    }
    case 'erasure_link': {
      // Cleared once the mail server has the message, like a confirmation's: it holds the token.
      if (!payload) throw Object.assign(new Error('erasure link without its link'), { responseCode: 554 })
      const data = {
        url: payload.url,
        expires: typeof payload.expires === 'string' ? dateTimeIn(reader, payload.expires) : '',
      }
      return { ...base(config, message), ...render('erasure-link', reader, data, null) }
    }
    default:
      throw new Error(`buildMemberMail: a ${message.kind} message is not a member's`)
  }
}

/** A notice to an admin (a mission's e-mail address change to decide on), from its payload. */
export function buildOrganizerNoticeMail(
  config: Pick<Config, 'mail'>,
  message: OutboxMessageRow,
): Mail.Options {
  const payload = message.payload ? (JSON.parse(message.payload) as Record<string, unknown>) : null
  if (!payload) throw Object.assign(new Error('organizer notice without its text'), { responseCode: 554 })
  const data = { ...payload, dueAt: typeof payload.dueAt === 'string' ? dateTimeIn('en', payload.dueAt) : '' }
  return { ...base(config, message), ...render('organizer-notice', 'en', data, null) }
}

/** A campaign update's e-mail, as the member (or, for a test, the organizer) gets it. */
export interface UpdateMailParts {
  subject: string
  /** The organizer's plain text: paragraphs parted by blank lines. */
  body: string
  test: boolean
  unsubscribeUrl: string
  /** The member's language (member.site_language): the lines around the organizer's text are in it. */
  language: SiteLanguage
}

// Stands in the template for the organizer's paragraphs, which are not a template's to reflow.
const UPDATE_MARK = '\u0000update\u0000'

function renderUpdate(update: UpdateMailParts): { subject: string; text: string; html: string } {
  const { file, language } = fileOf('member-update', update.language)
  const t = template(file)
  const data = {
    lang: language,
    subject: update.subject,
    test: update.test,
    unsubscribeUrl: update.unsubscribeUrl,
    update: UPDATE_MARK,
  }
  const subject = t.renderMeta('subject', data)
  const own = update.body
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  const parts = t
    .renderParagraphs(data)
    .flatMap((p) =>
      p === UPDATE_MARK ? own.map((text) => ({ text, own: true })) : [{ text: p, own: false }],
    )
  layout ??= html.compile(fs.readFileSync(projectPath('templates/emails/layout.html.hbs'), 'utf8'))
  const body = layout({
    language: formsFor(language).locale,
    dir: formsFor(language).direction,
    subject,
    paragraphs: parts
      .flatMap(({ text, own }) => (own ? htmlParagraphs(text) : [text]))
      .map((p) => (/^https?:\/\/\S+$/.test(p) ? { link: p } : { text: p })),
    letter: null,
  })
  return { subject, text: parts.map((p) => p.text).join('\n\n'), html: body }
}

/**
 * One of the organizer's paragraphs in HTML, a paragraph a line: the layout has no line breaks
 * inside a paragraph, and a list, a lead-in or a signature must not run into one line.
 */
function htmlParagraphs(paragraph: string): string[] {
  return paragraph
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
}

/** A mission's digest: that day's letters, listed, and bound as one PDF. */
export async function buildDigestMail(
  config: Pick<Config, 'mail'>,
  message: OutboxMessageRow,
  letters: LetterRow[],
): Promise<Mail.Options> {
  const docs = letters.map(documentOf)
  const language = docs[0]?.language ?? 'en'
  const day = message.send_day ?? message.created_at.slice(0, 10)
  const data = {
    count: letters.length,
    day,
    letters: letters.map((l) => ({ reference: l.reference, name: l.supporter_name, place: place(l) })),
  }
  const chunks: Buffer[] = []
  const sink = new PassThrough()
  sink.on('data', (chunk: Buffer) => chunks.push(chunk))
  await writeLettersPdf(docs, sink, { title: `Code Blue letters, ${day}` })
  return {
    ...base(config, message),
    ...render('digest', language, data, null),
    headers: { ...base(config, message).headers, 'Content-Language': language },
    attachments: [
      {
        filename: `code-blue-letters-${message.state_iso3?.toLowerCase()}-${day}.pdf`,
        content: Buffer.concat(chunks),
        contentType: 'application/pdf',
      },
    ],
  }
}
