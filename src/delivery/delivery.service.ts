import { EventEmitter } from 'node:events'
import type { AppContext } from '../context.js'
import type { Database } from '../db/connection.js'
import type { LetterRow, OutboxKind } from '../db/schema.js'
import { getStateForLetters } from '../directory/directory.service.js'
import { DRAFT_LIFE_DAYS, isEditable } from '../letters/letter-states.js'
import {
  changeLetterStatus,
  findAwaitingConfirmation,
  findLetterRowByPublicId,
  findLetterRowByTokenHash,
  findLettersFrom,
} from '../letters/letters-delivery.service.js'
import { AppError, ConflictError, GoneError, NotFoundError, ValidationError } from '../lib/errors.js'
import { isPlausibleEmail } from '../lib/text-safety.js'
import { hashToken, newLinkToken, newMessageId } from '../lib/tokens.js'
import * as repo from './delivery.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config'>

const DAY = 86_400_000
export const CONFIRMATION_DAYS = DRAFT_LIFE_DAYS
export const REMINDER_AFTER_DAYS = 3

/** Tells an in-process outbox worker that there is mail to send now. */
export const outboxEvents = new EventEmitter()
const wakeWorker = () => outboxEvents.emit('wake')

/**
 * Every address of the mission bounces (directory/mission-email-failures.ts): no letter is
 * e-mailed to it until the address is corrected or confirmed; the writer prints theirs.
 */
export class MissionEmailBouncingError extends AppError {
  constructor(readonly stateName: string) {
    super(
      `E-mail to the mission of ${stateName} is bouncing: until the campaign corrects its address, letters to it are printed and posted. Please print this letter and post it.`,
      409,
      'mission_email_bouncing',
    )
  }
}

/** The domain of our own Message-IDs: the sender address's. */
export function messageIdDomain(ctx: Pick<Ctx, 'config'>): string {
  return /@([^>\s]+)/.exec(ctx.config.mail.from)?.[1] ?? 'localhost'
}

/**
 * The writer asks for the letter to be e-mailed to the mission: nothing goes to the mission yet.
 * The writer gets a single-use link (7 days) and must confirm from it, so nobody can send a
 * letter in someone else's name.
 */
export async function requestEmailDelivery(
  ctx: Ctx,
  publicId: string,
  body: unknown,
): Promise<{ status: 'awaiting_confirmation'; expiresAt: string }> {
  const letter = await findLetterRowByPublicId(ctx.db, publicId)
  if (!letter) throw new NotFoundError('There is no letter at this address.')
  if (!isEditable(letter.status))
    throw new ConflictError('This letter has already been confirmed for sending.')
  const email = emailFrom(body, letter)
  const { state } = await getStateForLetters(ctx, letter.state_iso3)
  if (state.mission.emailBouncing) throw new MissionEmailBouncingError(state.name)
  if (state.mission.emails.length === 0) {
    throw new ValidationError(
      {
        channel: `The mission of ${state.name} has no e-mail address on file: please print the letter and post it.`,
      },
      'This mission cannot be written to by e-mail.',
    )
  }
  const now = ctx.clock.nowIso()
  const expiresAt = new Date(ctx.clock.now().getTime() + CONFIRMATION_DAYS * DAY).toISOString()
  const { token, hash } = newLinkToken()
  await ctx.db.transaction().execute(async (trx) => {
    await changeLetterStatus(
      trx,
      letter,
      'awaiting_confirmation',
      {
        channel: 'email',
        supporter_email: email,
        confirm_token_hash: hash,
        confirm_expires_at: expiresAt,
        confirm_requested_at: now,
        reminded_at: null,
      },
      now,
    )
    await repo.clearPayloadsOfLetter(trx, letter.id)
    await queueMessage(ctx, trx, {
      kind: 'confirmation',
      letterId: letter.id,
      recipients: [email],
      payload: { url: `${ctx.config.publicUrl}/confirm/${token}`, expires: expiresAt },
    })
  })
  wakeWorker()
  return { status: 'awaiting_confirmation', expiresAt }
}

