import type { AppContext } from '../../src/context.js'
import type { StateDto } from '../../src/directory/directory.schemas.js'
import { getStateForLetters, listStates, type StateTag } from '../../src/directory/directory.service.js'
import { defaultLanguage, snapshotAddressee } from '../../src/letters/letter-compose.js'
import type { LetterLanguage } from '../../src/letters/letter-document.js'
import type { Random } from './demo-random.js'

/** A state as the demo letters need it. */
export interface DemoState {
  iso3: string
  name: string
  member: boolean
  /** Relative share of the letters; 0 for the states nobody has written to yet. */
  weight: number
  /** Whether its mission has an e-mail address (else its letters are printed). */
  emailable: boolean
  missionVersionId: number
  addressee: string
  language: LetterLanguage
  tags: StateTag[]
  /** The state in each year of the demo period (its Security Council seat depends on the year). */
  byYear: Map<number, { state: StateDto; variant: number }>
}

// Written to most: the permanent members and states that are large, prominent in peacekeeping, or
// much in the news. The order is the order of their share.
const MOST_WRITTEN = [
  'USA',
  'GBR',
  'FRA',
  'CHN',
  'RUS',
  'IND',
  'CAN',
  'DEU',
  'BRA',
  'NGA',
  'ZAF',
  'AUS',
  'MEX',
  'KEN',
  'COD',
  'JPN',
  'ESP',
  'PAK',
  'BGD',
  'ITA',
  'ARG',
  'IRL',
  'NPL',
  'RWA',
  'ETH',
]

/** How many member states have no letter yet: the "no letter yet" filter has something to show. */
export const STATES_WITHOUT_LETTERS = 25

/**
 * Every state in the directory, with the share of letters each gets: a long tail after the most
 * written-to, and `STATES_WITHOUT_LETTERS` member states (drawn from the tail) with none.
 */
export async function loadDemoStates(ctx: AppContext, rng: Random, years: number[]): Promise<DemoState[]> {
  const { states } = await listStates(ctx)
  const anyEmail = states.some((s) => s.mission.emails.length > 0)
  const out: DemoState[] = []
  const variants = new Map<string, number>()
  for (const listed of states) {
    const byYear = new Map<number, { state: StateDto; variant: number }>()
    let current: Awaited<ReturnType<typeof getStateForLetters>> | null = null
    for (const year of years) {
      current = await getStateForLetters(ctx, listed.iso3, `${year}-07-01`)
      // A state whose seat is the same in both years keeps one variant: fewer compositions.
      const key = `${listed.iso3}:${JSON.stringify(current.state.securityCouncil)}`
      if (!variants.has(key)) variants.set(key, variants.size)
      byYear.set(year, { state: current.state, variant: variants.get(key)! })
    }
    out.push({
      iso3: listed.iso3,
      name: listed.name,
      member: listed.membership === 'member',
      weight: 0,
      // Without a Blue Book no mission has an address: treat all as reachable rather than none.
      emailable: anyEmail ? listed.mission.emails.length > 0 : true,
      missionVersionId: current!.missionVersionId,
      addressee: JSON.stringify(snapshotAddressee(current!.state)),
      language: defaultLanguage(current!.state),
      tags: current!.tags,
      byYear,
    })
  }
  assignWeights(out, rng)
  return out
}

function assignWeights(states: DemoState[], rng: Random): void {
  const byIso = new Map(states.map((s) => [s.iso3, s]))
  const head = MOST_WRITTEN.map((iso3) => byIso.get(iso3)).filter((s): s is DemoState => Boolean(s))
  const tail = states.filter((s) => s.member && !MOST_WRITTEN.includes(s.iso3))
  // Shuffle the tail (Fisher-Yates): which small states get letters is the seed's choice.
  for (let i = tail.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[tail[i], tail[j]] = [tail[j]!, tail[i]!]
  }
  const ranked = [...head, ...tail.slice(0, Math.max(0, tail.length - STATES_WITHOUT_LETTERS))]
  ranked.forEach((s, rank) => {
    s.weight = 1 / (rank + 3) ** 1.05
  })
  // The two observer states get the odd letter.
  for (const s of states) if (!s.member) s.weight = 0.0005
}
