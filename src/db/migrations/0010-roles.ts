import { type Kysely, sql } from 'kysely'
import { rebuildTable, withCheckList } from './table-rebuild.js'

// Least privilege (issue 12, finding 4): two more organizer roles, a message kind for notices to
// admins, and mission e-mail address changes that wait for approval.

const ROLES = ['viewer', 'organizer', 'coordinator', 'admin']
const OUTBOX_KINDS = [
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

export async function up(db: Kysely<any>): Promise<void> {
  // Existing rows keep their role: 'organizer' keeps what is not personal data, 'admin' everything.
  await rebuildTable(db, 'organizer', (create) => withCheckList(create, 'role', ROLES))
  await rebuildTable(db, 'organizer_invite', (create) => withCheckList(create, 'role', ROLES))
  await rebuildTable(db, 'outbox_message', (create) => withCheckList(create, 'kind', OUTBOX_KINDS))

  await db.schema
    .createTable('mission_email_change')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('old_emails', 'text', (c) => c.notNull())
    .addColumn('new_emails', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('edit', 'import')`))
    .addColumn('field_source', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('proposed_by_label', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('notified_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'superseded')`),
    )
    .addColumn('decided_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('decided_by_label', 'text')
    .addColumn('decided_at', 'text')
    .execute()
  // At most one open change per mission: a newer proposal supersedes the one before.
  await sql`create unique index mission_email_change_open on mission_email_change (state_iso3)
    where status = 'pending'`.execute(db)
}
