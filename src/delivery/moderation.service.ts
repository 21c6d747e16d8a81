import type { AppContext } from '../app-context.js'
import type { HeldBecause, LetterReviewRow, LetterRow, ReviewOutcome } from '../db/schema.js'
import { getStateForLetters } from '../directory/index.js'
import {
  addresseeStateNameOf,
  changeLetterStatus,
  findLetterRowByPublicId,
  personalNoteEditedColumns,
} from '../letters/index.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import { drawPdfAhead, MissionEmailBouncingError, queueForMission } from './delivery.service.js'
import type { ReviewNoticePayload } from './letter-mails.js'
import * as repo from './moderation.repository.js'
import { typedTextOf } from './moderation-hold.js'
import { noteLines, termsFound, withoutLines } from './moderation-rules.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>

// The review queue (issue 18, item 3): organizers approve a held letter (it joins the outbox as a
// confirmation would have sent it), refuse it with a reason its writer is told, or take a line
// out of its personal paragraph (the writer told, the letter then sent). Every decision audited.

export const REVIEW_DECISIONS = ['approve', 'reject', 'edit'] as const
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number]

const MAX_REASON = 2000
const QUEUE_PAGE = 200

/** A held letter as the queue shows it. */
export interface HeldLetter {
  /** The letter's public id. */
  id: string
  reference: string
  stateIso3: string
  stateName: string
  askId: number | null
  heldAt: string
  heldBecause: HeldBecause
  /** The listed terms found (as listed), when held for them. */
  heldTerms: string[]
  /** The listed terms found now (the list may have changed since), for highlighting. */
  termsNow: string[]
  supporter: {
    name: string
    organization: string | null
    role: string | null
    addressLines: string[]
    city: string | null
    country: string | null
  }
  /** The personal paragraph's lines, numbered from 0 (blank lines included, to keep numbering). */
  personalNoteLines: string[]
}

/** The queue: the letters waiting, oldest first (the first 200), and how many wait in all. */
export async function listHeldLetters(ctx: Pick<AppContext, 'db'>): Promise<{
  total: number
  letters: HeldLetter[]
}> {
  const [waiting, total, terms] = await Promise.all([
    repo.findWaitingReviews(ctx.db, QUEUE_PAGE),
    repo.countWaitingReviews(ctx.db),
    repo.findTerms(ctx.db),
  ])
  return { total, letters: waiting.map(({ review, letter }) => heldLetterOf(review, letter, terms)) }
}

function heldLetterOf(
  review: LetterReviewRow,
  letter: LetterRow,
  terms: readonly { term: string; normalized: string }[],
): HeldLetter {
  const typed = typedTextOf(letter)
  return {
    id: letter.public_id,
    reference: letter.reference,
    stateIso3: letter.state_iso3,
    stateName: addresseeStateNameOf(letter),
    askId: letter.ask_id,
    heldAt: review.held_at,
    heldBecause: review.held_because,
    heldTerms: review.held_terms ? (JSON.parse(review.held_terms) as string[]) : [],
    termsNow: termsFound(typed, terms),
    supporter: {
      name: letter.supporter_name,
      organization: letter.supporter_organization,
      role: letter.supporter_role,
      addressLines: [...typed.addressLines],
      city: letter.supporter_city,
      country: letter.supporter_country,
    },
    personalNoteLines: letter.personal_note ? noteLines(letter.personal_note) : [],
  }
}

/** A decision as given (API body or form), checked: a ValidationError names each field at fault. */
export interface DecisionInput {
  decision?: unknown
  reason?: unknown
  removeLines?: unknown
}

interface Decision {
  decision: ReviewDecision
  reason: string | null
  removeLines: number[]
}

