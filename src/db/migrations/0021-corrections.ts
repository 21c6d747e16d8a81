import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'
import { createLetterStatsTriggers, dropLetterStatsTriggers, NOTE_COUNTERS } from './letter-stats-triggers.js'
import { COUNTERS, letterStatsFunction } from './postgres-baseline.js'

/**
 * Corrections (issue 18, item 5). An engagement, a position or a "mark delivered" can be edited or
 * withdrawn, never silently deleted: the row keeps its place, a withdrawn one says when, by whom
 * and why, and each change keeps the version before it in a history table (who, when, why).
 * Coverage reads only what is not withdrawn, through a partial index that holds those rows alone.
 * And state_letter_stats counts the letters with a personal paragraph, kept by the letter triggers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['engagement', 'state_position']) {
    await db.schema.alterTable(table).addColumn('withdrawn_at', 'text').execute()
    // The organizer's id, as letter.printed_delivered_by: no foreign key, so that down() can drop it.
    await db.schema.alterTable(table).addColumn('withdrawn_by', 'integer').execute()
    await db.schema.alterTable(table).addColumn('withdrawn_reason', 'text').execute()
  }
  // Coverage's seeks (first and last day per state and kind) skip withdrawn rows for free.
  await db.schema
    .createIndex('engagement_state_current')
    .on('engagement')
    .columns(['state_iso3', 'kind', 'occurred_on'])
    .where(sql<boolean>`withdrawn_at is null`)
    .execute()
  await db.schema
    .createIndex('state_position_state_current')
    .on('state_position')
    .columns(['state_iso3', 'id'])
    .where(sql<boolean>`withdrawn_at is null`)
    .execute()

  // Each row: the version as it was before one change, and the change.
  await revisionTable(db, 'engagement_revision', 'engagement_id', 'engagement', (t) =>
    t
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('occurred_on', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull()),
  )
  await revisionTable(db, 'state_position_revision', 'position_id', 'state_position', (t) =>
    t
      .addColumn('position', 'text', (c) => c.notNull())
      .addColumn('noted_on', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull()),
  )
  await revisionTable(db, 'letter_delivery_revision', 'letter_id', 'letter', (t) =>
    t.addColumn('printed_delivered_at', 'text').addColumn('printed_delivered_by', 'integer'),
  )

  await db.schema
    .alterTable('state_letter_stats')
    .addColumn('with_personal_note', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  if (engineOf(db) === 'sqlite') {
    await dropLetterStatsTriggers(db)
    await createLetterStatsTriggers(db, { replies: true, notes: true })
  } else {
    const notes = NOTE_COUNTERS.map((c) => [c.column, (row: string) => c.flag(row as 'new' | 'old')] as const)
    await sql.raw(letterStatsFunction([...COUNTERS, ...notes], 'create or replace')).execute(db)
  }
  await sql`
    update state_letter_stats set with_personal_note = counts.n
    from (
      select state_iso3, count(*) as n from letter where coalesce(personal_note, '') <> '' group by state_iso3
    ) as counts
    where state_letter_stats.state_iso3 = counts.state_iso3`.execute(db)
}

async function revisionTable(
  db: Kysely<any>,
  name: string,
  subjectColumn: string,
  subjectTable: string,
  columns: (
    t: ReturnType<Kysely<any>['schema']['createTable']>,
  ) => ReturnType<Kysely<any>['schema']['createTable']>,
): Promise<void> {
  const sqlite = engineOf(db) === 'sqlite'
  let table = db.schema
    .createTable(name)
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.generatedByDefaultAsIdentity().primaryKey(),
    )
    .addColumn(subjectColumn, 'integer', (c) => c.notNull().references(`${subjectTable}.id`))
    // 'edit', 'withdraw' (engagements, positions); 'undo', 'redate' (a letter's delivery on paper).
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'integer', (c) => c.references('organizer.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
  table = columns(table)
  await table.execute()
  await db.schema.createIndex(`${name}_subject`).on(name).columns([subjectColumn, 'id']).execute()
}

/** Back to 0018: the history and the withdrawals are dropped (withdrawn rows count again). */
export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    await dropLetterStatsTriggers(db)
    await createLetterStatsTriggers(db, { replies: true })
  } else {
    await sql.raw(letterStatsFunction(COUNTERS, 'create or replace')).execute(db)
  }
  await db.schema.alterTable('state_letter_stats').dropColumn('with_personal_note').execute()
  for (const table of ['letter_delivery_revision', 'state_position_revision', 'engagement_revision'])
    await db.schema.dropTable(table).execute()
  await db.schema.dropIndex('state_position_state_current').execute()
  await db.schema.dropIndex('engagement_state_current').execute()
  for (const table of ['state_position', 'engagement'])
    for (const column of ['withdrawn_reason', 'withdrawn_by', 'withdrawn_at'])
      await db.schema.alterTable(table).dropColumn(column).execute()
}
