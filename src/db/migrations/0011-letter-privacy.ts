import { type Kysely, sql } from 'kysely'

/**
 * Issue 12 (5d, 5f, 5h):
 * - `letter.draft_token_hash`: the digest of a secret held only in the writing browser's draft
 *   cookie. The letter's id is in its address, so the id alone proves nothing: the edit page shows
 *   the writer's e-mail address only to the browser holding the secret.
 * - `letter_pdf`: a letter's rendered PDF, kept under the ETag of the document it was drawn from.
 *   A trigger drops it whenever the stored document changes (an edit, retention, erasure), in the
 *   same transaction: no copy outlives the text it was drawn from.
 * - `erasure_ask`: "erase my data" asked on the form, answered by the outbox pass, so that the
 *   request itself does the same work whether the address is known or not.
 * @NOTE a later migration that rebuilds the letter table must create letter_pdf_stale again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('letter').addColumn('draft_token_hash', 'text').execute()

  await db.schema
    .createTable('letter_pdf')
    .addColumn('letter_id', 'integer', (c) => c.primaryKey().references('letter.id').onDelete('cascade'))
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('bytes', 'blob', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await sql`create trigger letter_pdf_stale after update of document on letter
    when new.document is not old.document
    begin
      delete from letter_pdf where letter_id = new.id;
    end`.execute(db)

  await db.schema
    .createTable('erasure_ask')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('0011-letter-privacy cannot be undone: restore a backup instead.')
}
