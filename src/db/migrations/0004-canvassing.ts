import { type Kysely, sql } from 'kysely'
import { createLetterStatsTriggers } from './letter-stats-triggers.js'
import { rebuildOutboxTables } from './outbox-rebuild.js'

/** Organizer accounts, the audit log, canvassing (engagements, positions, letter counts), replies. */
export async function up(db: Kysely<any>): Promise<void> {
  await organizers(db)
  await canvassing(db)
  await letterCounts(db)
  await replies(db)
  await directoryUploads(db)
}

async function organizers(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizer')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // Stored lower-cased: one account per address, however it is typed.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'organizer')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .addColumn('disabled_at', 'text')
    .execute()

  // A link that creates one account: the first admin's setup link, or an admin's invitation.
  await db.schema
    .createTable('organizer_invite')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'organizer')`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('setup', 'invite')`))
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by', 'integer', (c) => c.references('organizer.id'))
    .execute()

  // Only a hash of the session token is stored: a copy of the database opens no session.
  await db.schema
    .createTable('organizer_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'integer', (c) => c.notNull().references('organizer.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('organizer_session_organizer')
    .on('organizer_session')
    .column('organizer_id')
    .execute()

  // Who changed what. `actor_label` keeps the name as it was ("shell" for command-line changes).
  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'integer', (c) => c.references('organizer.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema
    .createIndex('audit_event_subject')
    .on('audit_event')
    .columns(['subject_type', 'subject_id'])
    .execute()
}

async function canvassing(db: Kysely<any>): Promise<void> {
  // What happened between the campaign and a state's mission. Supporters' answers to "did the
  // mission reply?" are engagements too (source 'supporter', with their letter).
  await db.schema
    .createTable('engagement')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('meeting', 'call', 'reply_received', 'acknowledgement', 'no_reply_yet', 'public_statement', 'note')`,
        ),
    )
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('organizer', 'supporter')`))
    .addColumn('organizer_id', 'integer', (c) => c.references('organizer.id'))
    .addColumn('letter_id', 'integer', (c) => c.references('letter.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('engagement_state')
    .on('engagement')
    .columns(['state_iso3', 'kind', 'occurred_on'])
    .execute()
  await db.schema.createIndex('engagement_letter').on('engagement').column('letter_id').execute()

  // A state's position on the Special Court Mechanism over time; the latest row is current.
  await db.schema
    .createTable('state_position')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('position', 'text', (c) =>
      c.notNull().check(sql`position in ('unknown', 'undecided', 'supportive', 'opposed', 'committed')`),
    )
    .addColumn('noted_on', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('organizer_id', 'integer', (c) => c.references('organizer.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('state_position_state')
    .on('state_position')
    .columns(['state_iso3', 'id'])
    .execute()

  // A printed letter handed to or posted to the mission, as an organizer recorded it.
  await db.schema.alterTable('letter').addColumn('printed_delivered_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('printed_delivered_by', 'integer').execute()
}

/**
 * Letter counts per state, kept by triggers in the same transaction as every letter change, so
 * coverage reads 195 rows instead of counting a million letters (and can never drift from them).
 * @NOTE "delivered" is defined here and in canvassing/coverage-rules.ts: e-mail accepted by the
 * mission's server (status 'sent'), or a printed letter marked delivered.
 */
async function letterCounts(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('state_letter_stats')
    .addColumn('state_iso3', 'text', (c) => c.primaryKey().references('state.iso3'))
    .addColumn('written', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('printed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('emailed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_delivered_at', 'text')
    .addColumn('last_delivered_at', 'text')
    .execute()

  await createLetterStatsTriggers(db, { replies: false })

  // Letters written before this migration.
  await sql
    .raw(
      `insert into state_letter_stats (state_iso3, written, printed, emailed, delivered, failed, first_delivered_at, last_delivered_at)
       select state_iso3, count(*),
         sum(printed_at is not null),
         sum(channel = 'email' and status in ('queued', 'sending', 'sent', 'failed', 'uncertain')),
         sum(status = 'sent'),
         sum(status = 'failed'),
         min(case when status = 'sent' then coalesce(sent_at, updated_at) end),
         max(case when status = 'sent' then coalesce(sent_at, updated_at) end)
       from letter group by state_iso3`,
    )
    .execute(db)
}

async function replies(db: Kysely<any>): Promise<void> {
  // "Did the mission reply?", asked of a letter's writer 14 days after delivery.
  await db.schema.alterTable('letter').addColumn('reply_token_hash', 'text').execute()
  await db.schema.alterTable('letter').addColumn('reply_requested_at', 'text').execute()
  await db.schema.alterTable('letter').addColumn('reply_answer', 'text').execute()
  await db.schema.alterTable('letter').addColumn('reply_answered_at', 'text').execute()
  await sql`create unique index letter_reply_token on letter (reply_token_hash) where reply_token_hash is not null`.execute(
    db,
  )
  await sql`create index letter_reply_due on letter (sent_at) where reply_requested_at is null and status = 'sent'`.execute(
    db,
  )
  await rebuildOutboxTables(db, [
    'confirmation',
    'reminder',
    'mission_letter',
    'digest',
    'supporter_copy',
    'reply_request',
  ])
}

async function directoryUploads(db: Kysely<any>): Promise<void> {
  // A Blue Book file uploaded by an organizer, kept between "review the report" and "confirm".
  await db.schema
    .createTable('directory_upload')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('source_date', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('organizer.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('discarded_at', 'text')
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('0004-canvassing cannot be undone: restore a backup instead.')
}