function parseDecision(input: DecisionInput, letter: LetterRow): Decision {
  const errors: Record<string, string> = {}
  const decision = input.decision
  if (typeof decision !== 'string' || !(REVIEW_DECISIONS as readonly string[]).includes(decision))
    errors.decision = `Choose a decision: ${REVIEW_DECISIONS.join(', ')}`
  const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
  if (input.reason !== undefined && input.reason !== null && typeof input.reason !== 'string')
    errors.reason = 'The reason is text'
  else if (reason.length > MAX_REASON) errors.reason = `The reason is at most ${MAX_REASON} characters`
  else if (decision === 'reject' && reason === '')
    errors.reason = 'Give the reason the writer will read: a letter is never refused without one'
  const removeLines = lineNumbers(input.removeLines)
  if (decision === 'edit') {
    const lines = noteLines(letter.personal_note)
    if (removeLines === null)
      errors.removeLines = 'Give the numbers of the lines to take out (from 0), as a list'
    else if (removeLines.length === 0) errors.removeLines = 'Choose at least one line to take out'
    else {
      const wrong = removeLines.filter((n) => n >= lines.length || lines[n]!.trim() === '')
      if (!letter.personal_note) errors.removeLines = 'This letter has no personal paragraph to edit'
      else if (wrong.length > 0)
        errors.removeLines = `No line of text numbered ${wrong.join(', ')}: the paragraph has lines 0 to ${lines.length - 1}`
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  return { decision: decision as ReviewDecision, reason: reason || null, removeLines: removeLines ?? [] }
}

/** A list of line numbers (numbers, or digit strings as a form sends them); null when not one. */
function lineNumbers(value: unknown): number[] | null {
  if (value === undefined || value === null) return []
  const list = Array.isArray(value) ? value : [value]
  const numbers = list.map((v) => (typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : v))
  if (
    !numbers.every((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 10_000)
  )
    return null
  return [...new Set(numbers)].sort((a, b) => a - b)
}

/** What a decision did, as the API answers it. */
export interface DecisionResult {
  id: string
  reference: string
  outcome: ReviewOutcome
  status: LetterRow['status']
  removedLines: string[]
}

/**
 * An organizer decides about a held letter (its public id). 404 for no such letter, 409 when it is
 * not waiting for review (decided already, or never held), 400 naming the field at fault.
 */
export async function decideHeldLetter(
  ctx: Ctx,
  actor: Actor,
  publicId: string,
  input: DecisionInput,
): Promise<DecisionResult> {
  const found = await findLetterRowByPublicId(ctx.db, publicId)
  if (!found) throw new NotFoundError(`There is no letter with the id ${publicId}`)
  if (found.status !== 'held')
    throw new ConflictError(
      `The letter ${found.reference} is not waiting for review (it is ${found.status}).`,
    )
  const decision = parseDecision(input, found)
  const { state } = await getStateForLetters(ctx, found.state_iso3)
  const sends = decision.decision !== 'reject'
  // As at confirmation: never a message to nobody. The letter stays held until the address is mended.
  if (sends && state.mission.emailBouncing) throw new MissionEmailBouncingError(state.name)
  if (sends && state.mission.emails.length === 0)
    throw new ConflictError(
      `The mission of ${state.name} has no e-mail address on file: the letter ${found.reference} stays held.`,
    )
  const now = ctx.clock.nowIso()
  const url = `${ctx.config.publicUrl}/letters/${found.public_id}`
  const result = await ctx.db.transaction().execute(async (trx) => {
    // Read again inside the transaction: two organizers deciding at once decide once.
    const letter = await findLetterRowByPublicId(trx, publicId)
    if (letter?.status !== 'held')
      throw new ConflictError(`The letter ${found.reference} was decided by someone else a moment ago.`)
    const edit =
      decision.decision === 'edit' ? withoutLines(letter.personal_note ?? '', decision.removeLines) : null
    const outcome: ReviewOutcome =
      decision.decision === 'approve' ? 'approved' : decision.decision === 'reject' ? 'rejected' : 'edited'
    const review = await repo.decideReview(trx, letter.id, {
      outcome,
      reason: decision.reason,
      removed_lines: edit ? JSON.stringify(edit.removed) : null,
      decided_by: actor.kind === 'organizer' ? actor.id : null,
      decided_by_label: actorLabel(actor),
      decided_at: now,
    })
    if (!review) throw new ConflictError(`The letter ${letter.reference} has no review waiting.`)
    let after: LetterRow
    if (outcome === 'rejected') {
      after = await changeLetterStatus(trx, letter, 'rejected', {}, now)
    } else {
      const patch = edit ? personalNoteEditedColumns(letter, edit.note, now) : {}
      after = await queueForMission(ctx, trx, letter, state, now, patch)
    }
    if (outcome !== 'approved' && letter.supporter_email) {
      const payload: ReviewNoticePayload = {
        outcome,
        reason: decision.reason,
        removed: edit?.removed ?? [],
        url,
      }
      await ctx.outbox.queue(trx, {
        kind: 'review_notice',
        letterId: letter.id,
        recipients: [letter.supporter_email],
        payload,
      })
    }
    await recordAudit(trx, actor, now, {
      action: `letter.review.${decision.decision}`,
      subjectType: 'letter',
      subjectId: letter.reference,
      summary: auditSummary(outcome, letter, edit?.removed.length ?? 0),
      details: {
        reference: letter.reference,
        heldBecause: review.held_because,
        heldAt: review.held_at,
        outcome,
        reason: decision.reason,
        linesRemoved: edit?.removed.length ?? 0,
      },
    })
    return { letter: after, removed: edit?.removed ?? [], outcome }
  })
  if (result.letter.status === 'queued') await drawPdfAhead(ctx, result.letter)
  ctx.outbox.wake()
  return {
    id: result.letter.public_id,
    reference: result.letter.reference,
    outcome: result.outcome,
    status: result.letter.status,
    removedLines: result.removed,
  }
}

function auditSummary(outcome: ReviewOutcome, letter: LetterRow, removed: number): string {
  const to = addresseeStateNameOf(letter)
  if (outcome === 'approved')
    return `Approved the held letter ${letter.reference} to ${to}: queued for e-mail`
  if (outcome === 'rejected')
    return `Refused the held letter ${letter.reference} to ${to}: not sent, its writer told`
  return `Took ${removed} line${removed === 1 ? '' : 's'} out of the held letter ${letter.reference} to ${to}: queued, its writer told`
}

/** What a writer may read about their letter's review: the reason it was refused, or the lines taken out. */
export async function reviewNoteOf(
  ctx: Pick<AppContext, 'db'>,
  publicId: string,
): Promise<{ outcome: ReviewOutcome | null; reason: string | null; removed: string[] } | null> {
  const letter = await findLetterRowByPublicId(ctx.db, publicId)
  if (!letter) return null
  const review = await repo.findReviewOfLetter(ctx.db, letter.id)
  if (!review) return null
  return {
    outcome: review.outcome,
    reason: review.reason,
    removed: review.removed_lines ? (JSON.parse(review.removed_lines) as string[]) : [],
  }
}