function emailFrom(body: unknown, letter: LetterRow): string {
  const given =
    (body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined) ??
    letter.supporter_email
  if (typeof given !== 'string' || given.trim() === '') {
    throw new ValidationError({ email: 'Give your e-mail address: the confirmation link goes there.' })
  }
  const email = given.trim()
  if (!isPlausibleEmail(email)) {
    throw new ValidationError({ email: 'This does not look like an e-mail address.' })
  }
  return email
}

/** The letter a confirmation link is for, as long as the link may still be used. */
export async function findLetterToConfirm(ctx: Ctx, token: string): Promise<LetterRow> {
  const letter = await findLetterRowByTokenHash(ctx.db, hashToken(token))
  if (!letter)
    throw new NotFoundError(
      'This confirmation link is not valid. Please use the link in the latest e-mail we sent you.',
    )
  if (
    letter.status === 'expired' ||
    (letter.status === 'awaiting_confirmation' && isPast(ctx, letter.confirm_expires_at))
  ) {
    throw new GoneError(
      'This confirmation link has expired: links work for 7 days. Open your letter and ask for it to be e-mailed again.',
    )
  }
  if (letter.status !== 'awaiting_confirmation') {
    throw new ConflictError(
      'This letter has already been confirmed: it is on its way to the mission, and the link cannot be used again.',
    )
  }
  return letter
}

/** The writer confirms: the letter joins the outbox (or today's digest for its mission). */
export async function confirmEmailDelivery(ctx: Ctx, token: string): Promise<LetterRow> {
  const letter = await findLetterToConfirm(ctx, token)
  const { state } = await getStateForLetters(ctx, letter.state_iso3)
  // The directory may have changed since the writer asked: never queue a message to nobody.
  if (state.mission.emailBouncing) throw new MissionEmailBouncingError(state.name)
  if (state.mission.emails.length === 0) {
    throw new ConflictError(
      `The mission of ${state.name} no longer has an e-mail address on file, so this letter cannot be e-mailed: please print it and post it.`,
    )
  }
  const now = ctx.clock.nowIso()
  const confirmed = await ctx.db.transaction().execute(async (trx) => {
    // Read again inside the transaction: two clicks at once confirm once.
    const current = await findLetterRowByTokenHash(trx, hashToken(token))
    if (current?.status !== 'awaiting_confirmation')
      throw new ConflictError('This letter has already been confirmed.')
    // One e-mailed letter per writer and mission. Checked here, where the writer has proved the
    // address is theirs: asked earlier, the answer would tell anyone who wrote to whom.
    const earlier = await findLettersFrom(trx, current.state_iso3, current.supporter_email ?? '')
    if (
      earlier.some(
        (l) => l.id !== current.id && ['queued', 'sending', 'sent', 'uncertain'].includes(l.status),
      )
    ) {
      throw new ConflictError(
        `You have already e-mailed a letter to the mission of ${state.name}: missions hear once from each writer. This letter was not sent; you can still print it.`,
      )
    }
    const outboxId =
      ctx.config.mail.mode === 'digest'
        ? await addToDigest(ctx, trx, state.iso3, state.mission.emails)
        : (
            await queueMessage(ctx, trx, {
              kind: 'mission_letter',
              letterId: current.id,
              stateIso3: state.iso3,
              recipients: state.mission.emails,
              sendDay: await firstDayUnderCap(ctx, trx, state.iso3),
            })
          ).id
    await repo.clearPayloadsOfLetter(trx, current.id)
    return changeLetterStatus(trx, current, 'queued', { confirmed_at: now, outbox_id: outboxId }, now)
  })
  wakeWorker()
  return confirmed
}

/**
 * Sends the one reminder (3 days on) to writers who have not confirmed, and expires the letters
 * whose link has run out. The outbox worker runs it on every pass.
 */
