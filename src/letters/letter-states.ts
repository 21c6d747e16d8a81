import type { LetterStatus } from '../db/schema.js'
import { ConflictError } from '../lib/errors.js'

/**
 * The life of a letter, as data: a state may only become one of those listed. Adding a state
 * fails to compile until its row is here.
 */
const NEXT: Record<LetterStatus, readonly LetterStatus[]> = {
  draft: ['awaiting_confirmation'],
  // Unconfirmed after 7 days: expired. Asking again (a new link) keeps it awaiting.
  // Held: confirmed, but the ask's moderation (or a listed word) wants an organizer to read it first.
  awaiting_confirmation: ['awaiting_confirmation', 'queued', 'held', 'expired', 'draft'],
  // Approved (as written, or with a line taken out): the outbox, as a confirmation would. Or refused.
  held: ['queued', 'rejected'],
  rejected: [],
  queued: ['sending'],
  // Back to queued: a temporary failure, retried later. Uncertain: found "sending" after a crash.
  sending: ['sent', 'queued', 'failed', 'uncertain'],
  sent: [],
  // An organizer may queue a failed or uncertain letter again, or record that it did arrive.
  failed: ['queued'],
  uncertain: ['queued', 'sent', 'failed'],
  expired: ['awaiting_confirmation'],
}

export function canBecome(from: LetterStatus, to: LetterStatus): boolean {
  return NEXT[from].includes(to)
}

/** The states a letter may be in to become `to`. */
export function statesBecoming(to: LetterStatus): LetterStatus[] {
  return (Object.keys(NEXT) as LetterStatus[]).filter((from) => NEXT[from].includes(to))
}

export function assertLetterTransition(from: LetterStatus, to: LetterStatus): void {
  if (!canBecome(from, to))
    throw new ConflictError(
      `A letter that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}.`,
    )
}

/**
 * How long a letter stays its writer's to finish: a confirmation link works this long (delivery's
 * CONFIRMATION_DAYS is this), and the writing browser's draft cookie lives no longer.
 */
export const DRAFT_LIFE_DAYS = 7

/** Whether the writer may still change the letter's text. */
export function isEditable(status: LetterStatus): boolean {
  return status === 'draft' || status === 'awaiting_confirmation' || status === 'expired'
}
