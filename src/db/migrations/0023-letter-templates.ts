import { type Kysely, sql } from 'kysely'
import { engineOf } from '../engine.js'

/**
 * Issue 18, item 2: letter templates edited in the browser, versioned per ask and language. A
 * version holds what a file of templates/letters/ holds (its metadata and its plain-text body);
 * a draft may be edited, a published version never is: publishing a newer one supersedes it
 * (triggers below refuse any other change on both engines). At most one version is published
 * per (ask, template, language). Each letter records the version it was written with.
 *
 * The migration writes no rows: the files are the first ask's seed, read at start-up
 * (src/letters/letter-template-seed.ts), so a file changed later is seen without a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = engineOf(db) === 'postgres'
  await db.schema
    .createTable('letter_template_version')
    .addColumn('id', 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('ask_id', 'integer', (c) => c.notNull().references('ask.id'))
    // supporter | organization | follow-up | campaign (the ids of templates/letters/).
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    // JSON array of the data the letter needs, e.g. ["supporter.name"].
    .addColumn('required_fields', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'published', 'superseded')`),
    )
    // 'file': published by the start-up seed from templates/letters/; 'organizer': in the browser.
    .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('file', 'organizer')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('created_by_label', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'integer', (c) => c.references('organizer.id'))
    .addColumn('published_by_label', 'text')
    .addColumn('superseded_at', 'text')
    .addUniqueConstraint('letter_template_version_number', ['ask_id', 'template_id', 'language', 'version'])
    .execute()
  // The one published version of an (ask, template, language): what its letters are written with.
  await sql`create unique index letter_template_version_published
    on letter_template_version (ask_id, template_id, language) where status = 'published'`.execute(db)

  // @NOTE no REFERENCES, as letter.ask_id (0019): SQLite cannot drop a column that is a foreign
  // key without rebuilding `letter`; versions are never deleted once published.
  await db.schema.alterTable('letter').addColumn('template_version_id', 'integer').execute()

  for (const statement of postgres ? POSTGRES_TRIGGERS : SQLITE_TRIGGERS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === 'postgres') {
    for (const name of TRIGGER_NAMES)
      await sql.raw(`drop trigger ${name} on letter_template_version`).execute(db)
    await sql.raw('drop function letter_template_version_kept()').execute(db)
  } else {
    for (const name of TRIGGER_NAMES) await sql.raw(`drop trigger ${name}`).execute(db)
  }
  await db.schema.alterTable('letter').dropColumn('template_version_id').execute()
  await db.schema.dropTable('letter_template_version').execute()
}

const TRIGGER_NAMES = ['letter_template_version_kept_update', 'letter_template_version_kept_delete']

const MESSAGE = 'a published letter template version is never changed or deleted: publish a newer one'
const CONTENT = [
  'ask_id',
  'template_id',
  'language',
  'version',
  'title',
  'audience',
  'required_fields',
  'subject',
  'body',
  'origin',
  'created_at',
  'created_by',
  'created_by_label',
  'published_at',
  'published_by',
  'published_by_label',
]
const changed = (distinct: string) => CONTENT.map((c) => `new.${c} ${distinct} old.${c}`).join(' or ')
// Out of a draft anything goes (the service checks it); after, only published -> superseded.
const refused = (distinct: string) => `old.status <> 'draft' and (${changed(distinct)}
  or not (new.status = old.status or (old.status = 'published' and new.status = 'superseded')))`

const SQLITE_TRIGGERS = [
  `create trigger letter_template_version_kept_update before update on letter_template_version
    when ${refused('is not')}
    begin select raise(abort, '${MESSAGE}'); end`,
  `create trigger letter_template_version_kept_delete before delete on letter_template_version
    when old.status <> 'draft'
    begin select raise(abort, '${MESSAGE}'); end`,
]

const POSTGRES_TRIGGERS = [
  `create function letter_template_version_kept() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status <> 'draft' then raise exception '${MESSAGE}'; end if;
        return old;
      end if;
      if ${refused('is distinct from')} then raise exception '${MESSAGE}'; end if;
      return new;
    end $$`,
  `create trigger letter_template_version_kept_update before update on letter_template_version
    for each row execute function letter_template_version_kept()`,
  `create trigger letter_template_version_kept_delete before delete on letter_template_version
    for each row execute function letter_template_version_kept()`,
]
