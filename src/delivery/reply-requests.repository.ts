import type { Database } from '../db/connection.js'
import type { LetterRow, ReplyAnswer } from '../db/schema.js'

// The letter's reply columns (reply_*), which only the replies follow-up writes: they change no
// letter state, so they stay out of the letters module's state table. @NOTE the letter counters'
// trigger does not watch these columns: recording a question or an answer costs one row update.

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
  const rows = await db
    .selectFrom('letter')
    .select(['id', 'supporter_email'])
    .where('reply_requested_at', 'is', null)
    .where('status', '=', 'sent')
    .where('sent_at', '>=', sentFrom)
    .where('sent_at', '<=', sentBefore)
    .where('supporter_email', 'is not', null)
    .orderBy('sent_at')
    .limit(limit)
    .execute()
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
