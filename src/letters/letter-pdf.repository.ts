import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'

// The kept copies of letters' PDFs (migration 0011). A trigger on letter.document drops a copy
// whenever the document changes, so the only way a copy can be wrong is a race, closed below.

export async function findKeptPdf(
  db: Database,
  letterId: number,
): Promise<{ etag: string; bytes: Buffer } | undefined> {
  return db
    .selectFrom('letter_pdf')
    .select(['etag', 'bytes'])
    .where('letter_id', '=', letterId)
    .executeTakeFirst()
}

/** The kept copies of several letters' PDFs in one query, by letter id. */
export async function findKeptPdfs(
  db: Database,
  letterIds: readonly number[],
): Promise<Map<number, { etag: string; bytes: Buffer }>> {
  if (letterIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('letter_pdf')
    .select(['letter_id', 'etag', 'bytes'])
    .where('letter_id', 'in', letterIds)
    .execute()
  return new Map(rows.map(({ letter_id, etag, bytes }) => [letter_id, { etag, bytes }]))
}

/**
 * Keeps `bytes`, drawn from `document`, unless the letter's document has changed since it was
 * read (an erasure committed while the PDF was drawn): a copy of the old text must not return.
 */
export async function keepPdf(
  db: Database,
  row: { letterId: number; document: string; etag: string; bytes: Buffer; at: string },
): Promise<void> {
  // A parameter in a SELECT list is text to PostgreSQL: the bytes say they are bytes.
  const bytes = engineOf(db) === 'postgres' ? sql`cast(${row.bytes} as bytea)` : sql`${row.bytes}`
  await sql`
    insert into letter_pdf (letter_id, etag, bytes, created_at)
    select id, ${row.etag}, ${bytes}, ${row.at} from letter
    where id = ${row.letterId} and document = ${row.document}
    on conflict (letter_id) do update
      set etag = excluded.etag, bytes = excluded.bytes, created_at = excluded.created_at`.execute(db)
}
