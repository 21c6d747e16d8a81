import type { Kysely } from 'kysely'
import type {
  CouncilTermChangeRow,
  DB,
  NewCouncilTermChangeRow,
  NewSecurityCouncilSeatRow,
  SecurityCouncilSeatRow,
} from '../db/schema.js'

// The SQL of the Council terms organizers keep (council-terms.service.ts) and of the changes
// made to them, kept as history.
type Db = Kysely<DB>

/** An elected term with the name of its state, for the organizers' page. */
export type ElectedTermRow = SecurityCouncilSeatRow & { state_name: string }

/** Every elected term, latest first, then by state name. */
export async function findElectedTerms(db: Db): Promise<ElectedTermRow[]> {
  return db
    .selectFrom('security_council_seat as s')
    .innerJoin('state', 'state.iso3', 's.state_iso3')
    .selectAll('s')
    .select('state.name as state_name')
    .where('s.seat', '=', 'elected')
    .orderBy('s.term_start_year', 'desc')
    .orderBy('state.name')
    .execute()
}

export async function findSeatById(db: Db, id: number): Promise<SecurityCouncilSeatRow | undefined> {
  return db.selectFrom('security_council_seat').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The elected terms that hold a seat in some year between `first` and `last`. */
export async function findElectedTermsBetween(
  db: Db,
  first: number,
  last: number,
): Promise<SecurityCouncilSeatRow[]> {
  return db
    .selectFrom('security_council_seat')
    .selectAll()
    .where('seat', '=', 'elected')
    .where('term_start_year', '<=', last)
    .where('term_end_year', '>=', first)
    .execute()
}

export async function insertSeat(db: Db, row: NewSecurityCouncilSeatRow): Promise<SecurityCouncilSeatRow> {
  return db.insertInto('security_council_seat').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function deleteSeat(db: Db, id: number): Promise<void> {
  await db.deleteFrom('security_council_seat').where('id', '=', id).execute()
}

export async function insertTermChange(db: Db, row: NewCouncilTermChangeRow): Promise<void> {
  await db.insertInto('council_term_change').values(row).execute()
}

/** The changes organizers made to terms, newest first. */
export async function findTermChanges(db: Db, limit: number): Promise<CouncilTermChangeRow[]> {
  return db.selectFrom('council_term_change').selectAll().orderBy('id', 'desc').limit(limit).execute()
}

/** The terms from `source` that an organizer corrected or removed, as "ISO3:first:last". */
export async function findOverriddenTerms(db: Db, source: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('council_term_change')
    .select(['before_iso3', 'before_first_year', 'before_last_year'])
    .where('before_source', '=', source)
    .execute()
  return new Set(rows.map((r) => `${r.before_iso3}:${r.before_first_year}:${r.before_last_year}`))
}

/** Every seat not from `source` (terms organizers entered), to keep the seed's clear of them. */
export async function findSeatsNotFrom(db: Db, source: string): Promise<SecurityCouncilSeatRow[]> {
  return db.selectFrom('security_council_seat').selectAll().where('source', '<>', source).execute()
}

/** Makes the seats from `source` exactly `rows`; seats from elsewhere (organizers') stay. */
export async function replaceSeatsFrom(
  db: Db,
  source: string,
  rows: NewSecurityCouncilSeatRow[],
): Promise<void> {
  await db.deleteFrom('security_council_seat').where('source', '=', source).execute()
  if (rows.length > 0) await db.insertInto('security_council_seat').values(rows).execute()
}
