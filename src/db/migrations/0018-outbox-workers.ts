import type { Kysely } from 'kysely'

/**
 * Several outbox workers on one database (issue 17): each handover attempt names the worker that
 * claimed it, and each worker says until when it is known alive. At start, and now and then, a
 * worker marks "uncertain" only the messages left "sending" by a worker that is gone, never those
 * another live worker is handing over. Schema builder only: runs as it is on every engine.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // "host:pid:random" of the process that claimed the message (null: claimed before this column).
  await db.schema.alterTable('delivery_attempt').addColumn('worker', 'text').execute()
  await db.schema
    .createTable('outbox_worker')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // Pushed on at every claim; a worker on another machine is taken for gone once it has passed.
    .addColumn('alive_until', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_worker').execute()
  await db.schema.alterTable('delivery_attempt').dropColumn('worker').execute()
}
