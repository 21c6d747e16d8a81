import type { AppContext } from '../app-context.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { fieldsOf, isCalendarDate, multiLine } from '../lib/form-fields.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import * as corrections from './letter-delivery-corrections.repository.js'
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

export interface DeliveryCorrection {
  reference: string
  iso3: string
  /** The delivery day now on record, null once undone. */
  deliveredAt: string | null
}

/**
 * Takes back or re-dates "mark delivered" on a printed letter: `{ action: 'undo', reason }` or
 * `{ action: 'redate', deliveredOn: 'YYYY-MM-DD', reason }`. The delivery as it was is kept in
 * letter_delivery_revision with who, when and why, and audited. Undone, the letter no longer
 * counts as delivered (the letter triggers take it off the state's counters), so a state it alone
 * canvassed is no longer canvassed. 404 for an unknown letter, 409 for one not delivered on paper.
 */
export async function correctPrintedDelivery(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  letterPublicId: string,
  raw: unknown,
  expectedIso3?: string,
): Promise<DeliveryCorrection> {
  const body = fieldsOf(raw)
  const errors: Record<string, string> = {}
  const action = body.action === 'undo' || body.action === 'redate' ? body.action : null
  if (!action) errors.action = "Choose 'undo' (not delivered after all) or 'redate' (delivered another day)."
  const deliveredOn = action === 'redate' ? pastDay(body.deliveredOn, ctx.clock.today(), errors) : null
  const reason = multiLine(body.reason, 'reason', 'The reason', 1000, errors)
  if (reason === '' && !errors.reason) errors.reason = 'Say why it is corrected: the reason is kept.'
  if (Object.keys(errors).length > 0 || !action || !reason) throw new ValidationError(errors)

  return ctx.db.transaction().execute(async (trx) => {
    const letter = /^[A-Za-z0-9_-]{22}$/.test(letterPublicId)
      ? await corrections.findLetterForCorrection(trx, letterPublicId)
      : undefined
    if (!letter || (expectedIso3 && letter.state_iso3 !== expectedIso3.toUpperCase())) {
      throw new NotFoundError('There is no such letter to this state.')
    }
    if (!letter.printed_delivered_at) {
      throw new ConflictError(
        `Letter ${letter.reference} is not marked delivered on paper: there is nothing to correct.`,
      )
    }
    const now = ctx.clock.nowIso()
    const revisionId = await corrections.insertDeliveryRevision(trx, {
      letter_id: letter.id,
      change: action,
      printed_delivered_at: letter.printed_delivered_at,
      printed_delivered_by: letter.printed_delivered_by,
      reason,
      organizer_id: actor.kind === 'organizer' ? actor.id : null,
      actor_label: actor.kind === 'organizer' ? actor.name : 'Command line',
      changed_at: now,
    })
    const deliveredAt = deliveredOn ? `${deliveredOn}T12:00:00.000Z` : null
    await repo.updateLetter(trx, letter.id, {
      printed_delivered_at: deliveredAt,
      printed_delivered_by: deliveredAt && actor.kind === 'organizer' ? actor.id : null,
      updated_at: now,
    })
    await corrections.recountDeliveryDays(trx, letter.state_iso3)
    const was = letter.printed_delivered_at.slice(0, 10)
    await recordAudit(trx, actor, now, {
      action: action === 'undo' ? 'letter.delivery_undone' : 'letter.delivery_redated',
      subjectType: 'letter',
      subjectId: letter.reference,
      summary:
        action === 'undo'
          ? `Printed letter ${letter.reference} to ${letter.state_iso3}: "delivered on ${was}" undone (${reason})`
          : `Printed letter ${letter.reference} to ${letter.state_iso3}: delivery moved from ${was} to ${deliveredOn} (${reason})`,
      details: {
        letterId: letter.id,
        iso3: letter.state_iso3,
        revisionId,
        reason,
        before: letter.printed_delivered_at,
        after: deliveredAt,
      },
    })
    return { reference: letter.reference, iso3: letter.state_iso3, deliveredAt }
  })
}

function pastDay(value: unknown, today: string, errors: Record<string, string>): string | null {
  const day = typeof value === 'string' ? value.trim() : ''
  if (!isCalendarDate(day)) errors.deliveredOn = 'The delivery date must be a real date written YYYY-MM-DD.'
  else if (day > today) errors.deliveredOn = `The delivery date cannot be in the future (today is ${today}).`
  else return day
  return null
}
