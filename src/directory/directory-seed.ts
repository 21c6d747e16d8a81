import fs from 'node:fs'
import type { Logger } from 'pino'
import type { Database } from '../db/connection.js'
import type { Membership, RegionalGroup, StateTagName } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { projectPath } from '../lib/paths.js'
import * as councilRepo from './council-terms.repository.js'
import * as repo from './directory.repository.js'
import { MISSION_FIELDS, missionDetailsToColumns } from './mission-details.js'
import { NO_CONTACTS, readSeedMissions, seededMission } from './seed-missions.js'

/** One state as data/seed/states.json holds it (see data/seed/README.md). */
export interface SeedState {
  iso3: string
  iso2: string
  isoNumeric: string
  name: string
  formalName: string
  membership: Membership
  admissionDate: string | null
  regionalGroup: RegionalGroup | null
  regionalGroupNote: string | null
  missionName: string
  aliases: string[]
}

export interface SeedCouncil {
  permanent: string[]
  elected: { iso3: string; termStart: number; termEnd: number }[]
}

export interface SeedTags {
  tags: { iso3: string; tag: StateTagName; note: string | null }[]
}

export const SEED_STATES_FILE = 'data/seed/states.json'
export const SEED_TAGS_FILE = 'data/seed/state-tags.json'
export const SEED_COUNCIL_FILE = 'data/seed/security-council.json'
/** The permanent members' seats date from the Charter's entry into force. */
const CHARTER_YEAR = 1945

export function readSeedStates(): SeedState[] {
  return JSON.parse(fs.readFileSync(projectPath(SEED_STATES_FILE), 'utf8')) as SeedState[]
}

export function readSeedTags(): SeedTags {
  return JSON.parse(fs.readFileSync(projectPath(SEED_TAGS_FILE), 'utf8')) as SeedTags
}

export function readSeedCouncil(): SeedCouncil {
  return JSON.parse(fs.readFileSync(projectPath(SEED_COUNCIL_FILE), 'utf8')) as SeedCouncil
}

/**
 * Adds the states and missions the seed has and the database lacks (a new state's mission with
 * the contact details of missions.json), and makes the seed's Security Council seats those of
 * the seed file (seedCouncilSeats). Runs at every start: a no-op on a seeded database.
 * @NOTE it never changes an existing state or mission: imports and organizers own those.
 */
// @NOTE takes its parts, not the AppContext: context.ts calls it while building the context.
export async function seedDirectory(
  ctx: { db: Database; clock: Clock; log: Logger },
  options: { contacts?: boolean } = {},
): Promise<void> {
  const states = readSeedStates()
  // contacts: false (tests only): the missions' names alone, as before missions.json existed.
  const missions = options.contacts === false ? NO_CONTACTS : readSeedMissions()
  const council = readSeedCouncil()
  const now = ctx.clock.nowIso()
  const today = ctx.clock.today()
  const added = await ctx.db.transaction().execute(async (trx) => {
    const known = await repo.findStateIso3s(trx)
    let count = 0
    for (const s of states) {
      if (known.has(s.iso3)) continue
      await repo.insertState(trx, {
        iso3: s.iso3,
        iso2: s.iso2,
        iso_numeric: s.isoNumeric,
        name: s.name,
        formal_name: s.formalName,
        membership: s.membership,
        admission_date: s.admissionDate,
        regional_group: s.regionalGroup,
        regional_group_note: s.regionalGroupNote,
        aliases: JSON.stringify(s.aliases),
        source: SEED_STATES_FILE,
        created_at: now,
        updated_at: now,
      })
      const mission = seededMission(s.missionName, missions, s.iso3, { statesFile: SEED_STATES_FILE, today })
      await repo.insertMissionVersion(trx, {
        state_iso3: s.iso3,
        valid_from: now,
        ...missionDetailsToColumns(mission.details),
        field_sources: JSON.stringify(mission.sources),
        changed_fields: JSON.stringify(MISSION_FIELDS),
        import_id: null,
        created_at: now,
      })
      count++
    }
    await seedCouncilSeats(trx, council)
    // Tags only for states added now: an organizer who removes a seeded tag must not see it return.
    await repo.insertMissingStateTags(
      trx,
      readSeedTags()
        .tags.filter((t) => !known.has(t.iso3))
        .map((t) => ({
          state_iso3: t.iso3,
          tag: t.tag,
          note: t.note,
          source: SEED_TAGS_FILE,
          created_at: now,
        })),
    )
    return count
  })
  if (added > 0) ctx.log.info({ added }, 'seeded the directory')
}

/**
 * Makes the seats that came from the seed file those of the file, leaving the terms organizers
 * entered on /organizers/council alone: a seeded term an organizer corrected or removed stays as
 * they left it, and a seeded term that overlaps one of theirs for the same state gives way.
 * @NOTE organizers, not the seed, keep the Council current: the seed holds only terms checked
 * against the General Assembly's records (data/seed/README.md).
 */
async function seedCouncilSeats(trx: Database, council: SeedCouncil): Promise<void> {
  const [overridden, theirs] = await Promise.all([
    councilRepo.findOverriddenTerms(trx, SEED_COUNCIL_FILE),
    councilRepo.findSeatsNotFrom(trx, SEED_COUNCIL_FILE),
  ])
  const overlapsTheirs = (iso3: string, first: number, last: number) =>
    theirs.some(
      (t) =>
        t.state_iso3 === iso3 &&
        t.term_start_year <= last &&
        (t.term_end_year === null || t.term_end_year >= first),
    )
  await councilRepo.replaceSeatsFrom(trx, SEED_COUNCIL_FILE, [
    ...council.permanent.map((iso3) => ({
      state_iso3: iso3,
      seat: 'permanent' as const,
      term_start_year: CHARTER_YEAR,
      term_end_year: null,
      source: SEED_COUNCIL_FILE,
    })),
    ...council.elected
      .filter(
        (e) =>
          !overridden.has(`${e.iso3}:${e.termStart}:${e.termEnd}`) &&
          !overlapsTheirs(e.iso3, e.termStart, e.termEnd),
      )
      .map((e) => ({
        state_iso3: e.iso3,
        seat: 'elected' as const,
        term_start_year: e.termStart,
        term_end_year: e.termEnd,
        source: SEED_COUNCIL_FILE,
      })),
  ])
}
