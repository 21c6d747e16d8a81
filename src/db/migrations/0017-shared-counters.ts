import type { Kysely } from 'kysely'

/**
 * What several processes on one database must share (issue 17): rate-limit counters, when
 * RATE_LIMIT_STORE=database, so that every app instance counts into the same window; and the
 * periodic jobs' leases, so that a job runs in one process per period whichever processes run the
 * scheduler. Written with the schema builder alone: it runs as it is on every engine.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_hit')
    // A digest of the limit's route and the client's key (its IP address): not the address itself.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    // ISO time the window ends; the row is deleted once it has (rate-limit-store.ts).
    .addColumn('resets_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('rate_limit_hit_resets').on('rate_limit_hit').column('resets_at').execute()

  await db.schema
    .createTable('job_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // Which process runs it ("host:pid:random"); the lease ends at leased_until even if it died.
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('leased_until', 'text', (c) => c.notNull())
    // When the last run began: the next is due a period later, in whichever process.
    .addColumn('started_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_lease').execute()
  await db.schema.dropTable('rate_limit_hit').execute()
}
