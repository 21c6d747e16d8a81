import type { Database } from '../db/connection.js'
import type { LetterRow, OutboxMessageRow } from '../db/schema.js'
import { flagFailingMissionEmails } from '../directory/index.js'
import {
  changeLetterStatus,
  findLettersByOutboxId,
  findSupporterEmails,
  letterLoaderFor,
  moveLettersById,
} from '../letters/index.js'
import type { CarriedStatus, KindRules, QueueManyInTransaction, RenderContext } from '../outbox/index.js'
import { unsendable } from '../outbox/index.js'
import { digestMail } from './digest-mail.js'
import {
  confirmationMail,
  missionLetterMail,
  replyNoticeMail,
  replyRequestMail,
  reviewNoticeMail,
  supporterCopyMail,
} from './letter-mails.js'
import { organizerNoticeMail } from './member-mails.js'

// Delivery's rows of the outbox's kinds table (src/outbox-kinds.ts): the letter to its mission
// (one by one, or a day's digest), and the writer's e-mails about their letter.

type LetterKind =
  | 'confirmation'
  | 'reminder'
  | 'mission_letter'
  | 'supporter_copy'
  | 'reply_request'
  | 'reply_notice'
  | 'review_notice'
  | 'digest'

// Rendering reads through the letters' loader: the messages of a batch, rendered in the same turn,
// read their letters in one query and their PDFs in another.
async function letterOf(db: Database, message: OutboxMessageRow): Promise<LetterRow> {
  const letter = message.letter_id === null ? undefined : await letterLoaderFor(db).letter(message.letter_id)
  if (!letter) throw unsendable(`outbox message ${message.id} has no letter`)
  return letter
}

// A mission's message carries its letter, or a digest's letters. The single letters are moved by
// id, a batch of messages' in one statement, without reading their documents: this runs twice at
// every handover.

async function moveLetters(
  db: Database,
  messages: readonly OutboxMessageRow[],
  to: CarriedStatus,
  now: string,
) {
  const single: { id: number; messageId?: string }[] = []
  for (const message of messages) {
    if (message.kind === 'digest') {
      const sent = to === 'sent' ? { sent_at: now, message_id: message.message_id } : {}
      for (const letter of await findLettersByOutboxId(db, message.id))
        await changeLetterStatus(db, letter, to, sent, now)
    } else if (message.letter_id !== null)
      single.push({ id: message.letter_id, ...(to === 'sent' ? { messageId: message.message_id } : {}) })
  }
  await moveLettersById(db, single, to, now)
}

/** Once delivered, each writer gets a copy of what was sent on their behalf. */
async function queueSupporterCopies(
  db: Database,
  messages: readonly OutboxMessageRow[],
  queueMany: QueueManyInTransaction,
) {
  const writers: { id: number; email: string | null }[] = []
  const single: number[] = []
  for (const message of messages) {
    if (message.kind === 'digest')
      for (const letter of await findLettersByOutboxId(db, message.id))
        writers.push({ id: letter.id, email: letter.supporter_email })
    else if (message.letter_id !== null) single.push(message.letter_id)
  }
  const emails = await findSupporterEmails(db, single)
  for (const id of single) writers.push({ id, email: emails.get(id) ?? null })
  await queueMany(
    db,
    writers.flatMap(({ id, email }) =>
      email ? [{ kind: 'supporter_copy' as const, letterId: id, recipients: [email] }] : [],
    ),
  )
}

/** Addresses a mission's mail server refused are flagged for organizers (the directory's rule). */
async function flagRefused(
  db: Database,
  message: OutboxMessageRow,
  addresses: string[],
  now: string,
  response: string,
) {
  if (message.state_iso3) await flagFailingMissionEmails(db, message.state_iso3, addresses, now, response)
}

const toMission = {
  audience: 'mission',
  priority: 'first',
  clearPayloadWhenSent: false,
  moveLetters,
  afterSent: queueSupporterCopies,
  onAddressesRefused: flagRefused,
} as const

const toWriter = { audience: 'writer', priority: 'first' } as const

/** The PDF drawn once per letter (letter_pdf): the mission's e-mail and the writer's copy share it. */
const pdfOf = (ctx: RenderContext, letter: LetterRow) => letterLoaderFor(ctx.db).pdf(ctx, letter)

export const letterKinds: Record<LetterKind, KindRules> = {
  mission_letter: {
    ...toMission,
    async render(ctx, message) {
      const letter = await letterOf(ctx.db, message)
      return missionLetterMail(letter, await pdfOf(ctx, letter))
    },
  },
  digest: {
    ...toMission,
    async render(ctx, message) {
      return digestMail(message, await findLettersByOutboxId(ctx.db, message.id))
    },
  },
  confirmation: {
    ...toWriter,
    clearPayloadWhenSent: false, // the reminder three days on carries the same link
    async render(ctx, message) {
      return confirmationMail('confirmation', message, await letterOf(ctx.db, message))
    },
  },
  reminder: {
    ...toWriter,
    clearPayloadWhenSent: false,
    async render(ctx, message) {
      return confirmationMail('reminder', message, await letterOf(ctx.db, message))
    },
  },
  supporter_copy: {
    ...toWriter,
    clearPayloadWhenSent: false,
    async render(ctx, message) {
      const letter = await letterOf(ctx.db, message)
      return supporterCopyMail(message, letter, await pdfOf(ctx, letter))
    },
  },
  reply_request: {
    ...toWriter,
    // The payload is the only copy of the answer link's token: once sent, it has served.
    clearPayloadWhenSent: true,
    async render(ctx, message) {
      return replyRequestMail(message, await letterOf(ctx.db, message))
    },
  },
  reply_notice: {
    ...toWriter,
    clearPayloadWhenSent: false,
    refusal: refuseOnceWriterErased,
    async render(ctx, message) {
      return replyNoticeMail(message, await letterOf(ctx.db, message))
    },
  },
  // Refused or edited at review (moderation.service). @NOTE the payload (the reason, the lines
  // taken out) stays: the review record keeps them anyway, and a resend needs them.
  review_notice: {
    ...toWriter,
    clearPayloadWhenSent: false,
    refusal: refuseOnceWriterErased,
    async render(ctx, message) {
      return reviewNoticeMail(message, await letterOf(ctx.db, message))
    },
  },
}

/**
 * A notice to a letter's writer refuses to go once the writer's data is erased (between the
 * notice's queueing and its sending): the writer is no longer ours to mail.
 */
async function refuseOnceWriterErased(db: Database, message: OutboxMessageRow): Promise<string | null> {
  if (message.letter_id === null) return 'no letter'
  const emails = await findSupporterEmails(db, [message.letter_id])
  return emails.has(message.letter_id) ? null : "the writer's personal data was erased"
}

/** A notice to an admin: what its payload says, in English. */
export const organizerNoticeKind: KindRules = {
  audience: 'organizer',
  priority: 'first',
  clearPayloadWhenSent: false,
  async render(_ctx, message) {
    return organizerNoticeMail(message)
  },
}
