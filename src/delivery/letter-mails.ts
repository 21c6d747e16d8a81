import type Mail from 'nodemailer/lib/mailer/index.js'
import type { LetterRow, OutboxMessageRow } from '../db/schema.js'
import { missionNameIn, stateNameIn } from '../directory/index.js'
import { formatDate, type SiteLanguage } from '../i18n/index.js'
import type { LetterDocument } from '../letters/index.js'
import { addresseeOf, addresseeStateNameOf, letterDocumentOf, pdfFileName } from '../letters/index.js'
import { unsendable } from '../outbox/index.js'
import { dateTimeIn, renderMail } from './mail-templates.js'

// A letter's own e-mails: the letter to its mission, and to its writer the confirmation link, the
// reminder, the copy of what was sent and the "did the mission reply?" question. The mission's is
// in the letter's language; the writer's in the language of the site they wrote on.

type LinkPayload = { url?: string; expires?: string }

export function documentOf(letter: LetterRow): LetterDocument {
  return letterDocumentOf(letter)
}

export function placeOf(letter: LetterRow): string | null {
  return [letter.supporter_city, letter.supporter_country].filter(Boolean).join(', ') || null
}

function payloadOf(message: OutboxMessageRow): LinkPayload {
  return message.payload ? (JSON.parse(message.payload) as LinkPayload) : {}
}

const writerOf = (letter: LetterRow) => ({
  name: letter.supporter_name,
  address: letter.supporter_email ?? '',
})

/** How an e-mail to the writer names the state and its mission, in the writer's language. */
function stateWordsIn(language: SiteLanguage, letter: LetterRow): { stateName: string; missionName: string } {
  const snapshot = addresseeOf(letter)
  return {
    stateName: stateNameIn(language, snapshot.iso3, snapshot.stateName),
    missionName: missionNameIn(language, snapshot),
  }
}

/** The letter's PDF as an attachment. */
export function pdfAttachment(letter: LetterRow, bytes: Buffer): Mail.Attachment {
  const stateName = addresseeStateNameOf(letter)
  return {
    filename: pdfFileName({
      state: { iso3: letter.state_iso3, name: stateName },
      reference: letter.reference,
    }),
    content: bytes,
    contentType: 'application/pdf',
  }
}

/** The letter to its mission, the PDF attached; replies go to the writer. */
export function missionLetterMail(letter: LetterRow, pdf: Buffer): Mail.Options {
  const doc = documentOf(letter)
  const data = {
    subject: doc.meta.subject,
    reference: letter.reference,
    supporterName: letter.supporter_name,
    supporterPlace: placeOf(letter),
  }
  return {
    ...renderMail('mission-letter', doc.language, data, doc),
    replyTo: writerOf(letter),
    headers: { 'Content-Language': doc.language },
    attachments: [pdfAttachment(letter, pdf)],
  }
}

/** The confirmation link (with the letter) or, three days on, its reminder. */
export function confirmationMail(
  kind: 'confirmation' | 'reminder',
  message: OutboxMessageRow,
  letter: LetterRow,
): Mail.Options {
  const reader = letter.site_language
  const payload = payloadOf(message)
  const data = {
    supporterName: letter.supporter_name,
    ...stateWordsIn(reader, letter),
    reference: letter.reference,
    url: payload.url ?? '',
    expires: payload.expires ? dateTimeIn(reader, payload.expires) : '',
  }
  const doc = kind === 'confirmation' ? documentOf(letter) : null
  return { ...renderMail(kind, reader, data, doc), to: [writerOf(letter)] }
}

/** The writer's copy of what was sent on their behalf, the same PDF attached. */
export function supporterCopyMail(message: OutboxMessageRow, letter: LetterRow, pdf: Buffer): Mail.Options {
  const reader = letter.site_language
  const data = {
    supporterName: letter.supporter_name,
    ...stateWordsIn(reader, letter),
    reference: letter.reference,
    sentAt: dateTimeIn(reader, letter.sent_at ?? message.created_at),
  }
  return {
    ...renderMail('supporter-copy', reader, data, documentOf(letter)),
    to: [writerOf(letter)],
    attachments: [pdfAttachment(letter, pdf)],
  }
}

/** Weeks after delivery: did the mission reply? Three links, one per answer. */
export function replyRequestMail(message: OutboxMessageRow, letter: LetterRow): Mail.Options {
  const reader = letter.site_language
  const { url } = payloadOf(message)
  if (!url) throw unsendable('reply request without its link')
  const data = {
    supporterName: letter.supporter_name,
    ...stateWordsIn(reader, letter),
    reference: letter.reference,
    sentOn: formatDate(reader, letter.sent_at ?? message.created_at),
    replied: `${url}?answer=replied`,
    acknowledged: `${url}?answer=acknowledged`,
    noReply: `${url}?answer=no_reply`,
  }
  return { ...renderMail('reply-request', reader, data, null), to: [writerOf(letter)] }
}

/** The mission answered the letter: its writer is told once (canvassing's mission replies). */
export function replyNoticeMail(message: OutboxMessageRow, letter: LetterRow): Mail.Options {
  const reader = letter.site_language
  const { receivedOn } = (message.payload ? JSON.parse(message.payload) : {}) as { receivedOn?: string }
  const data = {
    supporterName: letter.supporter_name,
    ...stateWordsIn(reader, letter),
    reference: letter.reference,
    receivedOn: formatDate(reader, receivedOn ?? message.created_at),
  }
  return { ...renderMail('reply-notice', reader, data, null), to: [writerOf(letter)] }
}

/** What a review notice carries (moderation.service queues it). */
export interface ReviewNoticePayload {
  outcome: 'rejected' | 'edited'
  reason: string | null
  removed: string[]
  url: string
}

/** The writer told that their held letter was refused (with the reason), or sent with a line taken out. */
export function reviewNoticeMail(message: OutboxMessageRow, letter: LetterRow): Mail.Options {
  const reader = letter.site_language
  if (!message.payload) throw unsendable('review notice without its payload')
  const payload = JSON.parse(message.payload) as ReviewNoticePayload
  const data = {
    supporterName: letter.supporter_name,
    ...stateWordsIn(reader, letter),
    reference: letter.reference,
    reason: payload.reason ?? '',
    removed: payload.removed.join('\n'),
    url: payload.url,
  }
  const name = payload.outcome === 'rejected' ? 'review-rejected' : 'review-edited'
  return { ...renderMail(name, reader, data, null), to: [writerOf(letter)] }
}
