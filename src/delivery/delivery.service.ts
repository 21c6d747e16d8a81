import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { LetterRow } from '../db/schema.js'
import { getStateForLetters } from '../directory/index.js'
import {
  changeLetterStatus,
  DRAFT_LIFE_DAYS,
  findLetterRowByPublicId,
  findLetterRowByTokenHash,
  findLettersFrom,
  isEditable,
  letterPdfBytes,
} from '../letters/index.js'
import { AppError, ConflictError, GoneError, NotFoundError, ValidationError } from '../lib/errors.js'
import { isPlausibleEmail } from '../lib/text-safety.js'
import { hashToken, newLinkToken } from '../lib/tokens.js'
import * as repo from './delivery.repository.js'
import { addToDigest, firstDayUnderCap } from './digests.js'
import { holdDecisionFor, holdLetter } from './moderation-hold.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>

const DAY = 86_400_000
export const CONFIRMATION_DAYS = DRAFT_LIFE_DAYS

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
    await ctx.outbox.queue(trx, {
      kind: 'confirmation',
      letterId: letter.id,
      recipients: [email],
      payload: { url: `${ctx.config.publicUrl}/confirm/${token}`, expires: expiresAt },
    })
  })
  ctx.outbox.wake()
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
  if (letter.status === 'held' || letter.status === 'rejected') {
    throw new ConflictError(
      'This letter has already been confirmed: the campaign reads it before it goes to the mission, and the link cannot be used again.',
    )
  }
  if (letter.status !== 'awaiting_confirmation') {
    throw new ConflictError(
      'This letter has already been confirmed: it is on its way to the mission, and the link cannot be used again.',
    )
  }
  return letter
}

/**
 * The writer confirms: the letter joins the outbox (or today's digest for its mission), or, when
 * the ask's moderation or the word list says so, waits for review ('held').
 */
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
        (l) => l.id !== current.id && ['held', 'queued', 'sending', 'sent', 'uncertain'].includes(l.status),
      )
    ) {
      throw new ConflictError(
        `You have already e-mailed a letter to the mission of ${state.name}: missions hear once from each writer. This letter was not sent; you can still print it.`,
      )
    }
    // The ask's moderation, or a listed word, may hold it for an organizer to read first.
    const hold = await holdDecisionFor(trx, current)
    if (hold) {
      await repo.clearPayloadsOfLetter(trx, current.id)
      return holdLetter(trx, current, hold, now)
    }
    return queueForMission(ctx, trx, current, state, now, { confirmed_at: now })
  })
  if (confirmed.status === 'held') return confirmed
  await drawPdfAhead(ctx, confirmed)
  ctx.outbox.wake()
  return confirmed
}

/** A state as the directory has it for letters. */
type LetterState = Awaited<ReturnType<typeof getStateForLetters>>['state']

/**
 * Hands a letter to the outbox, in the caller's transaction: its mission's message (or today's
 * digest for the mission), the letter queued with `patch`. What confirmation does, and approval
 * at review (moderation.service).
 */
export async function queueForMission(
  ctx: Ctx,
  trx: Database,
  letter: LetterRow,
  state: LetterState,
  now: string,
  patch: Parameters<typeof changeLetterStatus>[3],
): Promise<LetterRow> {
  const outboxId =
    ctx.config.mail.mode === 'digest'
      ? await addToDigest(ctx, trx, state.iso3, state.mission.emails)
      : (
          await ctx.outbox.queue(trx, {
            kind: 'mission_letter',
            letterId: letter.id,
            stateIso3: state.iso3,
            recipients: state.mission.emails,
            sendDay: await firstDayUnderCap(ctx, trx, state.iso3),
          })
        ).id
  await repo.clearPayloadsOfLetter(trx, letter.id)
  return changeLetterStatus(trx, letter, 'queued', { ...patch, outbox_id: outboxId }, now)
}

/**
 * The PDF is drawn now, once, and kept (letter_pdf): the mission's e-mail and the writer's copy
 * attach it, and the outbox's handovers draw nothing. @NOTE after the commit, and a failure here
 * only means the outbox draws it when it sends.
 */
export async function drawPdfAhead(ctx: Ctx, letter: LetterRow): Promise<void> {
  await letterPdfBytes(ctx, letter).catch((error: unknown) =>
    ctx.log.warn({ err: error, letter: letter.id }, 'the letter PDF could not be drawn ahead'),
  )
}

export function isPast(ctx: Pick<Ctx, 'clock'>, iso: string | null): boolean {
  return iso !== null && iso <= ctx.clock.nowIso()
}
