import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { EngagementRow, StatePositionRow } from '../db/schema.js'

// Corrections of engagements and positions (migration 0021): the version a change replaces goes
// to a history table in the change's transaction; nothing is ever deleted.

export interface ChangeBy {
  change: 'edit' | 'withdraw'
  reason: string
  organizer_id: number | null
  actor_label: string
  changed_at: string
}

// @NOTE on PostgreSQL the row is locked until the change commits, so two organizers correcting it
// at once keep both versions in the history, one after the other (SQLite's writer lock does that).
export async function findEngagementForUpdate(db: Database, id: number): Promise<EngagementRow | undefined> {
  const query = db.selectFrom('engagement').selectAll().where('id', '=', id)
  return (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst()
}

export async function findPositionForUpdate(db: Database, id: number): Promise<StatePositionRow | undefined> {
  const query = db.selectFrom('state_position').selectAll().where('id', '=', id)
  return (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst()
}

/** Keeps `before` in the history, then changes the engagement to `after` (or withdraws it). */
export async function reviseEngagement(
  db: Database,
  before: EngagementRow,
  by: ChangeBy,
  after: { kind: EngagementRow['kind']; occurred_on: string; text: string } | 'withdrawn',
): Promise<number> {
  const { id } = await db
    .insertInto('engagement_revision')
    .values({
      engagement_id: before.id,
      kind: before.kind,
      occurred_on: before.occurred_on,
      text: before.text,
      ...by,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .updateTable('engagement')
    .set(
      after === 'withdrawn'
        ? { withdrawn_at: by.changed_at, withdrawn_by: by.organizer_id, withdrawn_reason: by.reason }
        : after,
    )
    .where('id', '=', before.id)
    .execute()
  return id
}

/** Keeps `before` in the history, then changes the position record to `after` (or withdraws it). */
export async function revisePosition(
  db: Database,
  before: StatePositionRow,
  by: ChangeBy,
  after: { position: StatePositionRow['position']; noted_on: string; note: string } | 'withdrawn',
): Promise<number> {
  const { id } = await db
    .insertInto('state_position_revision')
    .values({
      position_id: before.id,
      position: before.position,
      noted_on: before.noted_on,
      note: before.note,
      ...by,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .updateTable('state_position')
    .set(
      after === 'withdrawn'
        ? { withdrawn_at: by.changed_at, withdrawn_by: by.organizer_id, withdrawn_reason: by.reason }
        : after,
    )
    .where('id', '=', before.id)
    .execute()
  return id
}

export async function findEngagementRevisions(db: Database, engagementId: number) {
  return db
    .selectFrom('engagement_revision')
    .selectAll()
    .where('engagement_id', '=', engagementId)
    .orderBy('id', 'desc')
    .execute()
}

export async function findPositionRevisions(db: Database, positionId: number) {
  return db
    .selectFrom('state_position_revision')
    .selectAll()
    .where('position_id', '=', positionId)
    .orderBy('id', 'desc')
    .execute()
}

/** How many changes an engagement has had: the version a form or a client saw is this count. */
export async function countEngagementRevisions(db: Database, engagementId: number): Promise<number> {
  const row = await db
    .selectFrom('engagement_revision')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('engagement_id', '=', engagementId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function countPositionRevisions(db: Database, positionId: number): Promise<number> {
  const row = await db
    .selectFrom('state_position_revision')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('position_id', '=', positionId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
