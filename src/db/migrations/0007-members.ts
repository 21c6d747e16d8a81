import { type Kysely, sql } from 'kysely'
import { rebuildOutboxTables } from './outbox-rebuild.js'

/** Members of the campaign (double opt-in, consent, unsubscribe), campaign updates, erasure, retention. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // In every link to the member's own pages (unsubscribe, preferences): 128 random bits.
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('individual', 'organization')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'active', 'unsubscribed', 'erased')`),
    )
    // Lower-cased; null once erased. One membership per address.
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('name', 'text') // the person, or an organization's contact person
    .addColumn('country', 'text') // ISO 3166 alpha-2
    .addColumn('organization_name', 'text')
    .addColumn('organization_kind', 'text')
    .addColumn('website', 'text')
    .addColumn('helps', 'text', (c) => c.notNull().defaultTo('[]')) // ways to help, JSON list of codes
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('join_form', 'letter')`))
    // Consent to receive updates: given (1) or not, when, and which wording it was given to.
    .addColumn('consent_updates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_version', 'text')
    .addColumn('consent_at', 'text')
    .addColumn('confirm_token_hash', 'text')
    .addColumn('confirm_expires_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addColumn('erased_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await sql`create unique index member_confirm_token on member (confirm_token_hash) where confirm_token_hash is not null`.execute(
    db,
  )
  await db.schema.createIndex('member_status').on('member').columns(['status', 'kind', 'country']).execute()

  // An update to the members, composed by an organizer; sent through the outbox, one message each.
  await db.schema
    .createTable('campaign_update')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull().defaultTo('{}')) // the members list's filters, JSON
    .addColumn('created_by', 'integer', (c) => c.notNull().references('organizer.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('test_sent_at', 'text')
    .addColumn('sent_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('sent_at', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  // "Erase my data": a link sent to the address; only its hash is kept, and the address itself
  // only until the erasure is done or the link expires.
  await db.schema
    .createTable('erasure_request')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute()

  // Returning supporters are recognised by address: their letters count toward their membership.
  await sql`create index letter_supporter_email on letter (supporter_email) where supporter_email is not null`.execute(
    db,
  )
  // Retention: when a letter's personal paragraph and address were removed (null: still there).
  await db.schema.alterTable('letter').addColumn('personal_data_removed_at', 'text').execute()

  await rebuildOutboxTables(db, [
    'confirmation',
    'reminder',
    'mission_letter',
    'digest',
    'supporter_copy',
    'reply_request',
    'member_confirmation',
    'member_update',
    'erasure_link',
  ])
  // A campaign update's message to one member (null for every other kind).
  await db.schema.alterTable('outbox_message').addColumn('member_id', 'integer').execute()
  await db.schema.alterTable('outbox_message').addColumn('update_id', 'integer').execute()
  await db.schema
    .createIndex('outbox_update')
    .on('outbox_message')
    .columns(['update_id', 'member_id'])
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('0007-members cannot be undone: restore a backup instead.')
}
