import { type Static, Type } from '@sinclair/typebox'
import type { RegionalGroup } from '../db/schema.js'
import { REGIONAL_GROUPS } from '../directory/index.js'
import { COVERAGE_STATUS_LABELS, POSITION_LABELS, REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { type Coverage, personalNoteShare, type StateCoverage } from './coverage.service.js'
import { COVERAGE_STATUSES, POSITIONS } from './coverage-rules.js'

// The dashboard's table of the 193 member states: filters and sorting from plain GET parameters
// (the page works without JavaScript), and each row as the template shows it.

export const SORT_KEYS = [
  'name',
  'group',
  'status',
  'position',
  'written',
  'delivered',
  'personalNote',
  'lastContact',
] as const
export type SortKey = (typeof SORT_KEYS)[number]
const COUNCIL_FILTERS = ['any', 'permanent', 'elected', 'none'] as const

/** The dashboard's query string; an unknown value is a 400 naming the parameter. */
export const DashboardQuery = Type.Object(
  {
    group: Type.Optional(StringEnum(REGIONAL_GROUPS)),
    status: Type.Optional(StringEnum(COVERAGE_STATUSES)),
    position: Type.Optional(StringEnum(POSITIONS)),
    council: Type.Optional(StringEnum(COUNCIL_FILTERS)),
    noLetter: Type.Optional(StringEnum(['1'])),
    sort: Type.Optional(StringEnum(SORT_KEYS)),
    dir: Type.Optional(StringEnum(['asc', 'desc'])),
    // After the others: an ask's link keeps the order the filters had before asks (dashboardHref).
    ask: Type.Optional(
      RowId({ description: 'Only the target states of this ask (its id, as /api/asks lists it)' }),
    ),
  },
  { additionalProperties: false },
)
export type DashboardQuery = Static<typeof DashboardQuery>

const COLUMNS: readonly { key: SortKey; label: string; numeric?: boolean; firstDir: 'asc' | 'desc' }[] = [
  { key: 'name', label: 'State', firstDir: 'asc' },
  { key: 'group', label: 'Group', firstDir: 'asc' },
  // Furthest along first: an organizer clicking "Status" wants the engaged states.
  { key: 'status', label: 'Status', firstDir: 'desc' },
  { key: 'position', label: 'Position', firstDir: 'desc' },
  { key: 'written', label: 'Written', numeric: true, firstDir: 'desc' },
  { key: 'delivered', label: 'Delivered', numeric: true, firstDir: 'desc' },
  { key: 'personalNote', label: 'With own paragraph', numeric: true, firstDir: 'desc' },
  { key: 'lastContact', label: 'Last contact', firstDir: 'desc' },
]

/** Short group names for a narrow column; the full name is the cell's title. */
const GROUP_SHORT: Record<RegionalGroup, string> = {
  african: 'African',
  asia_pacific: 'Asia-Pacific',
  eastern_european: 'Eastern European',
  latin_american_caribbean: 'GRULAC',
  western_european_others: 'WEOG',
}

/** The states the query's filters keep; `askTargets`: the chosen ask's target states, if any. */
export function filterStates(
  states: readonly StateCoverage[],
  q: DashboardQuery,
  askTargets?: ReadonlySet<string>,
): StateCoverage[] {
  return states.filter(
    (s) =>
      (!askTargets || askTargets.has(s.iso3)) &&
      (!q.group || s.regionalGroup === q.group) &&
      (!q.status || s.status === q.status) &&
      (!q.position || s.position === q.position) &&
      (!q.council ||
        (q.council === 'any'
          ? s.councilSeat !== null
          : q.council === 'none'
            ? s.councilSeat === null
            : s.councilSeat === q.council)) &&
      (!q.noLetter || s.letters.written === 0),
  )
}

/** Sorted by one column, ties by name (A to Z); by last contact, the never contacted come last. */
export function sortStates(
  states: readonly StateCoverage[],
  key: SortKey,
  dir: 'asc' | 'desc',
): StateCoverage[] {
  const sign = dir === 'asc' ? 1 : -1
  const byName = (a: StateCoverage, b: StateCoverage) => a.name.localeCompare(b.name, 'en')
  const compare = (a: StateCoverage, b: StateCoverage): number => {
    switch (key) {
      case 'name':
        return byName(a, b)
      case 'group':
        return groupLabel(a).localeCompare(groupLabel(b), 'en')
      case 'status':
        return COVERAGE_STATUSES.indexOf(a.status) - COVERAGE_STATUSES.indexOf(b.status)
      case 'position':
        return POSITIONS.indexOf(a.position) - POSITIONS.indexOf(b.position)
      case 'written':
        return a.letters.written - b.letters.written
      case 'delivered':
        return a.letters.delivered - b.letters.delivered
      case 'personalNote':
        // No letter at all sorts below 0%.
        return (personalNoteShare(a.letters) ?? -1) - (personalNoteShare(b.letters) ?? -1)
      case 'lastContact':
        return (a.lastContactOn ?? '').localeCompare(b.lastContactOn ?? '')
    }
  }
  return [...states].sort((a, b) => {
    if (key === 'lastContact' && !a.lastContactOn !== !b.lastContactOn) return a.lastContactOn ? -1 : 1
    if (key === 'name') return sign * byName(a, b)
    return sign * compare(a, b) || byName(a, b)
  })
}

/** The column headers: a link that sorts by the column (or reverses it), and aria-sort. */
export function sortHeaders(q: DashboardQuery) {
  const { key: current, dir } = sortOf(q)
  return COLUMNS.map((column) => {
    const active = column.key === current
    const next = active ? (dir === 'asc' ? 'desc' : 'asc') : column.firstDir
    return {
      label: column.label,
      numeric: Boolean(column.numeric),
      href: dashboardHref({ ...q, sort: column.key, dir: next }),
      ariaSort: active ? (dir === 'asc' ? 'ascending' : 'descending') : null,
      hint: `sort ${next === 'asc' ? 'ascending' : 'descending'}`,
    }
  })
}

export function sortOf(q: DashboardQuery): { key: SortKey; dir: 'asc' | 'desc' } {
  const key = q.sort ?? 'name'
  return { key, dir: q.dir ?? firstDir(key) }
}

/** /organizers with the query's filters and sort, the defaults left out. */
export function dashboardHref(q: DashboardQuery, hash = '#states'): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(q)) if (value) params.set(name, String(value))
  if (params.get('sort') === 'name' && params.get('dir') === 'asc') {
    params.delete('sort')
    params.delete('dir')
  }
  const search = params.toString()
  return `/organizers${search ? `?${search}` : ''}${hash}`
}

