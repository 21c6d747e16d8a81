import { type Kysely, sql } from 'kysely'
import { indexedBy } from '../db/engine.js'
import type {
  DB,
  HeldBecause,
  LetterReviewRow,
  LetterRow,
  ModerationTermRow,
  ReviewOutcome,
} from '../db/schema.js'

// Moderation's SQL: the list of words and phrases, the review record of each held letter, and
// whether a writer's address has been trusted before.

type Db = Kysely<DB>

export async function findTerms(db: Db): Promise<ModerationTermRow[]> {
  return db.selectFrom('moderation_term').selectAll().orderBy('normalized').execute()
}

export async function findTermByNormalized(
  db: Db,
  normalized: string,
): Promise<ModerationTermRow | undefined> {
  return db.selectFrom('moderation_term').selectAll().where('normalized', '=', normalized).executeTakeFirst()
}

export async function insertTerm(db: Db, row: Omit<ModerationTermRow, 'id'>): Promise<ModerationTermRow> {
  return db.insertInto('moderation_term').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function deleteTerm(db: Db, id: number): Promise<ModerationTermRow | undefined> {
  return db.deleteFrom('moderation_term').where('id', '=', id).returningAll().executeTakeFirst()
}

/**
 * Whether another letter of this address (`folded` as letters' foldEmail folds it, to use the
 * index on lower(supporter_email)) was sent, or approved at review (sent or still on its way).
 */
export async function hasTrustedLetterOf(db: Db, folded: string, exceptId: number): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    select l.id from letter as l ${indexedBy(db, 'letter_supporter_email_lower')}
    where lower(l.supporter_email) = ${folded} and l.supporter_email is not null and l.id <> ${exceptId}
      and (l.status = 'sent' or exists (
        select 1 from letter_review r where r.letter_id = l.id and r.outcome in ('approved', 'edited')))
    limit 1`.execute(db)
  return rows.length > 0
}

export async function insertReview(
  db: Db,
  row: { letter_id: number; held_at: string; held_because: HeldBecause; held_terms: string | null },
): Promise<LetterReviewRow> {
  return db.insertInto('letter_review').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function findReviewOfLetter(db: Db, letterId: number): Promise<LetterReviewRow | undefined> {
  return db.selectFrom('letter_review').selectAll().where('letter_id', '=', letterId).executeTakeFirst()
}

/** A held letter and its review. */
export interface WaitingReview {
  review: LetterReviewRow
  letter: LetterRow
}

/** The letters waiting for review, oldest first (at most `limit`). */
export async function findWaitingReviews(db: Db, limit: number): Promise<WaitingReview[]> {
  const reviews = await db
    .selectFrom('letter_review')
    .selectAll()
    .where('outcome', 'is', null)
    .orderBy('held_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  if (reviews.length === 0) return []
  const letters = await db
    .selectFrom('letter')
    .selectAll()
    .where(
      'id',
      'in',
      reviews.map((r) => r.letter_id),
    )
    .execute()
  const byId = new Map(letters.map((l) => [l.id, l]))
  return reviews.flatMap((review) => {
    const letter = byId.get(review.letter_id)
    return letter ? [{ review, letter }] : []
  })
}

export async function countWaitingReviews(db: Db): Promise<number> {
  const row = await db
    .selectFrom('letter_review')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('outcome', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Records the decision on a review still waiting; undefined when it was decided already. */
export async function decideReview(
  db: Db,
  letterId: number,
  decision: {
    outcome: ReviewOutcome
    reason: string | null
    removed_lines: string | null
    decided_by: number | null
    decided_by_label: string
    decided_at: string
  },
): Promise<LetterReviewRow | undefined> {
  return db
    .updateTable('letter_review')
    .set(decision)
    .where('letter_id', '=', letterId)
    .where('outcome', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Retention: the writer's words taken out at review go with the paragraph they came from. */
export async function clearRemovedLines(db: Db, letterIds: readonly number[]): Promise<void> {
  if (letterIds.length === 0) return
  await db
    .updateTable('letter_review')
    .set({ removed_lines: null })
    .where('letter_id', 'in', letterIds)
    .where('removed_lines', 'is not', null)
    .execute()
}
