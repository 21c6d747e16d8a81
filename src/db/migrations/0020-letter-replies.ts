import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'
import { rebuildTable, withCheckList } from './table-rebuild.js'

/**
 * A mission's reply recorded against the letter(s) it answers (issue 18, item 4): when and how it
 * came, what it says, the position it states (linked to the state's position history), an optional
 * attached file; each letter's writer told once. And a per-state choice to show its position on
 * the public pages, off until an organizer publishes it.
 */

const POSITIONS = ['unknown', 'undecided', 'supportive', 'opposed', 'committed']
const CHANNELS = ['email', 'letter', 'note_verbale', 'meeting', 'phone', 'other']
const KINDS_BEFORE = [
  'confirmation',
  'reminder',
  'mission_letter',
  'digest',
  'supporter_copy',
  'reply_request',
  'member_confirmation',
  'member_update',
  'erasure_link',
  'organizer_notice',
]
// The writer told that the mission answered their letter.
const KINDS_AFTER = [...KINDS_BEFORE, 'reply_notice']

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '))

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === 'postgres'
  await db.schema
    .createTable('mission_reply')
    .addColumn('id', 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in (${inList(CHANNELS)})`))
    .addColumn('summary', 'text', (c) => c.notNull())
    // The position the reply states, if it states one; position_id is the record it made.
    .addColumn('position', 'text', (c) => c.check(sql`position in (${inList(POSITIONS)})`))
    .addColumn('position_id', 'integer', (c) => c.references('state_position.id'))
    // The "reply received" engagement it logged: the reply canvasses the state, as a logged one does.
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('engagement.id'))
    // The attached file, its type read from its first bytes (never the browser's word for it).
    .addColumn('file_name', 'text')
    .addColumn('file_type', 'text')
    .addColumn('file_size', 'integer')
    .addColumn('file_bytes', postgres ? 'bytea' : 'blob')
    .addColumn('recorded_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('recorded_by_label', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('mission_reply_state').on('mission_reply').column('state_iso3').execute()

  await db.schema
    .createTable('mission_reply_letter')
    .addColumn('reply_id', 'integer', (c) => c.notNull().references('mission_reply.id'))
    .addColumn('letter_id', 'integer', (c) => c.notNull().references('letter.id'))
    .addPrimaryKeyConstraint('mission_reply_letter_pk', ['reply_id', 'letter_id'])
    .execute()
  await db.schema
    .createIndex('mission_reply_letter_letter')
    .on('mission_reply_letter')
    .column('letter_id')
    .execute()

  // One row per letter whose writer was told: the primary key keeps it to once, whatever races.
  await db.schema
    .createTable('letter_reply_notice')
    .addColumn('letter_id', 'integer', (c) => c.primaryKey().references('letter.id'))
    .addColumn('reply_id', 'integer', (c) => c.notNull().references('mission_reply.id'))
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .execute()

  // A row: the state's position is shown on the public pages. No row (the default): it is not.
  await db.schema
    .createTable('state_position_publication')
    .addColumn('state_iso3', 'text', (c) => c.primaryKey().references('state.iso3'))
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'integer', (c) => c.references('organizer.id'))
    .execute()

  await setOutboxKinds(db, KINDS_AFTER)
}

export async function down(db: Kysely<any>): Promise<void> {
  const notices = db.selectFrom('outbox_message').select('id').where('kind', '=', 'reply_notice')
  await db.deleteFrom('delivery_attempt').where('outbox_id', 'in', notices).execute()
  await db.deleteFrom('outbox_message').where('kind', '=', 'reply_notice').execute()
  await setOutboxKinds(db, KINDS_BEFORE)
  for (const table of [
    'state_position_publication',
    'letter_reply_notice',
    'mission_reply_letter',
    'mission_reply',
  ])
    await db.schema.dropTable(table).execute()
}

/**
 * SQLite cannot change a CHECK constraint: the table is rebuilt (table-rebuild.ts). PostgreSQL
 * swaps the constraint, named as PostgreSQL named the baseline's inline check.
 */
async function setOutboxKinds(db: Kysely<any>, kinds: readonly string[]): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    await rebuildTable(db, 'outbox_message', (create) => withCheckList(create, 'kind', kinds))
    return
  }
  await sql`alter table outbox_message drop constraint outbox_message_kind_check`.execute(db)
  await sql`alter table outbox_message add constraint outbox_message_kind_check
    check (kind in (${inList(kinds)}))`.execute(db)
}
