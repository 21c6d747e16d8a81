import type { Kysely } from 'kysely'
import type { DB, OutboxMessageRow } from '../db/schema.js'

// Delivery's questions of the outbox's table: a letter's messages, a mission's daily cap, its
// digests, the outbox page. The outbox's own SQL (claims, attempts) is in outbox/outbox.repository.ts.

type Db = Kysely<DB>

export async function findOutboxMessage(db: Db, id: number): Promise<OutboxMessageRow | undefined> {
  return db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMessagesOfLetter(db: Db, letterId: number): Promise<OutboxMessageRow[]> {
  return db.selectFrom('outbox_message').selectAll().where('letter_id', '=', letterId).orderBy('id').execute()
}

/** Mission letters already counted against a mission's cap on `day` (digests are one a day anyway). */
export async function countMissionMessagesOnDay(db: Db, iso3: string, day: string): Promise<number> {
  const row = await db
    .selectFrom('outbox_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state_iso3', '=', iso3)
    .where('send_day', '=', day)
    .where('kind', '=', 'mission_letter')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findDigest(db: Db, digestKey: string): Promise<OutboxMessageRow | undefined> {
  return db.selectFrom('outbox_message').selectAll().where('digest_key', '=', digestKey).executeTakeFirst()
}

/** Digests still gathering letters whose day is over: ready to go. */
export async function queueDigestsBefore(db: Db, day: string, now: string): Promise<number> {
  const result = await db
    .updateTable('outbox_message')
    .set({ status: 'queued', next_attempt_at: now, updated_at: now })
    .where('kind', '=', 'digest')
    .where('status', '=', 'collecting')
    .where('send_day', '<', day)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export async function clearPayloadsOfLetter(db: Db, letterId: number): Promise<void> {
  await db.updateTable('outbox_message').set({ payload: null }).where('letter_id', '=', letterId).execute()
}

/** Mission messages that need an organizer: uncertain after a crash, or failed. */
export async function findMessagesNeedingAttention(db: Db) {
  return (
    db
      .selectFrom('outbox_message')
      .leftJoin('letter', 'letter.id', 'outbox_message.letter_id')
      .select([
        'outbox_message.id',
        'outbox_message.kind',
        'outbox_message.status',
        'outbox_message.state_iso3',
        'outbox_message.attempts',
        'outbox_message.last_response',
        'outbox_message.updated_at',
        'letter.reference',
        'letter.state_iso3 as letter_state',
      ])
      .where('outbox_message.status', 'in', ['uncertain', 'failed'])
      // An update held back on purpose (the member left before it went: never attempted) needs nobody.
      .where((eb) =>
        eb.not(
          eb.and([eb('outbox_message.kind', '=', 'member_update'), eb('outbox_message.attempts', '=', 0)]),
        ),
      )
      .orderBy('outbox_message.updated_at', 'desc')
      .limit(500)
      .execute()
  )
}

export async function countMessagesByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox_message')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}
