import { type Kysely, sql } from 'kysely'
import { createLetterStatsTriggers, dropLetterStatsTriggers } from './letter-stats-triggers.js'

/**
 * Replies per state ("did the mission reply?" asked and answered) join the letter counts kept by
 * triggers: the responsiveness table then reads 195 rows, not a million letters.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['reply_asked', 'reply_replied', 'reply_acknowledged', 'reply_no_reply']) {
    await db.schema
      .alterTable('state_letter_stats')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  }
  await dropLetterStatsTriggers(db)
  await createLetterStatsTriggers(db, { replies: true })
  await sql`
    update state_letter_stats set
      reply_asked = counts.asked,
      reply_replied = counts.replied,
      reply_acknowledged = counts.acknowledged,
      reply_no_reply = counts.no_reply
    from (
      select state_iso3,
        count(*) as asked,
        sum(reply_answer is 'replied') as replied,
        sum(reply_answer is 'acknowledged') as acknowledged,
        sum(reply_answer is 'no_reply') as no_reply
      from letter where reply_requested_at is not null group by state_iso3
    ) as counts
    where state_letter_stats.state_iso3 = counts.state_iso3`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('0006-reply-counts cannot be undone: restore a backup instead.')
}
