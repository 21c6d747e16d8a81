import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { LetterRow } from '../db/schema.js'

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

export interface KeptPdf {
  etag: string
  bytes: Buffer
}

/** Letters by id, each with its kept PDF (null: none kept), in one query. */
export async function findLettersWithKeptPdfs(
  db: Database,
  letterIds: readonly number[],
): Promise<{ letter: LetterRow; kept: KeptPdf | null }[]> {
  if (letterIds.length === 0) return []
  const rows = await db
    .selectFrom('letter')
    .leftJoin('letter_pdf', 'letter_pdf.letter_id', 'letter.id')
    .selectAll('letter')
    .select(['letter_pdf.etag as kept_pdf_etag', 'letter_pdf.bytes as kept_pdf_bytes'])
    .where('letter.id', 'in', letterIds)
    .execute()
  return rows.map(({ kept_pdf_etag, kept_pdf_bytes, ...letter }) => ({
    letter,
    kept:
      kept_pdf_etag !== null && kept_pdf_bytes !== null
        ? { etag: kept_pdf_etag, bytes: kept_pdf_bytes }
        : null,
  }))
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
