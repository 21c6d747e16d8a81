import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { LetterRow } from '../db/schema.js'

// A printed letter's "delivered" undone or re-dated (migration 0021): the delivery as it was goes to
// letter_delivery_revision, and the state's first and last delivery days are counted again.

export async function findLetterForCorrection(
  db: Database,
  publicId: string,
): Promise<LetterRow | undefined> {
  const query = db.selectFrom('letter').selectAll().where('public_id', '=', publicId)
  // Locked until the correction commits on PostgreSQL (SQLite's writer lock does the same).
  return (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst()
}

export async function insertDeliveryRevision(
  db: Database,
  row: {
    letter_id: number
    change: 'undo' | 'redate'
    printed_delivered_at: string | null
    printed_delivered_by: number | null
    reason: string
    organizer_id: number | null
    actor_label: string
    changed_at: string
  },
): Promise<number> {
  const { id } = await db
    .insertInto('letter_delivery_revision')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function findDeliveryRevisions(db: Database, letterId: number) {
  return db
    .selectFrom('letter_delivery_revision')
    .selectAll()
    .where('letter_id', '=', letterId)
    .orderBy('id', 'desc')
    .execute()
}

/**
 * The state's first and last delivery days, counted again from its letters. @NOTE the letter
 * triggers only ever widen them (a delivery taken back cannot narrow a min or max): after an undo
 * or a new date, this puts them right. Reads the state's letters through letter_state, once per
 * correction. Call it after the letter's update in the same transaction: that update's trigger
 * has locked the state's counters row, so on PostgreSQL a delivery committed by another
 * transaction is either seen by this read or waits and widens the days after it.
 */
export async function recountDeliveryDays(db: Database, iso3: string): Promise<void> {
  const deliveredAt = sql`case when status = 'sent' then coalesce(sent_at, updated_at) else printed_delivered_at end`
  const span = await db
    .selectFrom('letter')
    .select([
      sql<string | null>`min(${deliveredAt})`.as('first'),
      sql<string | null>`max(${deliveredAt})`.as('last'),
    ])
    .where('state_iso3', '=', iso3)
    .where((eb) => eb.or([eb('status', '=', 'sent'), eb('printed_delivered_at', 'is not', null)]))
    .executeTakeFirst()
  await db
    .updateTable('state_letter_stats')
    .set({ first_delivered_at: span?.first ?? null, last_delivered_at: span?.last ?? null })
    .where('state_iso3', '=', iso3)
    .execute()
}
