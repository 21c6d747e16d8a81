import type { Kysely } from 'kysely'
import { createLetterStatsTriggers, dropLetterStatsTriggers } from './letter-stats-triggers.js'

/**
 * 0004's triggers computed NULL for "e-mailed" when a letter without a channel had a delivery
 * status, which failed the letter's update; they are rebuilt with NULL-safe comparisons. The
 * counts they kept were right (such letters did not exist), so they are left as they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await dropLetterStatsTriggers(db)
  await createLetterStatsTriggers(db, { replies: false })
}

export async function down(): Promise<void> {
  throw new Error('0005-letter-stats-fix cannot be undone: restore a backup instead.')
}
