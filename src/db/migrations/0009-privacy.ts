import { type Kysely, sql } from 'kysely'

/**
 * Indexes for the privacy rules (issue 6), so that neither costs a scan of every letter.
 * @NOTE the queries repeat these WHERE clauses word for word: SQLite uses a partial index only
 * when the query's terms imply its condition.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Retention: the letters delivered long enough ago whose personal paragraph and address are
  // still there, by e-mail (sent_at) and by hand (printed_delivered_at). A letter leaves these
  // indexes once done, so each outbox pass reads only what is due.
  await sql`create index letter_retention_sent on letter (sent_at)
    where personal_data_removed_at is null and sent_at is not null`.execute(db)
  await sql`create index letter_retention_handed on letter (printed_delivered_at)
    where personal_data_removed_at is null and printed_delivered_at is not null`.execute(db)
  // Erasure finds a person's letters whatever case they typed their address in (SQLite's lower()
  // folds ASCII letters only; the code compares with an address folded the same way).
  await sql`create index letter_supporter_email_lower on letter (lower(supporter_email))
    where supporter_email is not null`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('0009-privacy cannot be undone: restore a backup instead.')
}
