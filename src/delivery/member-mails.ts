import type Mail from 'nodemailer/lib/mailer/index.js'
import type { OutboxMessageRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, isSiteLanguage, type SiteLanguage } from '../i18n/index.js'
import { unsendable } from '../outbox/index.js'
import { dateTimeIn, renderMail, renderMailAround } from './mail-templates.js'

// E-mails written from the message alone: everything they say is in the payload written when
// they were queued (a member's confirmation link, an erasure link, an admin's notice), or given
// by the module that owns them (a campaign update's text).

function payloadOf(message: OutboxMessageRow): Record<string, unknown> | null {
  return message.payload ? (JSON.parse(message.payload) as Record<string, unknown>) : null
}

/** The language the payload names (the site the member or the asker used), else the default. */
function readerOf(payload: Record<string, unknown> | null): SiteLanguage {
  return isSiteLanguage(payload?.lang) ? payload.lang : DEFAULT_LANGUAGE
}

/** The link that confirms a membership. @NOTE its payload is cleared once the server has it. */
export function memberConfirmationMail(message: OutboxMessageRow): Mail.Options {
  const payload = payloadOf(message)
  if (!payload) throw unsendable('member confirmation without its link')
  const reader = readerOf(payload)
  const data = {
    ...payload,
    expires: typeof payload.expires === 'string' ? dateTimeIn(reader, payload.expires) : '',
  }
  return renderMail('member-confirmation', reader, data, null)
}

/** The link that erases a person's data, cleared once sent like a confirmation's. */
export function erasureLinkMail(message: OutboxMessageRow): Mail.Options {
  const payload = payloadOf(message)
  if (!payload) throw unsendable('erasure link without its link')
  const reader = readerOf(payload)
  const data = {
    url: payload.url,
    expires: typeof payload.expires === 'string' ? dateTimeIn(reader, payload.expires) : '',
  }
  return renderMail('erasure-link', reader, data, null)
}

/** A notice to an admin (a mission's e-mail address change to decide on), in English. */
export function organizerNoticeMail(message: OutboxMessageRow): Mail.Options {
  const payload = payloadOf(message)
  if (!payload) throw unsendable('organizer notice without its text')
  const data = { ...payload, dueAt: typeof payload.dueAt === 'string' ? dateTimeIn('en', payload.dueAt) : '' }
  return renderMail('organizer-notice', 'en', data, null)
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

export function memberUpdateMail(update: UpdateMailParts): Mail.Options {
  const data = { subject: update.subject, test: update.test, unsubscribeUrl: update.unsubscribeUrl }
  return {
    ...renderMailAround('member-update', update.language, data, update.body),
    // RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs to the link.
    list: { unsubscribe: update.unsubscribeUrl },
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', Precedence: 'bulk' },
  }
}
