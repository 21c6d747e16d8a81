import type { AppContext } from '../app-context.js'
import type { EngagementRow, StatePositionRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { fieldsOf, multiLine } from '../lib/form-fields.js'
import { ENGAGEMENT_KIND_LABELS, POSITION_LABELS } from '../lib/labels.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import * as repo from './corrections.repository.js'
import { parseEngagementInput, parsePositionInput } from './engagement-input.js'
import { clearReplyAnswer } from './reply-requests.repository.js'

// An engagement or a position recorded by mistake is corrected here: edited (the text, the day,
// the kind) or withdrawn (it stays on the page, struck out, and coverage stops counting it). Each
// change keeps the version it replaced with who, when and why, and is audited; nothing is deleted.

type Ctx = Pick<AppContext, 'db' | 'clock'>

export const REASON_LIMIT = 1000

export interface RevisionDto {
  change: 'edit' | 'withdraw' | 'undo' | 'redate'
  reason: string
  by: string
  at: string
  /** The version before the change. */
  before: Record<string, string | null>
}

/** Edits an engagement: its kind, day and text as sent (missing fields keep their value). */
export async function editEngagement(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  expectedIso3?: string,
): Promise<void> {
  const body = fieldsOf(raw)
  const seen = parseRevision(body.revision)
  await ctx.db.transaction().execute(async (trx) => {
    const before = await existingEngagement(trx, id, false, expectedIso3)
    await unchangedSince(seen, () => repo.countEngagementRevisions(trx, id), `Engagement #${id}`)
    if (before.source === 'supporter')
      throw new ConflictError(
        "A supporter's answer about a reply is theirs to change: it can only be withdrawn, not edited.",
      )
    const merged = {
      kind: body.kind ?? before.kind,
      occurredOn: body.occurredOn ?? before.occurred_on,
      text: body.text ?? before.text,
    }
    const parsed = parseEngagementInput(merged, ctx.clock.today())
    const errors = 'errors' in parsed ? { ...parsed.errors } : {}
    const reason = parseReason(body.reason, errors)
    if ('errors' in parsed || reason === null) throw new ValidationError(errors)
    const { kind, occurredOn, text } = parsed.input
    if (kind === before.kind && occurredOn === before.occurred_on && text === before.text)
      throw new ValidationError({ text: 'Nothing was changed: change the kind, the date or the text.' })
    const now = ctx.clock.nowIso()
    const revisionId = await repo.reviseEngagement(trx, before, changeBy(actor, 'edit', reason, now), {
      kind,
      occurred_on: occurredOn,
      text,
    })
    await recordAudit(trx, actor, now, {
      action: 'engagement.edit',
      subjectType: 'state',
      subjectId: before.state_iso3,
      summary: `Engagement #${id} of ${before.state_iso3} edited: ${ENGAGEMENT_KIND_LABELS[kind]}, ${occurredOn} (${reason})`,
      details: {
        engagementId: id,
        revisionId,
        reason,
        before: { kind: before.kind, occurredOn: before.occurred_on, text: before.text },
        after: { kind, occurredOn, text },
      },
    })
  })
}

/** Withdraws an engagement logged by mistake: kept and shown, no longer counted. */
export async function withdrawEngagement(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  expectedIso3?: string,
): Promise<void> {
  const reason = requiredReason(raw)
  const seen = parseRevision(fieldsOf(raw).revision)
  await ctx.db.transaction().execute(async (trx) => {
    const before = await existingEngagement(trx, id, false, expectedIso3)
    await unchangedSince(seen, () => repo.countEngagementRevisions(trx, id), `Engagement #${id}`)
    const now = ctx.clock.nowIso()
    const revisionId = await repo.reviseEngagement(
      trx,
      before,
      changeBy(actor, 'withdraw', reason, now),
      'withdrawn',
    )
    // A writer's answer is on their letter too, where the replies table counts it: withdrawn there.
    if (before.source === 'supporter' && before.letter_id !== null)
      await clearReplyAnswer(trx, before.letter_id)
    await recordAudit(trx, actor, now, {
      action: 'engagement.withdraw',
      subjectType: 'state',
      subjectId: before.state_iso3,
      summary: `Engagement #${id} of ${before.state_iso3} (${ENGAGEMENT_KIND_LABELS[before.kind]}, ${before.occurred_on}) withdrawn: ${reason}`,
      details: { engagementId: id, revisionId, reason, kind: before.kind, occurredOn: before.occurred_on },
    })
  })
}

/** Edits a recorded position: the position, its day and note (missing fields keep their value). */
export async function editPosition(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  expectedIso3?: string,
): Promise<void> {
  const body = fieldsOf(raw)
  const seen = parseRevision(body.revision)
  await ctx.db.transaction().execute(async (trx) => {
    const before = await existingPosition(trx, id, false, expectedIso3)
    await unchangedSince(seen, () => repo.countPositionRevisions(trx, id), `Position record #${id}`)
    const merged = {
      position: body.position ?? before.position,
      notedOn: body.notedOn ?? before.noted_on,
      note: body.note ?? before.note,
    }
    const parsed = parsePositionInput(merged, ctx.clock.today())
    const errors = 'errors' in parsed ? { ...parsed.errors } : {}
    const reason = parseReason(body.reason, errors)
    if ('errors' in parsed || reason === null) throw new ValidationError(errors)
    const { position, notedOn, note } = parsed.input
    if (position === before.position && notedOn === before.noted_on && note === before.note)
      throw new ValidationError({ note: 'Nothing was changed: change the position, the date or the note.' })
    const now = ctx.clock.nowIso()
    const revisionId = await repo.revisePosition(trx, before, changeBy(actor, 'edit', reason, now), {
      position,
      noted_on: notedOn,
      note,
    })
    await recordAudit(trx, actor, now, {
      action: 'position.edit',
      subjectType: 'state',
      subjectId: before.state_iso3,
      summary: `Position record #${id} of ${before.state_iso3} edited: ${POSITION_LABELS[before.position]} → ${POSITION_LABELS[position]} (${reason})`,
      details: {
        positionId: id,
        revisionId,
        reason,
        before: { position: before.position, notedOn: before.noted_on, note: before.note },
        after: { position, notedOn, note },
      },
    })
  })
}

/** Withdraws a position recorded by mistake: the state's previous record becomes current again. */
export async function withdrawPosition(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  expectedIso3?: string,
): Promise<void> {
  const reason = requiredReason(raw)
  const seen = parseRevision(fieldsOf(raw).revision)
  await ctx.db.transaction().execute(async (trx) => {
    const before = await existingPosition(trx, id, false, expectedIso3)
    await unchangedSince(seen, () => repo.countPositionRevisions(trx, id), `Position record #${id}`)
    const now = ctx.clock.nowIso()
    const revisionId = await repo.revisePosition(
      trx,
      before,
      changeBy(actor, 'withdraw', reason, now),
      'withdrawn',
    )
    await recordAudit(trx, actor, now, {
      action: 'position.withdraw',
      subjectType: 'state',
      subjectId: before.state_iso3,
      summary: `Position record #${id} of ${before.state_iso3} (${POSITION_LABELS[before.position]}, ${before.noted_on}) withdrawn: ${reason}`,
      details: { positionId: id, revisionId, reason, position: before.position, notedOn: before.noted_on },
    })
  })
}

/** An engagement's history: each change, newest first, with the version it replaced. */
export async function engagementHistory(ctx: Ctx, id: number): Promise<RevisionDto[]> {
  await existingEngagement(ctx.db, id, true)
  return (await repo.findEngagementRevisions(ctx.db, id)).map((row) => ({
    change: row.change,
    reason: row.reason,
    by: row.actor_label,
    at: row.changed_at,
    before: { kind: row.kind, occurredOn: row.occurred_on, text: row.text },
  }))
}

/** A position record's history: each change, newest first, with the version it replaced. */
export async function positionRecordHistory(ctx: Ctx, id: number): Promise<RevisionDto[]> {
  await existingPosition(ctx.db, id, true)
  return (await repo.findPositionRevisions(ctx.db, id)).map((row) => ({
    change: row.change,
    reason: row.reason,
    by: row.actor_label,
    at: row.changed_at,
    before: { position: row.position, notedOn: row.noted_on, note: row.note },
  }))
}

/** The reason a correction is made, required: read back in the history and the audit log. */
export function requiredReason(raw: unknown): string {
  const errors: Record<string, string> = {}
  const reason = parseReason(fieldsOf(raw).reason, errors)
  if (reason === null) throw new ValidationError(errors)
  return reason
}

/**
 * `revision`: how many changes the entry had when the form (or the client) read it, if it says. A
 * form sends every field, so a change made meanwhile by someone else would be silently undone by
 * its stale values: with `revision`, such a correction is refused (409) instead.
 */
function parseRevision(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,9}$/.test(value)
        ? Number(value)
        : NaN
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValidationError({
      revision: 'The revision must be a whole number: the count of changes you saw.',
    })
  return n
}

