import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'
import { rebuildTable, withCheckList } from './table-rebuild.js'

/**
 * Issue 18, item 3: moderation as the campaign chooses. Each ask says whether its e-mailed letters
 * go without review (today's behaviour, the default), whether first-time writers' letters are held,
 * or all of them; a list of words and phrases holds any letter that carries one; each held letter
 * has one review record (why it was held, what an organizer decided, who, when, the reason, the
 * text removed). A held letter's status is 'held' and a refused one's 'rejected' (letter.status has
 * no CHECK: the states are src/letters/letter-states.ts). The writer told of a refusal or an edit
 * is a new outbox kind. Runs on both engines.
 */

const MODERATIONS = ['none', 'first_time', 'all']
const HELD_BECAUSE = ['first_time', 'all', 'term']
const OUTCOMES = ['approved', 'rejected', 'edited']
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
  'reply_notice',
]
// The writer told that their held letter was refused, or sent with a line taken out.
const KINDS_AFTER = [...KINDS_BEFORE, 'review_notice']

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '))

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === 'postgres'
  const id = (c: any) =>
    postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()

  await db.schema
    .alterTable('ask')
    .addColumn('moderation', 'text', (c) =>
      c
        .notNull()
        .defaultTo('none')
        .check(sql`moderation in (${inList(MODERATIONS)})`),
    )
    .execute()

  // `normalized` is the term as matched (NFKC, lower case): one row per term whatever its case.
  await db.schema
    .createTable('moderation_term')
    .addColumn('id', 'integer', id)
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull().unique())
    .addColumn('added_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('added_by_label', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('letter_review')
    .addColumn('id', 'integer', id)
    // One review per letter: a letter is held once, at its confirmation.
    .addColumn('letter_id', 'integer', (c) => c.notNull().unique().references('letter.id'))
    .addColumn('held_at', 'text', (c) => c.notNull())
    .addColumn('held_because', 'text', (c) =>
      c.notNull().check(sql`held_because in (${inList(HELD_BECAUSE)})`),
    )
    // The listed terms found (a JSON array of the terms as listed), when held for them.
    .addColumn('held_terms', 'text')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in (${inList(OUTCOMES)})`))
    .addColumn('reason', 'text')
    // The line(s) of the personal paragraph taken out (a JSON array), when edited.
    .addColumn('removed_lines', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('decided_by_label', 'text')
    .addColumn('decided_at', 'text')
    .execute()
  // The queue: the letters still waiting, oldest first.
  await sql`create index letter_review_waiting on letter_review (held_at) where outcome is null`.execute(db)

  await setOutboxKinds(db, KINDS_AFTER)
}

export async function down(db: Kysely<any>): Promise<void> {
  const notices = db.selectFrom('outbox_message').select('id').where('kind', '=', 'review_notice')
  await db.deleteFrom('delivery_attempt').where('outbox_id', 'in', notices).execute()
  await db.deleteFrom('outbox_message').where('kind', '=', 'review_notice').execute()
  await setOutboxKinds(db, KINDS_BEFORE)
  await db.schema.dropTable('letter_review').execute()
  await db.schema.dropTable('moderation_term').execute()
  await db.schema.alterTable('ask').dropColumn('moderation').execute()
}

/** As migration 0020: SQLite rebuilds the outbox table, PostgreSQL swaps its named constraint. */
async function setOutboxKinds(db: Kysely<any>, kinds: readonly string[]): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    await rebuildTable(db, 'outbox_message', (create) => withCheckList(create, 'kind', kinds))
    return
  }
  await sql`alter table outbox_message drop constraint outbox_message_kind_check`.execute(db)
  await sql`alter table outbox_message add constraint outbox_message_kind_check
    check (kind in (${inList(kinds)}))`.execute(db)
}
