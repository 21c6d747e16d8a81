import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // E-mail delivery of a letter: confirmation by its writer, then the outbox.
  await db.schema.alterTable('letter').addColumn('channel', 'text').execute() // null: printed only; 'email'
  await db.schema.alterTable('letter').addColumn('confirm_token_hash', 'text').execute()
  await db.schema.alterTable('letter').addColumn('confirm_expires_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('confirm_requested_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('reminded_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('confirmed_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('sent_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('message_id', 'text').execute()
  await db.schema.alterTable('letter').addColumn('outbox_id', 'integer').execute()
  await sql`create unique index letter_confirm_token on letter (confirm_token_hash) where confirm_token_hash is not null`.execute(
    db,
  )
  await db.schema
    .createIndex('letter_status')
    .on('letter')
    .columns(['status', 'confirm_requested_at'])
    .execute()

  // Every e-mail the service sends, durable: written before it is handed to the mail server,
  // updated after, so a crash loses nothing and the worker can tell what may have gone out.
  await db.schema
    .createTable('outbox_message')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(sql`kind in ('confirmation', 'reminder', 'mission_letter', 'digest', 'supporter_copy')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('collecting', 'queued', 'sending', 'sent', 'failed', 'uncertain')`),
    )
    .addColumn('letter_id', 'integer', (c) => c.references('letter.id'))
    .addColumn('state_iso3', 'text', (c) => c.references('state.iso3'))
    // A digest gathers one mission's letters of one day: "FRA 2026-06-01".
    .addColumn('digest_key', 'text', (c) => c.unique())
    .addColumn('recipients', 'text', (c) => c.notNull().defaultTo('[]'))
    // Chosen when the message is queued and kept across retries, so a mail server that received
    // it twice can tell it is the same message.
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The day (UTC) a mission letter counts against that mission's daily cap.
    .addColumn('send_day', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // What the message needs that the database does not otherwise hold (a confirmation link);
    // cleared once it has served.
    .addColumn('payload', 'text')
    .addColumn('last_response', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute()
  await db.schema
    .createIndex('outbox_due')
    .on('outbox_message')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('outbox_state_day')
    .on('outbox_message')
    .columns(['state_iso3', 'send_day'])
    .execute()

  await db.schema
    .createTable('delivery_attempt')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox_message.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text', (c) =>
      c.check(sql`outcome in ('accepted', 'temporary_failure', 'permanent_failure', 'uncertain')`),
    )
    .addColumn('response', 'text')
    .execute()
  await db.schema.createIndex('delivery_attempt_outbox').on('delivery_attempt').column('outbox_id').execute()

  // Messages and letters are looked up by each other when a letter is confirmed or sent.
  await db.schema.createIndex('outbox_letter').on('outbox_message').column('letter_id').execute()
  await db.schema.createIndex('letter_outbox').on('letter').column('outbox_id').execute()

  // A mission address that a mail server refused for good: organizers must check it.
  await db.schema
    .createTable('mission_email_failure')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('first_failed_at', 'text', (c) => c.notNull())
    .addColumn('last_failed_at', 'text', (c) => c.notNull())
    .addColumn('last_response', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mission_email_failure').execute()
  await db.schema.dropTable('delivery_attempt').execute()
  await db.schema.dropTable('outbox_message').execute()
}