export async function remindAndExpire(ctx: Ctx): Promise<{ reminded: number; expired: number }> {
  const now = ctx.clock.nowIso()
  const remindBefore = new Date(ctx.clock.now().getTime() - REMINDER_AFTER_DAYS * DAY).toISOString()
  let reminded = 0
  let expired = 0
  for (const letter of await findAwaitingConfirmation(ctx.db, remindBefore, now)) {
    await ctx.db.transaction().execute(async (trx) => {
      if (isPast(ctx, letter.confirm_expires_at)) {
        await changeLetterStatus(trx, letter, 'expired', {}, now)
        await repo.clearPayloadsOfLetter(trx, letter.id)
        expired++
      } else if (!letter.reminded_at) {
        const messages = await repo.findMessagesOfLetter(trx, letter.id)
        const link = messages.findLast((m) => m.kind === 'confirmation' && m.payload !== null)?.payload
        if (link) {
          await queueMessage(ctx, trx, {
            kind: 'reminder',
            letterId: letter.id,
            recipients: [letter.supporter_email ?? ''],
            payload: JSON.parse(link) as object,
          })
        }
        await changeLetterStatus(trx, letter, 'awaiting_confirmation', { reminded_at: now }, now)
        reminded++
      }
    })
  }
  return { reminded, expired }
}

interface QueueRequest {
  kind: Exclude<OutboxKind, 'digest'>
  /** The letter the message is about; none for a member's messages. */
  letterId?: number | null
  /** The member a message is for (confirmation, campaign update), and the update it carries. */
  memberId?: number | null
  updateId?: number | null
  recipients: string[]
  stateIso3?: string
  sendDay?: string
  payload?: object
}

/** Writes a message to the outbox, due at once (or at the start of its day, for a capped mission). */
export async function queueMessage(ctx: Ctx, db: Database, request: QueueRequest) {
  const now = ctx.clock.nowIso()
  const today = ctx.clock.today()
  const dueAt = request.sendDay && request.sendDay > today ? `${request.sendDay}T00:00:00.000Z` : now
  return repo.insertOutboxMessage(db, {
    kind: request.kind,
    status: 'queued',
    letter_id: request.letterId ?? null,
    member_id: request.memberId ?? null,
    update_id: request.updateId ?? null,
    state_iso3: request.stateIso3 ?? null,
    digest_key: null,
    recipients: JSON.stringify(request.recipients),
    message_id: newMessageId(messageIdDomain(ctx)),
    attempts: 0,
    send_day: request.sendDay ?? null,
    next_attempt_at: dueAt,
    payload: request.payload ? JSON.stringify(request.payload) : null,
    last_response: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  })
}

/** The first day, from today, on which the mission has had fewer letters than the daily cap. */
async function firstDayUnderCap(ctx: Ctx, db: Database, iso3: string): Promise<string> {
  let day = ctx.clock.today()
  for (let i = 0; i < 366; i++) {
    if ((await repo.countMissionMessagesOnDay(db, iso3, day)) < ctx.config.mail.missionDailyCap) return day
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10)
  }
  return day
}

/** Today's digest for the mission, created if needed; it goes out once the day is over. */
async function addToDigest(ctx: Ctx, db: Database, iso3: string, recipients: string[]): Promise<number> {
  const today = ctx.clock.today()
  const key = `${iso3} ${today}`
  const existing = await repo.findDigest(db, key)
  if (existing) return existing.id
  const now = ctx.clock.nowIso()
  const row = await repo.insertOutboxMessage(db, {
    kind: 'digest',
    status: 'collecting',
    letter_id: null,
    state_iso3: iso3,
    digest_key: key,
    recipients: JSON.stringify(recipients),
    message_id: newMessageId(messageIdDomain(ctx)),
    attempts: 0,
    send_day: today,
    next_attempt_at: new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString(),
    payload: null,
    last_response: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  })
  return row.id
}

function isPast(ctx: Pick<Ctx, 'clock'>, iso: string | null): boolean {
  return iso !== null && iso <= ctx.clock.nowIso()
}
