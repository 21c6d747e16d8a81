import type { AppContext } from '../app-context.js'
import { ConflictError, NotFoundError } from '../lib/errors.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import * as repo from './letters.repository.js'

// A printed letter reaches its mission by hand or by post, outside the outbox: an organizer
// records it here. @NOTE this is one of the two ways a letter counts as delivered (the other is
// the mission's mail server accepting it), so it canvasses the state (canvassing/coverage-rules).

/** Whether an organizer may mark the letter delivered on paper: printed, and not yet delivered. */
export function canMarkPrintedDelivered(letter: {
  printed_at: string | null
  printed_delivered_at: string | null
  status: string
}): boolean {
  return letter.printed_at !== null && letter.printed_delivered_at === null && letter.status !== 'sent'
}

export interface HandedOverLetter {
  reference: string
  iso3: string
  deliveredAt: string
}

/**
 * Records that a printed letter was delivered to its mission, with who recorded it, audited.
 * 404 for an unknown letter (or one to another state than `expectedIso3`); 409 for a letter that
 * was never printed or is already delivered, by hand or by e-mail.
 */
export async function markPrintedLetterDelivered(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  letterPublicId: string,
  expectedIso3?: string,
): Promise<HandedOverLetter> {
  return ctx.db.transaction().execute(async (trx) => {
    const letter = /^[A-Za-z0-9_-]{22}$/.test(letterPublicId)
      ? await repo.findLetterByPublicId(trx, letterPublicId)
      : undefined
    if (!letter || (expectedIso3 && letter.state_iso3 !== expectedIso3.toUpperCase())) {
      throw new NotFoundError('There is no such letter to this state.')
    }
    if (!letter.printed_at) {
      throw new ConflictError(
        `Letter ${letter.reference} was never printed, so it cannot have been delivered on paper.`,
      )
    }
    if (letter.printed_delivered_at) {
      throw new ConflictError(
        `Letter ${letter.reference} was already marked delivered on ${letter.printed_delivered_at.slice(0, 10)}.`,
      )
    }
    if (letter.status === 'sent') {
      throw new ConflictError(`Letter ${letter.reference} was already delivered by e-mail.`)
    }
    const now = ctx.clock.nowIso()
    await repo.updateLetter(trx, letter.id, {
      printed_delivered_at: now,
      printed_delivered_by: actor.kind === 'organizer' ? actor.id : null,
      updated_at: now,
    })
    await recordAudit(trx, actor, now, {
      action: 'letter.delivered_by_hand',
      subjectType: 'letter',
      subjectId: letter.reference,
      summary: `Printed letter ${letter.reference} to ${letter.state_iso3} marked delivered`,
      details: { letterId: letter.id, iso3: letter.state_iso3 },
    })
    return { reference: letter.reference, iso3: letter.state_iso3, deliveredAt: now }
  })
}
