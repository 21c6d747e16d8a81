import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Facts about a state that letters mention: set by organizers, a few seeded from the brief.
  await db.schema
    .createTable('state_tag')
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('tag', 'text', (c) =>
      c.notNull().check(sql`tag in ('troop_contributor', 'police_contributor', 'peacekeeping_host')`),
    )
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('state_tag_pk', ['state_iso3', 'tag'])
    .execute()

  await db.schema
    .createTable('letter')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // Unguessable: the only key a supporter's browser ever sees, since letters hold personal data.
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    // Short and printed on the letter, to match replies; not a secret.
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('en', 'fr', 'es')`))
    .addColumn('paper_size', 'text', (c) => c.notNull().check(sql`paper_size in ('a4', 'letter')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('supporter_name', 'text', (c) => c.notNull())
    .addColumn('supporter_organization', 'text')
    .addColumn('supporter_role', 'text')
    .addColumn('supporter_address_lines', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('supporter_city', 'text')
    .addColumn('supporter_country', 'text')
    .addColumn('supporter_email', 'text')
    .addColumn('personal_note', 'text')
    // Snapshots taken when the letter was written: the addressee as the directory had it, and
    // the letter as printed (LetterDocument). Later directory changes never touch them.
    .addColumn('addressee', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('mission_version_id', 'integer', (c) => c.notNull().references('mission_version.id'))
    .addColumn('printed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('letter_state').on('letter').columns(['state_iso3', 'created_at']).execute()
  await db.schema.createIndex('letter_created').on('letter').column('created_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('letter').execute()
  await db.schema.dropTable('state_tag').execute()
}
