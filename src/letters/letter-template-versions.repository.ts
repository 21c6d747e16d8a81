import type { Kysely } from 'kysely'
import type {
  DB,
  LetterTemplateVersionRow,
  LetterTemplateVersionTable,
  NewLetterTemplateVersionRow,
} from '../db/schema.js'

type Db = Kysely<DB>
type Language = LetterTemplateVersionTable['language']

/** The oldest ask's id: the ask every other falls back on for a template it has none of. */
export async function findFirstAskId(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('ask')
    .select((eb) => eb.fn.min('id').as('id'))
    .executeTakeFirst()
  return row?.id ?? null
}

export async function findVersion(db: Db, id: number): Promise<LetterTemplateVersionRow | undefined> {
  return db.selectFrom('letter_template_version').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Every version of the asks given, by template, language, then newest first. */
export async function findVersionsOfAsks(
  db: Db,
  askIds: readonly number[],
): Promise<LetterTemplateVersionRow[]> {
  if (askIds.length === 0) return []
  return db
    .selectFrom('letter_template_version')
    .selectAll()
    .where('ask_id', 'in', askIds)
    .orderBy('template_id')
    .orderBy('language')
    .orderBy('version', 'desc')
    .execute()
}

/** The published versions of a template in a language among `askIds` (at most one per ask). */
export async function findPublished(
  db: Db,
  askIds: readonly number[],
  templateId: string,
  language: Language,
): Promise<LetterTemplateVersionRow[]> {
  return db
    .selectFrom('letter_template_version')
    .selectAll()
    .where('ask_id', 'in', askIds)
    .where('template_id', '=', templateId)
    .where('language', '=', language)
    .where('status', '=', 'published')
    .execute()
}

/** Every published version of the asks given. */
export async function findAllPublished(
  db: Db,
  askIds: readonly number[],
): Promise<LetterTemplateVersionRow[]> {
  return db
    .selectFrom('letter_template_version')
    .selectAll()
    .where('ask_id', 'in', askIds)
    .where('status', '=', 'published')
    .orderBy('template_id')
    .orderBy('language')
    .execute()
}

/** The versions of one (ask, template, language), newest first. */
export async function findVersionsOf(
  db: Db,
  askId: number,
  templateId: string,
  language: Language,
): Promise<LetterTemplateVersionRow[]> {
  return db
    .selectFrom('letter_template_version')
    .selectAll()
    .where('ask_id', '=', askId)
    .where('template_id', '=', templateId)
    .where('language', '=', language)
    .orderBy('version', 'desc')
    .execute()
}

export async function insertVersion(
  db: Db,
  row: NewLetterTemplateVersionRow,
): Promise<LetterTemplateVersionRow> {
  return db.insertInto('letter_template_version').values(row).returningAll().executeTakeFirstOrThrow()
}

/** Changes a draft; a version no longer a draft is left as it is (undefined). */
export async function updateDraft(
  db: Db,
  id: number,
  patch: Partial<
    Pick<
      LetterTemplateVersionRow,
      'title' | 'audience' | 'required_fields' | 'subject' | 'body' | 'updated_at' | 'version'
    >
  >,
): Promise<LetterTemplateVersionRow | undefined> {
  return db
    .updateTable('letter_template_version')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst()
}

/** Marks the published version of (ask, template, language), if any, superseded. */
export async function supersedePublished(
  db: Db,
  askId: number,
  templateId: string,
  language: Language,
  at: string,
): Promise<LetterTemplateVersionRow | undefined> {
  return db
    .updateTable('letter_template_version')
    .set({ status: 'superseded', superseded_at: at })
    .where('ask_id', '=', askId)
    .where('template_id', '=', templateId)
    .where('language', '=', language)
    .where('status', '=', 'published')
    .returningAll()
    .executeTakeFirst()
}

/** Publishes a draft (the caller superseded the version before it in the same transaction). */
export async function publishDraft(
  db: Db,
  id: number,
  by: { at: string; organizerId: number | null; label: string },
): Promise<LetterTemplateVersionRow | undefined> {
  return db
    .updateTable('letter_template_version')
    .set({
      status: 'published',
      published_at: by.at,
      published_by: by.organizerId,
      published_by_label: by.label,
      updated_at: by.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst()
}
