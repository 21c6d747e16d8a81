import type { Kysely } from 'kysely'
import type { DB, MissionEmailFailureRow } from '../db/schema.js'

// The queries of mission addresses that fail (mission-email-failures.ts). An address is kept as
// the directory or the mail server wrote it; callers compare them folded to lower case.

type Db = Kysely<DB>

export function findFailuresOfState(db: Db, iso3: string): Promise<MissionEmailFailureRow[]> {
  return db.selectFrom('mission_email_failure').selectAll().where('state_iso3', '=', iso3).execute()
}

/** Every failing address, with its state's English name, by state. */
export function findAllFailures(db: Db) {
  return db
    .selectFrom('mission_email_failure')
    .innerJoin('state', 'state.iso3', 'mission_email_failure.state_iso3')
    .selectAll('mission_email_failure')
    .select('state.name as state_name')
    .orderBy('mission_email_failure.state_iso3')
    .orderBy('mission_email_failure.email')
    .execute()
}

export async function upsertFailure(
  db: Db,
  row: { email: string; iso3: string; at: string; response: string },
): Promise<void> {
  const response = row.response.slice(0, 500)
  await db
    .insertInto('mission_email_failure')
    .values({
      email: row.email,
      state_iso3: row.iso3,
      first_failed_at: row.at,
      last_failed_at: row.at,
      last_response: response,
    })
    .onConflict((oc) => oc.column('email').doUpdateSet({ last_failed_at: row.at, last_response: response }))
    .execute()
}

/** Removes the flags of these addresses (as stored); answers the rows removed. */
export async function deleteFailures(db: Db, emails: readonly string[]): Promise<MissionEmailFailureRow[]> {
  if (emails.length === 0) return []
  return db.deleteFrom('mission_email_failure').where('email', 'in', emails).returningAll().execute()
}
