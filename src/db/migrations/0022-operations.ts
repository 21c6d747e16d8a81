import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'

/**
 * Issue 18, item 6: organizers keep the Security Council's elected terms in the browser. Each
 * change to a term (added, corrected, removed) is kept here with who made it and why, so a
 * correction never loses what was there before; the seed also reads it, so a seeded term an
 * organizer corrected or removed does not come back at the next start. Runs on both engines.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === 'postgres'
  await db.schema
    .createTable('council_term_change')
    .addColumn('id', 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('add', 'correct', 'remove')`))
    .addColumn('organizer_id', 'integer', (c) => c.references('organizer.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    // The term before the change (null when added) and after it (null when removed).
    .addColumn('before_iso3', 'text')
    .addColumn('before_first_year', 'integer')
    .addColumn('before_last_year', 'integer')
    .addColumn('before_source', 'text')
    .addColumn('after_iso3', 'text')
    .addColumn('after_first_year', 'integer')
    .addColumn('after_last_year', 'integer')
    .execute()
  await db.schema
    .createIndex('council_term_change_before')
    .on('council_term_change')
    .columns(['before_source', 'before_iso3', 'before_first_year'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('council_term_change').execute()
}
