import { type Kysely, sql } from 'kysely'

/**
 * Bounces (issue 16): a delivery status notification read from the bounce mailbox, one row per
 * recipient it reports on. `report_id` is the notification's own Message-ID (or a digest of its
 * bytes where it has none): read twice, it is recorded once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bounce')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox_message.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('hard', 'soft')`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('diagnostic', 'text')
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bounce_report_email', ['report_id', 'email'])
    .execute()
  await db.schema.createIndex('bounce_outbox').on('bounce').column('outbox_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bounce').execute()
}
