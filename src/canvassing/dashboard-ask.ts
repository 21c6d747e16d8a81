import type { AppContext } from '../app-context.js'
import { type Ask, countAskLetters, listAsks } from '../asks/index.js'
import { BadRequestError } from '../lib/errors.js'
import { COVERAGE_STATUS_LABELS } from '../lib/labels.js'
import type { StateCoverage } from './coverage.service.js'
import { COVERAGE_PALETTE, type MapEntry } from './world-map.js'

// The dashboard's "ask" filter (its table, map and CSV): only the ask's target states, each with
// the letters written within the ask. Without it the dashboard is the whole campaign's, as before.

/** An ask chosen on the dashboard: its target states and its letters to each. */
export interface AskFilter {
  ask: Ask
  targets: ReadonlySet<string>
  /** Letters written within the ask, per target state (0 for none). */
  lettersTo: (iso3: string) => number
}

/** The ask `id` as a filter; a 400 naming `ask` when there is none (a link to a deleted ask). */
export async function askFilter(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  id: number | undefined,
  asks?: readonly Ask[],
): Promise<AskFilter | null> {
  if (id === undefined) return null
  const ask = (asks ?? (await listAsks(ctx))).find((a) => a.id === id)
  if (!ask) throw new BadRequestError(`There is no ask with the id ${id}`, 'ask')
  const letters = new Map(
    (await countAskLetters(ctx)).filter((c) => c.ask_id === id).map((c) => [c.state_iso3, c.written]),
  )
  return { ask, targets: new Set(ask.targetStates), lettersTo: (iso3) => letters.get(iso3) ?? 0 }
}

/** The filter form's choice of ask, the chosen one marked (titles as organizers wrote them). */
export function askOptions(asks: readonly Ask[], chosen: number | undefined) {
  return asks.map((a) => ({
    value: String(a.id),
    label: `${a.title}${a.running ? ' (running)' : ''}`,
    selected: a.id === chosen,
  }))
}

/** Outside the chosen ask's targets: drawn, linked, but greyed. */
const OUTSIDE = 'outside_ask'
export const ASK_MAP_PALETTE: Readonly<Record<string, string>> = { ...COVERAGE_PALETTE, [OUTSIDE]: '#e2e2e2' }

/**
 * The dashboard map's states when an ask is chosen: its targets coloured by status with their
 * letters within the ask; every other member state greyed, saying it is not aimed at.
 */
export function askMapEntries(states: readonly StateCoverage[], filter: AskFilter): Map<string, MapEntry> {
  return new Map(
    states.map((s) => {
      const href = `/organizers/states/${s.iso3.toLowerCase()}`
      if (!filter.targets.has(s.iso3))
        return [s.iso3, { status: OUTSIDE, href, label: `${s.name}: not aimed at by this ask` }]
      const letters = filter.lettersTo(s.iso3)
      const label = `${s.name}: ${COVERAGE_STATUS_LABELS[s.status]}, ${letters} ${letters === 1 ? 'letter' : 'letters'} within the ask`
      return [s.iso3, { status: s.status, href, label }]
    }),
  )
}
