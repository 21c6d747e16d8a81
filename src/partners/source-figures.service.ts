import type { AppContext } from '../app-context.js'
import type { LetterStatus } from '../db/schema.js'
import { listPartners } from './partners.service.js'
import * as figures from './source-figures.repository.js'

// What organizers see per source (the partner or channel a supporter came from): letters written,
// letters e-mailed, and new members. The rules of these figures are here; the queries are in
// source-figures.repository.ts.

/**
 * A letter counts as e-mailed once its writer confirmed it and it went to the outbox, whatever came
 * of it: the dashboard's and the coverage CSV's "Letters e-mailed".
 * @NOTE the same statuses as the `emailed` counter of state_letter_stats
 * (src/db/migrations/letter-stats-triggers.ts): the letters without a source are those counters
 * less the letters with one, so the two must agree (test/partners/source-figures.test.ts checks).
 */
export const EMAILED_STATUSES: readonly LetterStatus[] = ['queued', 'sending', 'sent', 'failed', 'uncertain']

/** How a row's source is known: a partner's code, a code no partner has, or no source at all. */
export type SourceKind = 'partner' | 'unknown' | 'none'

export interface SourceFigure {
  kind: SourceKind
  /** The source code; null for the letters and members with none. */
  code: string | null
  /** The partner's name (partners only). */
  partner: string | null
  /** Letters written with this source. */
  letters: number
  /** Of those, e-mailed to the mission (EMAILED_STATUSES). */
  emailed: number
  /** Members who joined from it and confirmed (later unsubscribed or erased members too: they joined). */
  members: number
}

export interface SourceFigures {
  /**
   * Every partner (by name, a partner whose links brought nothing yet too), then the codes no
   * partner has that some letter or member carries (most letters first), then "no source".
   */
  rows: SourceFigure[]
  /** Codes no partner has that `unknownLimit` left out of `rows`. */
  moreUnknown: number
}

/**
 * The figures per source. `unknownLimit`: at most this many codes no partner has (anyone can
 * make a link with any code); the CSV has them all.
 */
export async function getSourceFigures(
  ctx: Pick<AppContext, 'db'>,
  options: { unknownLimit?: number } = {},
): Promise<SourceFigures> {
  const [partners, letters, all, members] = await Promise.all([
    listPartners(ctx),
    figures.countLettersBySource(ctx.db, EMAILED_STATUSES),
    figures.countAllLetters(ctx.db),
    figures.countConfirmedMembersBySource(ctx.db),
  ])
  const lettersOf = new Map(letters.map((l) => [l.source, l]))
  const membersOf = new Map(members.map((m) => [m.source, m.members]))
  const figure = (kind: SourceKind, code: string, partner: string | null): SourceFigure => ({
    kind,
    code,
    partner,
    letters: lettersOf.get(code)?.written ?? 0,
    emailed: lettersOf.get(code)?.emailed ?? 0,
    members: membersOf.get(code) ?? 0,
  })

  const partnerRows = [...partners]
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.code.localeCompare(b.code))
    .map((p) => figure('partner', p.code, p.name))
  const partnerCodes = new Set(partners.map((p) => p.code))
  const seen = new Set<string>([
    ...letters.map((l) => l.source),
    ...members.flatMap((m) => (m.source === null ? [] : [m.source])),
  ])
  const unknownRows = [...seen]
    .filter((code) => !partnerCodes.has(code))
    .map((code) => figure('unknown', code, null))
    .sort((a, b) => b.letters - a.letters || b.members - a.members || compareCodes(a.code, b.code))
  const limit = options.unknownLimit ?? unknownRows.length

  const sourced = { written: sum(letters, (l) => l.written), emailed: sum(letters, (l) => l.emailed) }
  const none: SourceFigure = {
    kind: 'none',
    code: null,
    partner: null,
    letters: Math.max(0, all.written - sourced.written),
    emailed: Math.max(0, all.emailed - sourced.emailed),
    members: membersOf.get(null) ?? 0,
  }
  return {
    rows: [...partnerRows, ...unknownRows.slice(0, limit), none],
    moreUnknown: Math.max(0, unknownRows.length - limit),
  }
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0)
}

function compareCodes(a: string | null, b: string | null): number {
  return (a ?? '').localeCompare(b ?? '')
}
