import type { Insertable } from 'kysely'
import type { Database } from '../../src/db/connection.js'
import type {
  EngagementKind,
  NewEngagementRow,
  Position,
  ReplyAnswer,
  StatePositionTable,
} from '../../src/db/schema.js'

type NewStatePositionRow = Insertable<StatePositionTable>

import { ENGAGEMENT_TEXTS, POSITION_NOTES } from './demo-people.js'
import { cumulate, type Random } from './demo-random.js'
import type { DemoState } from './demo-states.js'
import { DAY } from './demo-timeline.js'

// Organizers' side of the demo: engagements with missions and states' positions. Some thousands
// of rows: Kysely's multi-row inserts are quick enough here.

/** A writer's answer to "did the mission reply?", which is also an engagement (source 'supporter'). */
export interface DemoAnswer {
  letterId: number
  stateIso3: string
  answer: ReplyAnswer
  answeredAt: string
}

const ANSWER_KIND: Record<ReplyAnswer, EngagementKind> = {
  replied: 'reply_received',
  acknowledged: 'acknowledgement',
  no_reply: 'no_reply_yet',
}

// Organizers' engagements by kind, relatively.
const ORGANIZER_KINDS: [EngagementKind, number][] = [
  ['meeting', 14],
  ['call', 20],
  ['reply_received', 14],
  ['acknowledgement', 20],
  ['no_reply_yet', 9],
  ['public_statement', 5],
  ['note', 18],
]

/**
 * How far organizers got with a state, which bounds the kinds of engagement it has: otherwise
 * twenty thousand engagements would show nearly every state "engaged", and the dashboard's
 * statuses and filters would have nothing to tell apart.
 */
export type Tier = 'engaged' | 'replied' | 'contacted' | 'none'

const KINDS_OF: Record<Exclude<Tier, 'none'>, ReadonlySet<EngagementKind>> = {
  engaged: new Set(ORGANIZER_KINDS.map(([kind]) => kind)),
  replied: new Set(['call', 'reply_received', 'acknowledgement', 'no_reply_yet', 'note']),
  contacted: new Set(['call', 'no_reply_yet', 'note']),
}

/** Organizers called on a few missions nobody has written to. */
const CONTACTED_WITHOUT_LETTERS = 5

/** Each state's tier: the most written-to more often engaged; most without letters untouched. */
export function assignTiers(states: DemoState[], rng: Random): Map<string, Tier> {
  const tiers = new Map<string, Tier>(states.map((s) => [s.iso3, 'none']))
  const written = states.filter((s) => s.member && s.weight > 0).sort((a, b) => b.weight - a.weight)
  written.forEach((state, rank) => {
    const engaged = rank < 30 ? 0.65 : rank < 90 ? 0.3 : 0.12
    const roll = rng.next()
    tiers.set(
      state.iso3,
      roll < engaged ? 'engaged' : roll < engaged + (1 - engaged) * 0.6 ? 'replied' : 'contacted',
    )
  })
  const unwritten = states.filter((s) => s.member && s.weight === 0)
  for (let i = 0; i < CONTACTED_WITHOUT_LETTERS && unwritten.length > 0; i++) {
    tiers.set(unwritten.splice(rng.int(unwritten.length), 1)[0]!.iso3, 'contacted')
  }
  return tiers
}

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * Inserts the supporters' answers as engagements, and organizers' engagements up to `total`,
 * all in date order, each of a kind its state's tier allows.
 */
