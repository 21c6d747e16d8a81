import { type Kysely, sql } from 'kysely'

/**
 * Campaign updates go out through the outbox, throttled (UPDATES_PER_MINUTE), behind every other
 * kind of message. The worker asks three questions on every claim; each gets an index of its own,
 * so that a pass costs the same with a million letters' messages in the table as with none.
 * @NOTE the queries repeat these WHERE clauses word for word (literals, not parameters): SQLite
 * uses a partial index only when the query's terms imply its condition.
 * @NOTE rebuildOutboxTables (outbox-rebuild.ts) drops the table's indexes: a later rebuild must
 * create these again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A member never gets the same update twice (a test to an organizer has no member).
  await sql`create unique index outbox_update_member on outbox_message (update_id, member_id)
    where member_id is not null`.execute(db)
  // How many updates went out in the last minute.
  await sql`create index outbox_update_sent on outbox_message (sent_at)
    where kind = 'member_update'`.execute(db)
  // The next message due of any other kind, or an update's test: they never wait behind a send.
  await sql`create index outbox_due_first on outbox_message (next_attempt_at, id)
    where status = 'queued' and (kind <> 'member_update' or member_id is null)`.execute(db)
  // The next update due to a member, when the minute's allowance is not used up.
  await sql`create index outbox_update_due on outbox_message (next_attempt_at, id)
    where status = 'queued' and kind = 'member_update' and member_id is not null`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('0008-update-sending cannot be undone: restore a backup instead.')
}
