import { type Kysely, sql } from 'kysely'
import { engineOf } from '../db/engine.js'
import type {
  DB,
  DirectoryImportRow,
  Membership,
  MissionVersionRow,
  NewMissionVersionRow,
  NewStateRow,
  NewStateTagRow,
  SecurityCouncilSeatRow,
  StateRow,
  StateTagRow,
} from '../db/schema.js'

// Repositories take the database (or a transaction) first and hold all of the directory's SQL.
type Db = Kysely<DB>

export async function countStates(db: Db, membership?: Membership): Promise<number> {
  let query = db.selectFrom('state').select((eb) => eb.fn.countAll<number>().as('n'))
  if (membership) query = query.where('membership', '=', membership)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findStateIso3s(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('state').select('iso3').execute()
  return new Set(rows.map((r) => r.iso3))
}

export async function insertState(db: Db, row: NewStateRow): Promise<void> {
  await db.insertInto('state').values(row).execute()
}

export async function findStateByIso3(db: Db, iso3: string): Promise<StateRow | undefined> {
  return db.selectFrom('state').selectAll().where('iso3', '=', iso3).executeTakeFirst()
}

/** Every state, by ISO code. */
export async function findStates(db: Db): Promise<StateRow[]> {
  return db.selectFrom('state').selectAll().orderBy('iso3').execute()
}

/**
 * A value that changes whenever anything is written to the database: by this connection (rows
 * changed, triggers included) or committed by another (SQLite's data_version). Far cheaper than
 * the directory's fingerprint, which only needs reading again when this has moved.
 */
export async function findWriteStamp(db: Db): Promise<string> {
  if (engineOf(db) === 'postgres') {
    // PostgreSQL has neither counter; its snapshot moves instead: a writing transaction takes the
    // next transaction id (xmax grows) and is listed in progress until it commits or aborts.
    const { rows } = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(
      db,
    )
    return rows[0]?.snapshot ?? ''
  }
  const { rows } = await sql<{ changes: number; version: number }>`
    select total_changes() as changes, data_version as version from pragma_data_version`.execute(db)
  return `${rows[0]?.changes}|${rows[0]?.version}`
}

/**
 * A value that changes whenever states, missions or Council seats change: mission versions are
 * only ever added (ids grow); seats are inserted or deleted, never updated (the seed replaces its
 * own, a correction on /organizers/council deletes and inserts), so their greatest id or their
 * count moves; states carry updated_at.
 */
export async function findDirectoryFingerprint(db: Db): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('mission_version')
        .select((e) => e.fn.max('id').as('m'))
        .as('missions'),
      eb
        .selectFrom('security_council_seat')
        .select((e) => e.fn.max('id').as('s'))
        .as('seats'),
      eb
        .selectFrom('security_council_seat')
        .select((e) => e.fn.countAll().as('n'))
        .as('seatCount'),
      eb
        .selectFrom('state')
        .select((e) => e.fn.max('updated_at').as('u'))
        .as('states'),
      eb
        .selectFrom('state')
        .select((e) => e.fn.countAll().as('n'))
        .as('stateCount'),
    ])
    .executeTakeFirstOrThrow()
  return JSON.stringify(row)
}

/** The seats held in `year` (terms are whole calendar years), permanent ones included. */
export async function findCouncilSeatsInYear(db: Db, year: number): Promise<SecurityCouncilSeatRow[]> {
  return db
    .selectFrom('security_council_seat')
    .selectAll()
    .where('term_start_year', '<=', year)
    .where((eb) => eb.or([eb('term_end_year', 'is', null), eb('term_end_year', '>=', year)]))
    .orderBy('seat', 'desc')
    .orderBy('state_iso3')
    .execute()
}

export async function findCouncilSeatsOfState(db: Db, iso3: string): Promise<SecurityCouncilSeatRow[]> {
  return db
    .selectFrom('security_council_seat')
    .selectAll()
    .where('state_iso3', '=', iso3)
    .orderBy('term_start_year')
    .execute()
}

/** Adds the tags not yet there; never removes or changes one (organizers own them). */
export async function insertMissingStateTags(db: Db, rows: NewStateTagRow[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('state_tag')
    .values(rows)
    .onConflict((oc) => oc.columns(['state_iso3', 'tag']).doNothing())
    .execute()
}

/** The codes of the states carrying any of `tags`, each once, sorted. */
export async function findStatesTagged(db: Db, tags: readonly StateTagRow['tag'][]): Promise<string[]> {
  if (tags.length === 0) return []
  const rows = await db
    .selectFrom('state_tag')
    .select('state_iso3')
    .distinct()
    .where('tag', 'in', [...tags])
    .orderBy('state_iso3')
    .execute()
  return rows.map((r) => r.state_iso3)
}

export async function findStateTags(db: Db, iso3: string): Promise<StateTagRow[]> {
  return db.selectFrom('state_tag').selectAll().where('state_iso3', '=', iso3).orderBy('tag').execute()
}

export async function findCurrentMission(db: Db, iso3: string): Promise<MissionVersionRow | undefined> {
  return db
    .selectFrom('mission_version')
    .selectAll()
    .where('state_iso3', '=', iso3)
    .where('valid_until', 'is', null)
    .executeTakeFirst()
}

export async function findCurrentMissions(db: Db): Promise<MissionVersionRow[]> {
  return db.selectFrom('mission_version').selectAll().where('valid_until', 'is', null).execute()
}

/** Every version of a mission, newest first. */
export async function findMissionHistory(db: Db, iso3: string): Promise<MissionVersionRow[]> {
  return db
    .selectFrom('mission_version')
    .selectAll()
    .where('state_iso3', '=', iso3)
    .orderBy('version', 'desc')
    .execute()
}

/**
 * Closes the current version (if any) at `row.valid_from` and inserts `row` as the new current
 * one. Call inside a transaction: the two writes belong together.
 */
export async function insertMissionVersion(
  db: Db,
  row: Omit<NewMissionVersionRow, 'version' | 'valid_until'>,
): Promise<void> {
  const current = await findCurrentMission(db, row.state_iso3)
  if (current) {
    await db
      .updateTable('mission_version')
      .set({ valid_until: row.valid_from })
      .where('id', '=', current.id)
      .execute()
  }
  await db
    .insertInto('mission_version')
    .values({ ...row, version: (current?.version ?? 0) + 1, valid_until: null })
    .execute()
}

export async function insertDirectoryImport(db: Db, row: Omit<DirectoryImportRow, 'id'>): Promise<number> {
  const result = await db.insertInto('directory_import').values(row).returning('id').executeTakeFirstOrThrow()
  return result.id
}

export async function findLatestDirectoryImport(db: Db): Promise<DirectoryImportRow | undefined> {
  return db.selectFrom('directory_import').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
}
