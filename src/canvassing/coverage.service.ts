import type { AppContext } from '../app-context.js'
import type { CouncilSeat, EngagementKind, Position, RegionalGroup } from '../db/schema.js'
import { listStates, REGIONAL_GROUPS } from '../directory/index.js'
import { REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import * as repo from './coverage.repository.js'
import {
  CONTACT_KINDS,
  COVERAGE_STATUSES,
  type CoverageStatus,
  canvassedOn,
  coverageStatus,
  isCanvassed,
} from './coverage-rules.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** How many states have each coverage status. */
export type StatusCounts = Record<CoverageStatus, number>

/** A state's letters, as counted by the triggers of migration 0004. */
export interface LetterCounts {
  /** Every letter to it, drafts included. */
  written: number
  printed: number
  /** Confirmed by their writer and handed to the outbox, whatever came of them. */
  emailed: number
  /** E-mail accepted by the mission's server, or printed and marked delivered. */
  delivered: number
  failed: number
  /** Written with a paragraph of the writer's own (a counter kept by triggers, migration 0021). */
  withPersonalNote: number
}

/** One member state's coverage. Holds no personal data: counts, dates, codes. */
export interface StateCoverage {
  iso3: string
  iso2: string
  /** ISO 3166 numeric code, as world-atlas identifies countries. */
  isoNumeric: string
  name: string
  regionalGroup: RegionalGroup | null
  /** Security Council seat on the coverage date. */
  councilSeat: CouncilSeat | null
  status: CoverageStatus
  canvassed: boolean
  /** YYYY-MM-DD: the first delivered letter or logged contact (null while not canvassed). */
  canvassedOn: string | null
  /** The latest recorded position, 'unknown' when none was recorded. */
  position: Position
  /** YYYY-MM-DD the current position was noted (null when none was recorded). */
  positionNotedOn: string | null
  letters: LetterCounts
  /** YYYY-MM-DD of the first and last contact: delivered letters and CONTACT_KINDS engagements. */
  firstContactOn: string | null
  lastContactOn: string | null
}

export interface GroupCoverage {
  group: RegionalGroup
  label: string
  memberStates: number
  canvassed: number
  byStatus: StatusCounts
}

export interface CoverageTotals {
  memberStates: number
  canvassed: number
  byStatus: StatusCounts
  /** Letters to member states (letters to observer states are not counted). */
  lettersWritten: number
  lettersDelivered: number
  /** Of lettersWritten, those with a personal paragraph. */
  lettersWithPersonalNote: number
}

/** The Security Council on the coverage date, permanent members first, each by name. */
export interface CouncilCoverage {
  permanent: StateCoverage[]
  elected: StateCoverage[]
}

/** The share (0..1) of `letters` written with a personal paragraph; null while none was written. */
export function personalNoteShare(letters: { written: number; withPersonalNote: number }): number | null {
  return letters.written === 0 ? null : letters.withPersonalNote / letters.written
}

/** Cumulative count of canvassed member states, one point per day on which it grew. */
export interface TimelinePoint {
  date: string
  canvassed: number
}

/** The campaign's reach among the 193 member states; observer states are left out. */
export interface Coverage {
  /** YYYY-MM-DD the coverage refers to (Council seats are those of this day). */
  on: string
  totals: CoverageTotals
  groups: GroupCoverage[]
  council: CouncilCoverage
  /** Every member state, by name. */
  states: StateCoverage[]
  timeline: TimelinePoint[]
}

/**
 * Who reads the coverage. The public (/progress, /api/coverage, the home page, /api/asks) sees a
 * state's position only once an organizer published it: an unpublished one counts as 'unknown',
 * so that it neither shows nor makes the state "engaged" or "supportive" (a status would give the
 * position away). Organizers' pages see every position.
 */
export type CoverageAudience = 'public' | 'organizers'

/** Coverage of the member states today: totals, groups, the Council, each state, the timeline. */
export async function getCoverage(ctx: Ctx, audience: CoverageAudience): Promise<Coverage> {
  const on = ctx.clock.today()
  const [{ states }, stats, spans, positions] = await Promise.all([
    listStates(ctx, { membership: 'member', on }),
    repo.findLetterStats(ctx.db),
    repo.findEngagementSpans(ctx.db),
    repo.findCurrentPositions(ctx.db, { publishedOnly: audience === 'public' }),
  ])
  const statsOf = new Map(stats.map((s) => [s.state_iso3, s]))
  const positionOf = new Map(positions.map((p) => [p.state_iso3, p]))
  const spansOf = groupBy(spans, (s) => s.state_iso3)

  const rows = states.map((state): StateCoverage => {
    const stat = statsOf.get(state.iso3)
    const current = positionOf.get(state.iso3)
    const kinds = new Set<EngagementKind>()
    const contactDays: string[] = []
    for (const span of spansOf.get(state.iso3) ?? []) {
      kinds.add(span.kind)
      if (CONTACT_KINDS.has(span.kind)) contactDays.push(span.first_on, span.last_on)
    }
    if (stat?.first_delivered_at) contactDays.push(stat.first_delivered_at.slice(0, 10))
    if (stat?.last_delivered_at) contactDays.push(stat.last_delivered_at.slice(0, 10))
    contactDays.sort()
    const facts = {
      lettersDelivered: stat?.delivered ?? 0,
      engagementKinds: kinds,
      position: current?.position ?? 'unknown',
    }
    const canvassed = isCanvassed(facts)
    const firstContactOn = contactDays[0] ?? null
    return {
      iso3: state.iso3,
      iso2: state.iso2,
      isoNumeric: state.isoNumeric,
      name: state.name,
      regionalGroup: state.regionalGroup,
      councilSeat: state.securityCouncil?.seat ?? null,
      status: coverageStatus(facts),
      canvassed,
      canvassedOn: canvassed
        ? canvassedOn(stat?.first_delivered_at ?? null, firstContactEngagement(spansOf.get(state.iso3)))
        : null,
      position: facts.position,
      positionNotedOn: current?.noted_on ?? null,
      letters: {
        written: stat?.written ?? 0,
        printed: stat?.printed ?? 0,
        emailed: stat?.emailed ?? 0,
        delivered: stat?.delivered ?? 0,
        failed: stat?.failed ?? 0,
        withPersonalNote: stat?.with_personal_note ?? 0,
      },
      firstContactOn,
      lastContactOn: contactDays.at(-1) ?? null,
    }
  })

  return {
    on,
    totals: {
      ...tally(rows),
      lettersWritten: sum(rows, (r) => r.letters.written),
      lettersDelivered: sum(rows, (r) => r.letters.delivered),
      lettersWithPersonalNote: sum(rows, (r) => r.letters.withPersonalNote),
    },
    groups: REGIONAL_GROUPS.map((group) => ({
      group,
      label: REGIONAL_GROUP_LABELS[group],
      ...tally(rows.filter((r) => r.regionalGroup === group)),
    })),
    council: {
      permanent: rows.filter((r) => r.councilSeat === 'permanent'),
      elected: rows.filter((r) => r.councilSeat === 'elected'),
    },
    states: rows,
    timeline: timeline(rows),
  }
}

/**
 * The member states that most need a letter: not yet canvassed first, then the fewest letters.
 * Ties (often dozens of states with none) are ordered by a hash of the day, so that the states
 * offered change daily instead of always being the first by name.
 */
export function pickStatesNeedingLetters(coverage: Coverage, count: number): StateCoverage[] {
  const rank = (s: StateCoverage) => [Number(s.canvassed), s.letters.written, dailyHash(s.iso3, coverage.on)]
  return [...coverage.states]
    .map((state) => ({ state, key: rank(state) }))
    .sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.key[2]! - b.key[2]!)
    .slice(0, count)
    .map((x) => x.state)
}

