import type { AppContext } from '../context.js'
import type { MissionVersionRow, SecurityCouncilSeatRow, StateRow } from '../db/schema.js'
import { NotFoundError } from '../lib/errors.js'
import { foldForSearch } from '../lib/text.js'
import * as repo from './directory.repository.js'
import type { StateDetailDto, StateDto, StateQuery } from './directory.schemas.js'
import {
  type FieldSource,
  fieldSourcesFromRow,
  type MissionField,
  missionDetailsFromRow,
} from './mission-details.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

export interface StateList {
  count: number
  /** The date Security Council seats refer to. */
  on: string
  states: StateDto[]
}

const byName = new Intl.Collator('en', { sensitivity: 'base' })

/** The states matching the query (all 195 without one), by name, each with its current mission. */
export async function listStates(ctx: Ctx, query: StateQuery = {}): Promise<StateList> {
  const on = query.on ?? ctx.clock.today()
  const year = yearOf(on)
  const rows = await repo.findStates(ctx.db, {
    group: query.group,
    membership: query.membership,
    council: query.council ? { kind: query.council, year } : undefined,
  })
  const [missions, seats] = await Promise.all([
    repo.findCurrentMissions(ctx.db),
    repo.findCouncilSeatsInYear(ctx.db, year),
  ])
  const missionOf = new Map(missions.map((m) => [m.state_iso3, m]))
  const seatOf = new Map(seats.map((s) => [s.state_iso3, s]))
  const search = query.q ? foldForSearch(query.q) : ''
  const states = rows
    .filter((row) => !search || searchableText(row).includes(search))
    .map((row) => toStateDto(row, requireMission(missionOf.get(row.iso3), row.iso3), seatOf.get(row.iso3)))
    .sort((a, b) => byName.compare(a.name, b.name))
  return { count: states.length, on, states }
}

/** How many UN member states the directory holds (193, observers not counted). */
export async function countMemberStates(ctx: Ctx): Promise<number> {
  return repo.countStates(ctx.db, 'member')
}

/** One state with its Security Council terms, where each mission field came from, and history. */
export async function getState(ctx: Ctx, iso3: string, on = ctx.clock.today()): Promise<StateDetailDto> {
  const code = iso3.toUpperCase()
  const row = await repo.findStateByIso3(ctx.db, code)
  if (!row) throw new NotFoundError(`No UN member or observer state has the code ${code}`)
  const [history, terms] = await Promise.all([
    repo.findMissionHistory(ctx.db, code),
    repo.findCouncilSeatsOfState(ctx.db, code),
  ])
  const current = requireMission(
    history.find((v) => v.valid_until === null),
    code,
  )
  const year = yearOf(on)
  const seat = terms.find(
    (t) => t.term_start_year <= year && (t.term_end_year === null || t.term_end_year >= year),
  )
  return {
    ...toStateDto(row, current, seat),
    councilTerms: terms.map(toCouncilSeat),
    fieldSources: fieldSourcesFromRow(current) as Record<string, FieldSource>,
    history: history.map((v) => {
      const { version: _v, updatedAt: _u, ...mission } = toMissionDto(v)
      return {
        version: v.version,
        validFrom: v.valid_from,
        validUntil: v.valid_until,
        changedFields: JSON.parse(v.changed_fields) as string[],
        mission,
      }
    }),
  }
}

/** The states holding a Security Council seat on `date` (YYYY-MM-DD): permanent first, by name. */
export async function findCouncilMembersOn(ctx: Ctx, date: string): Promise<StateDto[]> {
  const { states } = await listStates(ctx, { council: 'any', on: date })
  return states.sort((a, b) => seatRank(a) - seatRank(b))
}

/** Names, aliases and codes, folded, so that "cote d'ivoire" finds "Côte d'Ivoire". */
function searchableText(row: StateRow): string {
  return foldForSearch(
    [row.name, row.formal_name, row.iso2, row.iso3, ...(JSON.parse(row.aliases) as string[])].join(' | '),
  )
}

function seatRank(state: StateDto): number {
  return state.securityCouncil?.seat === 'permanent' ? 0 : 1
}

function toStateDto(
  row: StateRow,
  mission: MissionVersionRow,
  seat: SecurityCouncilSeatRow | undefined,
): StateDto {
  return {
    iso2: row.iso2,
    iso3: row.iso3,
    isoNumeric: row.iso_numeric,
    name: row.name,
    formalName: row.formal_name,
    membership: row.membership,
    regionalGroup: row.regional_group,
    regionalGroupNote: row.regional_group_note,
    admissionDate: row.admission_date,
    securityCouncil: seat ? toCouncilSeat(seat) : null,
    mission: toMissionDto(mission),
  }
}

function toMissionDto(row: MissionVersionRow): StateDto['mission'] {
  const details = missionDetailsFromRow(row)
  const sources = fieldSourcesFromRow(row)
  const changed = JSON.parse(row.changed_fields) as MissionField[]
  // The version's source is that of what it changed; a version that changed nothing is the seed's.
  const source = sources[changed[0] ?? 'name'] ??
    sources.name ?? { kind: 'seed', ref: 'unknown', date: row.valid_from.slice(0, 10) }
  const { head, ...rest } = details
  return {
    ...rest,
    headStatus: head.status,
    head:
      head.status === 'filled'
        ? {
            honorific: head.honorific,
            name: head.name,
            function: head.function,
            credentialsPresented: head.credentialsPresented,
          }
        : null,
    source,
    updatedAt: row.valid_from,
    version: row.version,
  }
}

function toCouncilSeat(seat: SecurityCouncilSeatRow): NonNullable<StateDto['securityCouncil']> {
  return {
    seat: seat.seat,
    // Terms run from 1 January to 31 December; the permanent seats from the Charter's entry into force.
    termStart: seat.seat === 'permanent' ? '1945-10-24' : `${seat.term_start_year}-01-01`,
    termEnd: seat.term_end_year === null ? null : `${seat.term_end_year}-12-31`,
  }
}

function requireMission(mission: MissionVersionRow | undefined, iso3: string): MissionVersionRow {
  // @NOTE seeding writes a state and its mission in one transaction, so a state always has one.
  if (!mission) throw new Error(`state ${iso3} has no current mission version`)
  return mission
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}
