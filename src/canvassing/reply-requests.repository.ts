import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { indexedBy } from '../db/engine.js'
import type { LetterRow, ReplyAnswer } from '../db/schema.js'

// The letter's reply columns (reply_*), which only the replies follow-up writes: they change no
// letter state, so they stay out of the letters module's state table. @NOTE the letter-count
// triggers (migration 0006) count them per state: the replies table reads those counters.

export interface ReplyDueLetter {
  id: number
  supporter_email: string
}

/**
 * Delivered letters with a writer's address, delivered from `sentFrom` to `sentBefore`, whose
 * writer was not asked yet: the oldest first, at most `limit`. Reads the partial index letter_reply_due, whose
 * condition the WHERE repeats word for word so that SQLite can use it.
 */
export async function findLettersDueForReplyRequest(
  db: Database,
  sentFrom: string,
  sentBefore: string,
  limit: number,
): Promise<ReplyDueLetter[]> {
  // @NOTE INDEXED BY: left to itself, SQLite picks letter_status (status = 'sent' is most letters)
  // and sorts them all, 2.6 s at a million letters on every outbox pass; the partial index answers
  // in under a millisecond. INDEXED BY also makes the query fail loudly if the index is ever lost.
  const { rows } = await sql<{ id: number; supporter_email: string | null }>`
    select id, supporter_email from letter ${indexedBy(db, 'letter_reply_due')}
    where reply_requested_at is null and status = 'sent'
      and sent_at >= ${sentFrom} and sent_at <= ${sentBefore}
      and supporter_email is not null
    order by sent_at
    limit ${limit}`.execute(db)
  return rows.filter((row): row is ReplyDueLetter => row.supporter_email !== null)
}

/** Marks the question asked, once: false when another worker asked first. */
export async function markReplyRequested(
  db: Database,
  letterId: number,
  tokenHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('letter')
    .set({ reply_token_hash: tokenHash, reply_requested_at: at })
    .where('id', '=', letterId)
    .where('reply_requested_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The letter a "did the mission reply?" link is for (through the unique index letter_reply_token). */
export async function findLetterByReplyTokenHash(db: Database, hash: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letter').selectAll().where('reply_token_hash', '=', hash).executeTakeFirst()
}

export async function saveReplyAnswer(
  db: Database,
  letterId: number,
  answer: ReplyAnswer,
  at: string,
): Promise<void> {
  await db
    .updateTable('letter')
    .set({ reply_answer: answer, reply_answered_at: at })
    .where('id', '=', letterId)
    .execute()
}

/**
 * Forgets the writer's answer: an organizer withdrew it (corrections.service.ts). The letter
 * counters (the replies table, the dossier) stop counting it; the writer's page asks again, and a
 * new answer counts again. The answer itself stays in the withdrawn engagement and its history.
 */
export async function clearReplyAnswer(db: Database, letterId: number): Promise<void> {
  await db
    .updateTable('letter')
    .set({ reply_answer: null, reply_answered_at: null })
    .where('id', '=', letterId)
    .execute()
}
