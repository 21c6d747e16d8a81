import { type Kysely, sql } from 'kysely'

// @NOTE migrations take Kysely<any> and never import application code: they must run the same
// way years from now, whatever the code has become.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('state')
    .addColumn('iso3', 'text', (c) => c.primaryKey().check(sql`length(iso3) = 3`))
    .addColumn('iso2', 'text', (c) => c.notNull().unique().check(sql`length(iso2) = 2`))
    .addColumn('iso_numeric', 'text', (c) => c.notNull().unique().check(sql`length(iso_numeric) = 3`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('formal_name', 'text', (c) => c.notNull())
    .addColumn('membership', 'text', (c) => c.notNull().check(sql`membership in ('member', 'observer')`))
    .addColumn('admission_date', 'text')
    .addColumn('regional_group', 'text', (c) =>
      c.check(
        sql`regional_group in ('african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', 'western_european_others')`,
      ),
    )
    .addColumn('regional_group_note', 'text')
    // Other names: common English names for search, and the Blue Book's spellings for the import.
    .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('security_council_seat')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('seat', 'text', (c) => c.notNull().check(sql`seat in ('permanent', 'elected')`))
    // Whole calendar years: terms start on 1 January and end on 31 December. Null: permanent.
    .addColumn('term_start_year', 'integer', (c) => c.notNull())
    .addColumn('term_end_year', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addUniqueConstraint('security_council_seat_term', ['state_iso3', 'term_start_year'])
    .execute()

  await db.schema
    .createTable('directory_import')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_date', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute()

  // Every change to a mission's details is a new row; the previous row gets `valid_until`, so
  // history stays visible. The current version is the one with `valid_until` null.
  await db.schema
    .createTable('mission_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('state_iso3', 'text', (c) => c.notNull().references('state.iso3'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('address_lines', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('phone', 'text')
    .addColumn('fax', 'text')
    .addColumn('emails', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('website', 'text')
    .addColumn('languages', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('head_status', 'text', (c) =>
      c.notNull().check(sql`head_status in ('unknown', 'filled', 'vacant')`),
    )
    .addColumn('head_honorific', 'text')
    .addColumn('head_name', 'text')
    .addColumn('head_function', 'text')
    .addColumn('head_credentials_presented', 'text')
    // JSON: field name -> { kind: 'seed' | 'import' | 'organizer', ref, date }.
    .addColumn('field_sources', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('changed_fields', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('import_id', 'integer', (c) => c.references('directory_import.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('mission_version_number', ['state_iso3', 'version'])
    .execute()
  await sql`create unique index mission_version_current on mission_version (state_iso3) where valid_until is null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mission_version').execute()
  await db.schema.dropTable('directory_import').execute()
  await db.schema.dropTable('security_council_seat').execute()
  await db.schema.dropTable('state').execute()
}