export async function insertEngagements(
  db: Database,
  rng: Random,
  options: {
    states: DemoState[]
    tiers: Map<string, Tier>
    answers: DemoAnswer[]
    total: number
    now: number
    days: number
  },
): Promise<number> {
  const { states, now, days } = options
  const rows: NewEngagementRow[] = options.answers.map((a) => ({
    state_iso3: a.stateIso3,
    kind: ANSWER_KIND[a.answer],
    occurred_on: a.answeredAt.slice(0, 10),
    // As recordSupporterAnswer writes it: the kind says it all.
    text: '',
    source: 'supporter',
    organizer_id: null,
    letter_id: a.letterId,
    created_at: a.answeredAt,
  }))
  const reached = states.filter((s) => options.tiers.get(s.iso3) !== 'none')
  // Organizers' attention follows the letters, less steeply; a state without letters gets little.
  const least = Math.min(...reached.filter((s) => s.weight > 0).map((s) => s.weight))
  const weights = cumulate(reached.map((s) => (s.weight > 0 ? s.weight : least * 0.3) ** 0.7))
  const kindsOf = Object.fromEntries(
    Object.entries(KINDS_OF).map(([tier, allowed]) => {
      const kinds = ORGANIZER_KINDS.filter(([kind]) => allowed.has(kind))
      return [tier, { kinds, cumulative: cumulate(kinds.map(([, w]) => w)) }]
    }),
  )
  for (let i = rows.length; i < options.total; i++) {
    const state = reached[rng.weighted(weights)]!
    const { kinds, cumulative } = kindsOf[options.tiers.get(state.iso3)!]!
    const kind = kinds[rng.weighted(cumulative)]![0]
    const occurred = now - Math.floor(rng.next() * days * DAY)
    const logged = Math.min(now, occurred + Math.floor(rng.next() ** 2 * 5 * DAY))
    rows.push({
      state_iso3: state.iso3,
      kind,
      occurred_on: iso(occurred).slice(0, 10),
      text: rng.pick(ENGAGEMENT_TEXTS[kind]),
      source: 'organizer',
      organizer_id: null,
      letter_id: null,
      created_at: iso(logged),
    })
  }
  rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
  await insertInChunks(db, rows, (trx, chunk) => trx.insertInto('engagement').values(chunk).execute())
  return rows.length
}

// Where states stand at the end of the demo period, relatively; each got there in one to three steps.
const FINAL_POSITIONS: [Position, number][] = [
  ['unknown', 8],
  ['undecided', 34],
  ['supportive', 30],
  ['opposed', 9],
  ['committed', 11],
]
const ROUTES: Record<Position, Position[][]> = {
  unknown: [['unknown']],
  undecided: [['undecided'], ['unknown', 'undecided']],
  supportive: [['supportive'], ['undecided', 'supportive'], ['unknown', 'undecided', 'supportive']],
  opposed: [['opposed'], ['undecided', 'opposed']],
  committed: [
    ['supportive', 'committed'],
    ['undecided', 'supportive', 'committed'],
  ],
}

/**
 * Positions for `count` member states (the most written-to likelier), with some history; only
 * states of the engaged tier have made up their minds.
 */
export async function insertPositions(
  db: Database,
  rng: Random,
  options: { states: DemoState[]; tiers: Map<string, Tier>; count: number; now: number; days: number },
): Promise<{ states: number; rows: number }> {
  const candidates = options.states.filter((s) => s.member && options.tiers.get(s.iso3) !== 'none')
  const least = Math.min(...candidates.filter((s) => s.weight > 0).map((s) => s.weight))
  const weights = candidates.map((s) => (s.weight > 0 ? s.weight : least) ** 0.5)
  const chosen: DemoState[] = []
  while (chosen.length < Math.min(options.count, candidates.length)) {
    const index = rng.weighted(cumulate(weights))
    chosen.push(candidates[index]!)
    weights[index] = 0
  }
  const finals = cumulate(FINAL_POSITIONS.map(([, w]) => w))
  const rows: NewStatePositionRow[] = chosen.flatMap((state) => {
    const drawn = FINAL_POSITIONS[rng.weighted(finals)]![0]
    const final = options.tiers.get(state.iso3) === 'engaged' || drawn === 'unknown' ? drawn : 'undecided'
    const route = rng.pick(ROUTES[final])
    // Steps spread over the period, in order, the last one the current position.
    const times = route
      .map(() => options.now - Math.floor(rng.next() * options.days * DAY))
      .sort((a, b) => a - b)
    return route.map((position, step) => ({
      state_iso3: state.iso3,
      position,
      noted_on: iso(times[step]!).slice(0, 10),
      note: POSITION_NOTES[position],
      organizer_id: null,
      created_at: iso(times[step]!),
    }))
  })
  rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
  await insertInChunks(db, rows, (trx, chunk) => trx.insertInto('state_position').values(chunk).execute())
  return { states: chosen.length, rows: rows.length }
}

/** One transaction, 500 rows per statement (well under SQLite's limit on bound values). */
async function insertInChunks<R>(
  db: Database,
  rows: R[],
  insert: (trx: Database, chunk: R[]) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) await insert(trx, rows.slice(i, i + 500))
  })
}
