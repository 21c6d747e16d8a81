import type { Kysely } from 'kysely'
import type { DB, NewOutboxMessageRow, OutboxMessageRow, OutboxStatus } from '../db/schema.js'

type Db = Kysely<DB>

export async function insertOutboxMessage(db: Db, row: NewOutboxMessageRow): Promise<OutboxMessageRow> {
  return db.insertInto('outbox_message').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateOutboxMessage(
  db: Db,
  id: number,
  patch: Partial<Omit<OutboxMessageRow, 'id'>>,
): Promise<OutboxMessageRow> {
  return db
    .updateTable('outbox_message')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findOutboxMessage(db: Db, id: number): Promise<OutboxMessageRow | undefined> {
  return db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMessagesByStatus(db: Db, status: OutboxStatus): Promise<OutboxMessageRow[]> {
  return db.selectFrom('outbox_message').selectAll().where('status', '=', status).orderBy('id').execute()
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

export async function insertAttempt(
  db: Db,
  outboxId: number,
  attempt: number,
  startedAt: string,
): Promise<number> {
  const row = await db
    .insertInto('delivery_attempt')
    .values({
      outbox_id: outboxId,
      attempt,
      started_at: startedAt,
      finished_at: null,
      outcome: null,
      response: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function finishAttempt(
  db: Db,
  id: number,
  finishedAt: string,
  outcome: 'accepted' | 'temporary_failure' | 'permanent_failure' | 'uncertain',
  response: string,
): Promise<void> {
  await db
    .updateTable('delivery_attempt')
    .set({ finished_at: finishedAt, outcome, response: response.slice(0, 1000) })
    .where('id', '=', id)
    .execute()
}

export async function findAttempts(db: Db, outboxId: number) {
  return db
    .selectFrom('delivery_attempt')
    .selectAll()
    .where('outbox_id', '=', outboxId)
    .orderBy('id')
    .execute()
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
