import type { AppContext } from '../app-context.js'
import type { StateTagName } from '../db/schema.js'
import { NotFoundError } from '../lib/errors.js'
import { foldForSearch } from '../lib/text.js'
import * as repo from './directory.repository.js'
import type { StateDetailDto, StateDto, StateQuery } from './directory.schemas.js'
import { publicFieldSources, seatInYear, toCouncilSeat, toMissionDto, toStateDto } from './directory-dto.js'
import { keptWhileDirectoryUnchanged, loadDirectorySnapshot } from './directory-snapshot.js'
import type { FieldSource } from './mission-details.js'
import { failingEmailsOf, splitMissionEmails } from './mission-email-failures.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

export interface StateList {
  count: number
  /** The date Security Council seats refer to. */
  on: string
  states: StateDto[]
}

/** The states matching the query (all 195 without one), by name, each with its current mission. */
export async function listStates(ctx: Ctx, query: StateQuery = {}): Promise<StateList> {
  const on = query.on ?? ctx.clock.today()
  const snapshot = await loadDirectorySnapshot(ctx.db, yearOf(on))
  const search = query.q ? foldForSearch(query.q) : ''
  const states = snapshot.states.filter(
    (state, i) =>
      (!query.group || state.regionalGroup === query.group) &&
      (!query.membership || state.membership === query.membership) &&
      (!query.council || councilMatches(state, query.council)) &&
      (!search || snapshot.searchText[i]!.includes(search)),
  )
  return { count: states.length, on, states }
}

/** The codes of the states tagged with any of `tags` (troop contributors, hosts…), sorted. */
export async function listStatesTagged(
  ctx: Pick<AppContext, 'db'>,
  tags: readonly StateTagName[],
): Promise<string[]> {
  return repo.findStatesTagged(ctx.db, tags)
}

/** How many UN member states the directory holds (193, observers not counted). */
export async function countMemberStates(ctx: Ctx): Promise<number> {
  return repo.countStates(ctx.db, 'member')
}

/** One state with its Security Council terms, where each mission field came from, and history. */
export async function getState(ctx: Ctx, iso3: string, on = ctx.clock.today()): Promise<StateDetailDto> {
  const code = iso3.toUpperCase()
  const year = yearOf(on)
  // Kept while the directory is unchanged: the state's page and its JSON are read far more often
  // than a mission changes (directory-snapshot.ts).
  return keptWhileDirectoryUnchanged(ctx.db, `state|${code}|${year}`, () => readState(ctx.db, code, year))
}

async function readState(db: Ctx['db'], code: string, year: number): Promise<StateDetailDto> {
  const row = await repo.findStateByIso3(db, code)
  if (!row) throw new NotFoundError(`No UN member or observer state has the code ${code}`)
  const [history, terms] = await Promise.all([
    repo.findMissionHistory(db, code),
    repo.findCouncilSeatsOfState(db, code),
  ])
  const current = history.find((v) => v.valid_until === null)
  if (!current) throw new Error(`state ${code} has no current mission version`)
  return {
    ...toStateDto(row, current, seatInYear(terms, year)),
    councilTerms: terms.map(toCouncilSeat),
    fieldSources: publicFieldSources(current) as Record<string, FieldSource>,
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

export interface StateTag {
  tag: StateTagName
  note: string | null
}

/**
 * A state as letters see it: `mission.emails` are the addresses a letter may be e-mailed to, those
 * failing left out (mission-email-failures.ts); `emailBouncing` when the mission has addresses and
 * every one fails (its letters are printed and posted).
 */
export type StateForLetters = StateDto & { mission: StateDto['mission'] & { emailBouncing: boolean } }

/** A state as letters need it: its current mission (and that version's id), Council seat, tags. */
export async function getStateForLetters(
  ctx: Ctx,
  iso3: string,
  on = ctx.clock.today(),
): Promise<{ state: StateForLetters; missionVersionId: number; tags: StateTag[] }> {
  const code = iso3.toUpperCase()
  const [row, mission, terms, tags, failing] = await Promise.all([
    repo.findStateByIso3(ctx.db, code),
    repo.findCurrentMission(ctx.db, code),
    repo.findCouncilSeatsOfState(ctx.db, code),
    repo.findStateTags(ctx.db, code),
    failingEmailsOf(ctx.db, code),
  ])
  if (!row || !mission) throw new NotFoundError(`No UN member or observer state has the code ${code}`)
  const state = toStateDto(row, mission, seatInYear(terms, yearOf(on)))
  const { usable } = splitMissionEmails(state.mission.emails, failing)
  return {
    state: {
      ...state,
      mission: {
        ...state.mission,
        emails: usable,
        emailBouncing: state.mission.emails.length > 0 && usable.length === 0,
      },
    },
    missionVersionId: mission.id,
    tags: tags.map((t) => ({ tag: t.tag, note: t.note })),
  }
}

/** The states holding a Security Council seat on `date` (YYYY-MM-DD): permanent first, by name. */
export async function findCouncilMembersOn(ctx: Ctx, date: string): Promise<StateDto[]> {
  const { states } = await listStates(ctx, { council: 'any', on: date })
  return states.sort((a, b) => seatRank(a) - seatRank(b))
}

function councilMatches(state: StateDto, council: NonNullable<StateQuery['council']>): boolean {
  const seat = state.securityCouncil?.seat
  if (council === 'none') return !seat
  return council === 'any' ? Boolean(seat) : seat === council
}

function seatRank(state: StateDto): number {
  return state.securityCouncil?.seat === 'permanent' ? 0 : 1
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}