const numbers = new Intl.NumberFormat('en-GB')

/** A state as the dashboard's table shows it. */
export function stateRow(s: StateCoverage) {
  return {
    iso3: s.iso3,
    href: `/organizers/states/${s.iso3.toLowerCase()}`,
    name: s.name,
    group: s.regionalGroup ? GROUP_SHORT[s.regionalGroup] : '',
    groupName: groupLabel(s),
    councilSeat: s.councilSeat,
    status: s.status,
    statusLabel: COVERAGE_STATUS_LABELS[s.status] ?? s.status,
    position: s.position,
    positionLabel: POSITION_LABELS[s.position] ?? s.position,
    written: numbers.format(s.letters.written),
    delivered: numbers.format(s.letters.delivered),
    personalNote: shareText(personalNoteShare(s.letters)),
    personalNoteTitle: `${numbers.format(s.letters.withPersonalNote)} of ${numbers.format(s.letters.written)} letters`,
    lastContactOn: s.lastContactOn,
  }
}

/** A share as a whole percentage ("38%"), or null when there is nothing to share out. */
export function shareText(share: number | null): string | null {
  return share === null ? null : `${Math.round(share * 100)}%`
}

/** The CSV of the dashboard's table: the same filters and order as the page. */
export function coverageCsvHref(q: DashboardQuery): string {
  return dashboardHref(q, '').replace(/^\/organizers/, '/organizers/coverage.csv')
}

/** Options of the filter form's selects, the chosen one marked. */
export function filterOptions(q: DashboardQuery) {
  const mark = <T extends string>(values: readonly T[], labels: Record<string, string>, chosen?: string) =>
    values.map((value) => ({ value, label: labels[value] ?? value, selected: value === chosen }))
  return {
    groups: mark(REGIONAL_GROUPS, REGIONAL_GROUP_LABELS, q.group),
    statuses: mark(COVERAGE_STATUSES, COVERAGE_STATUS_LABELS, q.status),
    positions: mark(POSITIONS, POSITION_LABELS, q.position),
    council: mark(
      COUNCIL_FILTERS,
      {
        any: 'On the Council',
        permanent: 'Permanent members',
        elected: 'Elected members',
        none: 'Not on the Council',
      },
      q.council,
    ),
  }
}

/** Each regional group's progress, its statuses as shares of a bar (widths in %). */
export function groupProgress(coverage: Coverage) {
  return coverage.groups.map((g) => ({
    ...g,
    percent: percent(g.canvassed, g.memberStates),
    segments: COVERAGE_STATUSES.filter((status) => status !== 'not_contacted' && g.byStatus[status] > 0).map(
      (status) => ({
        status,
        label: COVERAGE_STATUS_LABELS[status] ?? status,
        count: g.byStatus[status],
        width: g.memberStates ? Math.round((g.byStatus[status] / g.memberStates) * 1000) / 10 : 0,
      }),
    ),
  }))
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100)
}

function firstDir(key: SortKey): 'asc' | 'desc' {
  return COLUMNS.find((c) => c.key === key)?.firstDir ?? 'asc'
}

function groupLabel(s: StateCoverage): string {
  return s.regionalGroup ? REGIONAL_GROUP_LABELS[s.regionalGroup] : ''
}
