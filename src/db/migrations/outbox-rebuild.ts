import { type Kysely, sql } from 'kysely'

/**
 * SQLite cannot change a CHECK constraint, so the outbox table is rebuilt to allow new kinds of
 * message (migration 0004: 'reply_request'; 0007: the members' messages). Renaming the old table first makes delivery_attempt's foreign key follow it;
 * delivery_attempt is then rebuilt to point at the new table, and the old one dropped.
 */
export async function rebuildOutboxTables(db: Kysely<any>, kinds: readonly string[]): Promise<void> {
  const kindList = kinds.map((kind) => `'${kind}'`).join(', ')
  for (const index of ['outbox_due', 'outbox_state_day', 'outbox_letter', 'delivery_attempt_outbox']) {
    await sql.raw(`drop index ${index}`).execute(db)
  }
  await sql`alter table outbox_message rename to outbox_message_old`.execute(db)
  await sql`alter table delivery_attempt rename to delivery_attempt_old`.execute(db)
  await sql`
    create table outbox_message (
      id integer primary key autoincrement,
      kind text not null check (kind in (${sql.raw(kindList)})),
      status text not null check (status in ('collecting', 'queued', 'sending', 'sent', 'failed', 'uncertain')),
      letter_id integer references letter (id),
      state_iso3 text references state (iso3),
      digest_key text unique,
      recipients text not null default '[]',
      message_id text not null unique,
      attempts integer not null default 0,
      send_day text,
      next_attempt_at text not null,
      payload text,
      last_response text,
      created_at text not null,
      updated_at text not null,
      sent_at text
    )`.execute(db)
  await sql`insert into outbox_message select * from outbox_message_old`.execute(db)
  await sql`
    create table delivery_attempt (
      id integer primary key autoincrement,
      outbox_id integer not null references outbox_message (id),
      attempt integer not null,
      started_at text not null,
      finished_at text,
      outcome text check (outcome in ('accepted', 'temporary_failure', 'permanent_failure', 'uncertain')),
      response text
    )`.execute(db)
  await sql`insert into delivery_attempt select * from delivery_attempt_old`.execute(db)
  await sql`drop table delivery_attempt_old`.execute(db)
  await sql`drop table outbox_message_old`.execute(db)
  await sql`create index outbox_due on outbox_message (status, next_attempt_at)`.execute(db)
  await sql`create index outbox_state_day on outbox_message (state_iso3, send_day)`.execute(db)
  await sql`create index outbox_letter on outbox_message (letter_id)`.execute(db)
  await sql`create index delivery_attempt_outbox on delivery_attempt (outbox_id)`.execute(db)
}