/** Refuses a correction made on a version someone else has changed since (read under the row's lock). */
async function unchangedSince(
  seen: number | null,
  count: () => Promise<number>,
  what: string,
): Promise<void> {
  if (seen === null) return
  const now = await count()
  if (now !== seen)
    throw new ConflictError(
      `${what} was corrected by someone else since you opened it (${now} ${now === 1 ? 'change' : 'changes'} now, ${seen} then): reload the page, read their change, and correct it again if need be.`,
    )
}

function parseReason(value: unknown, errors: Record<string, string>): string | null {
  const reason = multiLine(value, 'reason', 'The reason', REASON_LIMIT, errors)
  if (reason === '' && !errors.reason) errors.reason = 'Say why it is corrected: the reason is kept.'
  return reason && !errors.reason ? reason : null
}

function changeBy(actor: Actor, change: 'edit' | 'withdraw', reason: string, now: string): repo.ChangeBy {
  return {
    change,
    reason,
    organizer_id: actor.kind === 'organizer' ? actor.id : null,
    actor_label: actor.kind === 'organizer' ? actor.name : 'Command line',
    changed_at: now,
  }
}

async function existingEngagement(
  db: Ctx['db'],
  id: number,
  withdrawn = false,
  expectedIso3?: string,
): Promise<EngagementRow> {
  const row = Number.isSafeInteger(id) && id > 0 ? await repo.findEngagementForUpdate(db, id) : undefined
  if (!row || (expectedIso3 && row.state_iso3 !== expectedIso3.toUpperCase()))
    throw new NotFoundError(`There is no engagement #${id}.`)
  if (row.withdrawn_at && !withdrawn)
    throw new ConflictError(`Engagement #${id} was withdrawn on ${row.withdrawn_at.slice(0, 10)}.`)
  return row
}

async function existingPosition(
  db: Ctx['db'],
  id: number,
  withdrawn = false,
  expectedIso3?: string,
): Promise<StatePositionRow> {
  const row = Number.isSafeInteger(id) && id > 0 ? await repo.findPositionForUpdate(db, id) : undefined
  if (!row || (expectedIso3 && row.state_iso3 !== expectedIso3.toUpperCase()))
    throw new NotFoundError(`There is no position record #${id}.`)
  if (row.withdrawn_at && !withdrawn)
    throw new ConflictError(`Position record #${id} was withdrawn on ${row.withdrawn_at.slice(0, 10)}.`)
  return row
}
