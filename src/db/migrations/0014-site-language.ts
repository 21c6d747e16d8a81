import { type Kysely, sql } from 'kysely'

/**
 * The language of the site when a writer or a member acted (issue 15): e-mails to them are written
 * in it. On the letter (the confirmation, the reminder, the copy, the reply question), the member
 * (the confirmation, campaign updates' own lines) and the ask to erase data (the link). Rows from
 * before were all written on the English site: 'en'.
 * @NOTE columns are added, not rebuilt: letter keeps its triggers (letter_stats_*, letter_pdf_stale).
 */
const LANGUAGES = sql`('ar', 'zh', 'en', 'fr', 'ru', 'es')`

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['letter', 'member', 'erasure_ask'] as const) {
    await db.schema
      .alterTable(table)
      .addColumn('site_language', 'text', (c) =>
        c.notNull().defaultTo('en').check(sql`site_language in ${LANGUAGES}`),
      )
      .execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['erasure_ask', 'member', 'letter'] as const)
    await db.schema.alterTable(table).dropColumn('site_language').execute()
}
