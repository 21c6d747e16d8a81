import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf, indexedBy } from '../db/engine.js'
import type { NewOutboxMessageRow, OutboxMessageRow, OutboxStatus } from '../db/schema.js'

// The outbox's own SQL: its messages (outbox_message) and the record of each handover
// (delivery_attempt). Queries a domain asks of the outbox (a letter's messages, a mission's cap)
// stay in that domain's repository.

export async function insertOutboxMessage(db: Database, row: NewOutboxMessageRow): Promise<OutboxMessageRow> {
  return db.insertInto('outbox_message').values(row).returningAll().executeTakeFirstOrThrow()
}

/** Several messages in one statement. */
export async function insertOutboxMessages(
  db: Database,
  rows: readonly NewOutboxMessageRow[],
): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('outbox_message')
      .values([...rows])
      .execute()
}

export async function updateOutboxMessage(
  db: Database,
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

/** As updateOutboxMessage, returning nothing: what the outbox writes at every handover. */
export async function setOutboxMessage(
  db: Database,
  id: number,
  patch: Partial<Omit<OutboxMessageRow, 'id'>>,
): Promise<void> {
  await db.updateTable('outbox_message').set(patch).where('id', '=', id).execute()
}

export async function findOutboxMessage(db: Database, id: number): Promise<OutboxMessageRow | undefined> {
  return db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMessagesByStatus(db: Database, status: OutboxStatus): Promise<OutboxMessageRow[]> {
  return db.selectFrom('outbox_message').selectAll().where('status', '=', status).orderBy('id').execute()
}

// Claiming. @NOTE each query reads a partial index of migration 0008 and repeats its condition
// word for word: INDEXED BY makes the query fail loudly, rather than scan the whole outbox, if
// the index is ever lost. The throttled kind is `member_update` (kind-rules.ts, createOutbox).

/**
 * Marks up to `limit` due messages of every kind but an update to a member (an update's test
 * included) "sending", oldest due first, in one statement; returns them as they now are.
 */
export async function claimDueFirst(db: Database, now: string, limit: number): Promise<OutboxMessageRow[]> {
  if (limit <= 0) return []
  const { rows } = await sql<OutboxMessageRow>`
    update outbox_message set status = 'sending', attempts = attempts + 1, updated_at = ${now}
    where id in (
      select id from outbox_message ${indexedBy(db, 'outbox_due_first')}
      where status = 'queued' and (kind <> 'member_update' or member_id is null)
        and next_attempt_at <= ${now}
      order by next_attempt_at, id
      limit ${limit} ${skipLocked(db)})
    returning *`.execute(db)
  return sortByDue(rows)
}

/** As claimDueFirst, for updates to members: up to `limit`, the oldest due first. */
export async function claimDueUpdates(db: Database, now: string, limit: number): Promise<OutboxMessageRow[]> {
  if (limit <= 0) return []
  const { rows } = await sql<OutboxMessageRow>`
    update outbox_message set status = 'sending', attempts = attempts + 1, updated_at = ${now}
    where id in (
      select id from outbox_message ${indexedBy(db, 'outbox_update_due')}
      where status = 'queued' and kind = 'member_update' and member_id is not null
        and next_attempt_at <= ${now}
      order by next_attempt_at, id
      limit ${limit} ${skipLocked(db)})
    returning *`.execute(db)
  return sortByDue(rows)
}

/**
 * PostgreSQL: two workers (or the server's and `npm run outbox:work`) claiming at once must not
 * both take a message. SQLite has one writer at a time, so its claim is already whole; on
 * PostgreSQL the second claim would wait for the first's rows and then mark them "sending" again
 * (the subquery is not read again under READ COMMITTED). SKIP LOCKED passes over rows another
 * claim holds, and the first claim's rows are no longer queued when it commits.
 */
function skipLocked(db: Database) {
  return engineOf(db) === 'postgres' ? sql`for update skip locked` : sql``
}

// RETURNING gives rows in no promised order: hand them over in the order they were due.
function sortByDue(rows: OutboxMessageRow[]): OutboxMessageRow[] {
  return rows.sort((a, b) =>
    a.next_attempt_at === b.next_attempt_at ? a.id - b.id : a.next_attempt_at < b.next_attempt_at ? -1 : 1,
  )
}

/**
 * Throttled messages (updates, tests included) the mail server accepted after `since`, plus those
 * being handed over now: each of those may be accepted within the coming minute.
 */
export async function countUpdatesSentSinceOrSending(db: Database, since: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select (select count(*) from outbox_message ${indexedBy(db, 'outbox_update_sent')}
            where kind = 'member_update' and sent_at > ${since})
         + (select count(*) from outbox_message ${indexedBy(db, 'outbox_update_sending')}
            where status = 'sending' and kind = 'member_update') as n`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

/**
 * PostgreSQL: holds the updates' allowance until the transaction ends, so that two claims never
 * count the same room (a claim runs READ COMMITTED, claim.ts). SQLite: one writer at a time
 * already. @NOTE any 64-bit number no other code on the database uses (as start-up-lock.ts).
 */
export async function lockUpdateAllowance(db: Database): Promise<void> {
  if (engineOf(db) === 'postgres')
    await sql`select pg_advisory_xact_lock(${UPDATE_ALLOWANCE_LOCK})`.execute(db)
}

const UPDATE_ALLOWANCE_LOCK = BigInt('7305914640018517019')

/** An open attempt for each message, in one statement: the attempt's id by message id. */
export async function insertAttempts(
  db: Database,
  messages: readonly { id: number; attempts: number }[],
  startedAt: string,
  worker: string,
): Promise<Map<number, number>> {
  if (messages.length === 0) return new Map()
  const rows = await db
    .insertInto('delivery_attempt')
    .values(
      messages.map((message) => ({
        outbox_id: message.id,
        attempt: message.attempts,
        started_at: startedAt,
        finished_at: null,
        outcome: null,
        response: null,
        worker,
      })),
    )
    .returning(['id', 'outbox_id'])
    .execute()
  return new Map(rows.map((row) => [row.outbox_id, row.id]))
}

/**
 * Messages the mail server took, each with its reply, in one statement; a kind whose payload is a
 * link's only copy has it cleared (`clearPayload`).
 */
export async function markSent(
  db: Database,
  sent: readonly { id: number; response: string; clearPayload: boolean }[],
  now: string,
): Promise<void> {
  if (sent.length === 0) return
  const cleared = sent.filter((s) => s.clearPayload).map((s) => s.id)
  await sql`
    update outbox_message set status = 'sent', sent_at = ${now}, updated_at = ${now},
      last_response = ${byId(sent.map((s) => ({ id: s.id, value: s.response.slice(0, 500) })))}
      ${cleared.length === 0 ? sql`` : sql`, payload = case when id in (${sql.join(cleared)}) then null else payload end`}
    where id in (${sql.join(sent.map((s) => s.id))})`.execute(db)
}

/** As finishAttempt, for several attempts with one outcome, in one statement. */
export async function finishAttempts(
  db: Database,
  attempts: readonly { id: number; response: string }[],
  finishedAt: string,
  outcome: 'accepted' | 'temporary_failure' | 'permanent_failure' | 'uncertain',
): Promise<void> {
  if (attempts.length === 0) return
  await sql`
    update delivery_attempt set finished_at = ${finishedAt}, outcome = ${outcome},
      response = ${byId(attempts.map((a) => ({ id: a.id, value: a.response.slice(0, 1000) })))}
    where id in (${sql.join(attempts.map((a) => a.id))})`.execute(db)
}

/** `case id when 1 then 'a' when 2 then 'b' end`: a value of each row's own in one update. */
function byId(values: readonly { id: number; value: string }[]) {
  return sql`case id ${sql.join(
    values.map(({ id, value }) => sql`when ${id} then ${value}`),
    sql` `,
  )} end`
}

export async function finishAttempt(
  db: Database,
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

export async function findAttempts(db: Database, outboxId: number) {
  return db
    .selectFrom('delivery_attempt')
    .selectAll()
    .where('outbox_id', '=', outboxId)
    .orderBy('id')
    .execute()
}

// Workers. A worker is known alive until the time it last wrote here (at each claim).

export async function markWorkerAlive(db: Database, name: string, aliveUntil: string): Promise<void> {
  await db
    .insertInto('outbox_worker')
    .values({ name, alive_until: aliveUntil })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ alive_until: aliveUntil }))
    .execute()
}

/** The workers known alive at `now`. */
export async function findWorkersAliveAt(db: Database, now: string): Promise<Set<string>> {
  const rows = await db.selectFrom('outbox_worker').select('name').where('alive_until', '>', now).execute()
  return new Set(rows.map((row) => row.name))
}

/** Messages left "sending", with the worker of each one's open attempt (null: none named). */
export async function findSendingWithWorker(
  db: Database,
): Promise<{ message: OutboxMessageRow; worker: string | null }[]> {
  const messages = await findMessagesByStatus(db, 'sending')
  const result: { message: OutboxMessageRow; worker: string | null }[] = []
  for (const message of messages) {
    const open = await db
      .selectFrom('delivery_attempt')
      .select('worker')
      .where('outbox_id', '=', message.id)
      .where('finished_at', 'is', null)
      .orderBy('id', 'desc')
      .executeTakeFirst()
    result.push({ message, worker: open?.worker ?? null })
  }
  return result
}
