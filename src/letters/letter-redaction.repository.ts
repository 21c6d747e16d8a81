import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { indexedBy } from '../db/engine.js'
import type { LetterRow } from '../db/schema.js'

// The queries of letter redaction. Each reads a partial index of migration 0009, whose condition
// its WHERE repeats word for word (SQLite uses a partial index only when the query implies it).

/** The letters written with this address, whatever its case: `folded` is lower-cased in ASCII. */
export async function findLettersByFoldedEmail(db: Database, folded: string): Promise<LetterRow[]> {
  const { rows } = await sql<LetterRow>`
    select * from letter ${indexedBy(db, 'letter_supporter_email_lower')}
    where lower(supporter_email) = ${folded} and supporter_email is not null
    order by id`.execute(db)
  return rows
}

/** Whether any letter was written with this address (`folded` as above). */
export async function hasLettersByFoldedEmail(db: Database, folded: string): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    select id from letter ${indexedBy(db, 'letter_supporter_email_lower')}
    where lower(supporter_email) = ${folded} and supporter_email is not null
    limit 1`.execute(db)
  return rows.length > 0
}

/**
 * Letters delivered before `before` (by e-mail or by hand) whose personal data is still there:
 * the earliest delivered first, at most `limit`.
 */
export async function findLettersDeliveredBefore(
  db: Database,
  before: string,
  limit: number,
): Promise<LetterRow[]> {
  // @NOTE INDEXED BY, as for reply requests: the planner must not wander to letter_status, and
  // the query fails loudly if the index is ever lost instead of reading every letter each pass.
  const { rows: emailed } = await sql<LetterRow>`
    select * from letter ${indexedBy(db, 'letter_retention_sent')}
    where personal_data_removed_at is null and sent_at is not null and sent_at < ${before}
    order by sent_at
    limit ${limit}`.execute(db)
  const { rows: handed } = await sql<LetterRow>`
    select * from letter ${indexedBy(db, 'letter_retention_handed')}
    where personal_data_removed_at is null and printed_delivered_at is not null
      and printed_delivered_at < ${before}
    order by printed_delivered_at
    limit ${limit}`.execute(db)
  const byId = new Map([...emailed, ...handed].map((row) => [row.id, row]))
  return [...byId.values()].slice(0, limit)
}
