import { cleanText, nameKey } from './bluebook-text.js'
import type { MissionHead } from './mission-details.js'

// The Blue Book's `bluebooks` rows (one a diplomat) and who heads a mission. Pure.

/** One row of `bluebooks`, cleaned. */
export interface BlueBookStaff {
  /** `BB_Mission_bluebook`, repaired: matches an entry's `MC_EntityBB`, mostly. */
  missionName: string
  honorific: string | null
  /** As printed: given and family name in the row's order, post-nominals after a comma. */
  name: string | null
  function: string
  /** ISO timestamp, for choosing between two heads. */
  appointment: string | null
  /** YYYY-MM-DD, New York calendar date. */
  credentialsPresented: string | null
  active: boolean
}

export const VACANT_HEAD: MissionHead = {
  status: 'vacant',
  honorific: null,
  name: null,
  function: null,
  credentialsPresented: null,
}

/**
 * Functions that head a mission, by precedence. "Representative" is how the United States styles
 * its head since 2025; anything longer ("Deputy ...", "Former ...", "... to the Security
 * Council", "Naval Representative") is not a head.
 */
const HEAD_FUNCTIONS: Readonly<Record<string, number>> = {
  'permanent representative': 1,
  'permanent observer': 1,
  representative: 2,
}

// "(DPC: ...)" at the end. [^()] rather than [^)]: a match tried from each "(" stops at the next
// one instead of scanning to the end of the text (quadratic on "(DPC(DPC(DPC...").
const DPC_SUFFIX = /\(\s*DPC\b[^()]*\)\s*$/i

/** Precedence of a head-of-mission function (1 is best), 0 for any other function. */
export function headRank(fn: string): number {
  // "Permanent Representative (DPC: ...)" is the 2026 listing's row for a post awaiting its head.
  const base = fn.replace(DPC_SUFFIX, '').trim().toLowerCase()
  return HEAD_FUNCTIONS[base] ?? 0
}

/** One `bluebooks` row (the caller has checked it is an object with a mission name). */
export function parseStaff(row: Record<string, unknown> & { BB_Mission_bluebook: string }): BlueBookStaff {
  const status = text(row.BB_Status)
  return {
    missionName: cleanText(row.BB_Mission_bluebook),
    honorific: placeholder(text(row.BB_Title)) ? null : text(row.BB_Title) || null,
    name: formatPersonName(text(row.BB_FirstName), text(row.BB_LastName), givenNameFirst(row.BB_NameOrder)),
    function: text(row.BB_Function),
    appointment: text(row.BB_Appointment) || null,
    credentialsPresented: newYorkDate(row.BB_Cred_Presented),
    // Rows are "Active" (or, for placeholders, blank); any other status is a past posting.
    active: status === '' || status.toLowerCase() === 'active',
  }
}

/**
 * BB_NameOrder: true for given name first ("Linda Thomas-Greenfield"), false for family name
 * first, as the Blue Book prints Chinese, Japanese and Korean names ("Fu Cong", "Kim Song").
 * Flags may come as strings or numbers; a missing flag means the common order.
 */
export function givenNameFirst(flag: unknown): boolean {
  if (typeof flag === 'boolean') return flag
  if (typeof flag === 'number') return flag !== 0
  if (typeof flag === 'string') return !/^(false|0|no|n)$/i.test(flag.trim())
  return true
}

/**
 * The name as a letter would print it. Footnote markers ("Mohammed*", "Chanfi+") go; post-nominals stay
 * after the name ("Woodward, DCMG, OBE" with "Barbara" -> "Barbara Woodward, DCMG, OBE").
 * Null when the row names nobody ("", "...").
 */
export function formatPersonName(first: string, last: string, givenFirst: boolean): string | null {
  const strip = (s: string): string =>
    placeholder(s)
      ? ''
      : s
          .replace(/[*+\u2020\u2021]+/g, '')
          .replace(/\s+/g, ' ')
          .trim()
  const given = strip(first)
  const [familyPart = '', ...suffixes] = strip(last).split(',')
  const family = familyPart.trim()
  const suffix = suffixes
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ')
  const core = (givenFirst ? [given, family] : [family, given]).filter(Boolean).join(' ')
  if (!core) return null
  return suffix ? `${core}, ${suffix}` : core
}

const NEW_YORK_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/**
 * The Blue Book stores a day as midnight New York time in UTC ("2021-02-25T05:00:00.000Z",
 * "2025-09-21T04:00:00.000Z" in summer): the day is New York's, not UTC's.
 */
export function newYorkDate(value: unknown): string | null {
  const iso = text(typeof value === 'object' && value !== null ? (value as { $date?: unknown }).$date : value)
  if (!iso) return null
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return null
  const parts = Object.fromEntries(NEW_YORK_DAY.formatToParts(at).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

export interface HeadFinding {
  /** Null when no staff is listed at all: the file does not say who heads the mission. */
  head: MissionHead | null
  warning?: string
}

/**
 * Who heads the mission, from its staff rows: the active row with a head function and a name.
 * Staff listed but no named head (deputies only, or the "(DPC: ...)" placeholder) means the
 * post is vacant. The same person listed twice counts once; two different heads (never seen in
 * the data) keep the one appointed last, with a warning.
 */
export function headOfMission(staff: readonly BlueBookStaff[]): HeadFinding {
  if (staff.length === 0) return { head: null }
  const heads = staff.filter((s) => s.active && s.name && headRank(s.function) > 0)
  if (heads.length === 0) return { head: VACANT_HEAD }
  const best = Math.min(...heads.map((s) => headRank(s.function)))
  const byPerson = new Map<string, BlueBookStaff[]>()
  for (const s of heads.filter((h) => headRank(h.function) === best)) {
    const key = nameKey(s.name!)
    byPerson.set(key, [...(byPerson.get(key) ?? []), s])
  }
  const people = [...byPerson.values()].sort((a, b) => latest(b).localeCompare(latest(a)))
  const rows = people[0]!
  const chosen = rows[0]!
  const head: MissionHead = {
    status: 'filled',
    honorific: rows.find((r) => r.honorific)?.honorific ?? null,
    name: chosen.name,
    function: chosen.function.replace(DPC_SUFFIX, '').trimEnd(),
    credentialsPresented: rows.find((r) => r.credentialsPresented)?.credentialsPresented ?? null,
  }
  if (people.length === 1) return { head }
  const names = people.map((p) => p[0]!.name).join(', ')
  return { head, warning: `${people.length} heads listed (${names}): kept ${chosen.name}, appointed last` }
}

const latest = (rows: BlueBookStaff[]): string =>
  rows
    .map((r) => r.appointment ?? '')
    .sort()
    .at(-1) ?? ''

function text(value: unknown): string {
  if (typeof value === 'string') return cleanText(value)
  if (typeof value === 'number') return String(value)
  return ''
}

/** "", "...", "H.E. ...": the 2026 listing's way of naming nobody. */
function placeholder(value: string): boolean {
  return /^(?:[\p{L}.]*\s)*\.{2,}$|^$/u.test(value.trim())
}
