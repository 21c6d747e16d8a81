import { type Kysely, sql } from 'kysely'

/**
 * Sources and partners (issue 14, item 3): the code of the partner or channel a supporter came
 * from (`?source=amnesty-ke`, rule in src/lib/source-code.ts), stored with the letter written
 * (`letter.source`) and the membership asked for (`member.source_code`: `member.source` already
 * says which form it came by), and the partners organizers name (`partner`, one per code).
 * Existing letters and members have no source (null).
 * @NOTE columns are added, not rebuilt: letter keeps its triggers (letter_stats_*, letter_pdf_stale).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('letter').addColumn('source', 'text').execute()
  await db.schema.alterTable('member').addColumn('source_code', 'text').execute()

  // The per-source counts read only the letters that have a source, from the index alone (the
  // letters without one are the totals of state_letter_stats less these). The queries repeat the
  // condition word for word: SQLite uses a partial index only when the query implies it.
  await sql`create index letter_source on letter (source, channel, status) where source is not null`.execute(
    db,
  )
  // New members per source, counted from the index alone (confirmed_at: those who confirmed).
  await sql`create index member_source on member (source_code, confirmed_at)`.execute(db)

  await db.schema
    .createTable('partner')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    // The source code its links carry; lower case, so unique as typed.
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('website', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('partner').execute()
  await sql`drop index member_source`.execute(db)
  await sql`drop index letter_source`.execute(db)
  await db.schema.alterTable('member').dropColumn('source_code').execute()
  await db.schema.alterTable('letter').dropColumn('source').execute()
}