function dailyHash(iso3: string, day: string): number {
  let hash = 2166136261 // FNV-1a
  for (const char of `${day}:${iso3}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
  return hash >>> 0
}

function firstContactEngagement(spans: readonly repo.EngagementSpan[] | undefined): string | null {
  const days = (spans ?? []).filter((s) => CONTACT_KINDS.has(s.kind)).map((s) => s.first_on)
  return days.length ? days.sort()[0]! : null
}

function tally(rows: readonly StateCoverage[]): {
  memberStates: number
  canvassed: number
  byStatus: StatusCounts
} {
  const byStatus = Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as StatusCounts
  for (const row of rows) byStatus[row.status]++
  return { memberStates: rows.length, canvassed: rows.filter((r) => r.canvassed).length, byStatus }
}

function timeline(rows: readonly StateCoverage[]): TimelinePoint[] {
  const perDay = new Map<string, number>()
  for (const row of rows)
    if (row.canvassedOn) perDay.set(row.canvassedOn, (perDay.get(row.canvassedOn) ?? 0) + 1)
  let total = 0
  return [...perDay.keys()].sort().map((date) => {
    total += perDay.get(date)!
    return { date, canvassed: total }
  })
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((acc, item) => acc + value(item), 0)
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const list = map.get(key(item))
    if (list) list.push(item)
    else map.set(key(item), [item])
  }
  return map
}
