import type { AppContext } from '../app-context.js'
import { type Ask, countAskLetters, getAsk, listAsks } from '../asks/index.js'
import { type Coverage, type CoverageAudience, getCoverage, type StateCoverage } from './coverage.service.js'
import type { CoverageStatus } from './coverage-rules.js'
import { SUPPORTIVE_POSITIONS } from './coverage-rules.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** How far a goal is reached: `percent` may pass 100. */
export interface GoalProgress {
  goal: number
  reached: number
  percent: number
}

/** An ask's figures among its target states, or the whole campaign's among the 193. */
export interface AskFigures {
  targetedStates: number
  /** Target states canvassed (coverage-rules.ts), whichever ask their letters belong to. */
  canvassedStates: number
  /** Target states whose current position is supportive or committed. */
  supportiveStates: number
  /** Letters written within the ask (drafts included); the campaign's: every letter. */
  letters: number
}

export interface AskWithFigures {
  ask: Ask
  figures: AskFigures
  goals: {
    statesCanvassed: GoalProgress | null
    supportiveStates: GoalProgress | null
    letters: GoalProgress | null
  }
}

/** Every ask with its figures, and the whole campaign's, from one reading of coverage. */
export interface AsksOverview {
  on: string
  asks: AskWithFigures[]
  campaign: AskFigures
}

/** One target state of an ask: coverage, without anyone's personal data. */
export interface AskTargetState {
  iso3: string
  name: string
  status: CoverageStatus
  canvassed: boolean
  supportive: boolean
  /** Letters to it written within this ask. */
  letters: number
}

/**
 * Every ask's figures, for `from`: its audience (coverage.service.ts: the public does not count
 * unpublished positions), or the coverage already read for this answer (not read twice).
 */
export async function getAsksOverview(ctx: Ctx, from: CoverageAudience | Coverage): Promise<AsksOverview> {
  const [coverage, asks, counts] = await Promise.all([
    typeof from === 'string' ? getCoverage(ctx, from) : from,
    listAsks(ctx),
    countAskLetters(ctx),
  ])
  const lettersOf = lettersPerAsk(counts)
  return {
    on: coverage.on,
    asks: asks.map((ask) => withFigures(ask, coverage, lettersOf.get(ask.id))),
    campaign: {
      ...figuresAmong(coverage.states),
      letters: counts.reduce((sum, c) => sum + c.written, 0),
    },
  }
}

/** One ask with its figures and each target state's; a NotFoundError for an unknown id. */
export async function getAskDetail(
  ctx: Ctx,
  id: number,
  audience: CoverageAudience,
): Promise<AskWithFigures & { on: string; states: AskTargetState[] }> {
  const ask = await getAsk(ctx, id)
  const [coverage, counts] = await Promise.all([getCoverage(ctx, audience), countAskLetters(ctx)])
  const letters = lettersPerAsk(counts).get(ask.id)
  const targets = new Set(ask.targetStates)
  return {
    on: coverage.on,
    ...withFigures(ask, coverage, letters),
    states: coverage.states
      .filter((s) => targets.has(s.iso3))
      .map((s) => ({
        iso3: s.iso3,
        name: s.name,
        status: s.status,
        canvassed: s.canvassed,
        supportive: SUPPORTIVE_POSITIONS.has(s.position),
        letters: letters?.get(s.iso3) ?? 0,
      })),
  }
}

function withFigures(ask: Ask, coverage: Coverage, letters: Map<string, number> | undefined): AskWithFigures {
  const targets = new Set(ask.targetStates)
  const figures: AskFigures = {
    ...figuresAmong(coverage.states.filter((s) => targets.has(s.iso3))),
    letters: [...(letters?.values() ?? [])].reduce((sum, n) => sum + n, 0),
  }
  return {
    ask,
    figures,
    goals: {
      statesCanvassed: progress(ask.goals.statesCanvassed, figures.canvassedStates),
      supportiveStates: progress(ask.goals.supportiveStates, figures.supportiveStates),
      letters: progress(ask.goals.letters, figures.letters),
    },
  }
}

function figuresAmong(states: readonly StateCoverage[]): Omit<AskFigures, 'letters'> {
  return {
    targetedStates: states.length,
    canvassedStates: states.filter((s) => s.canvassed).length,
    supportiveStates: states.filter((s) => SUPPORTIVE_POSITIONS.has(s.position)).length,
  }
}

function progress(goal: number | null, reached: number): GoalProgress | null {
  if (goal === null) return null
  return { goal, reached, percent: Math.round((reached / goal) * 1000) / 10 }
}

/** Letters per ask, then per state. */
function lettersPerAsk(
  counts: readonly { ask_id: number; state_iso3: string; written: number }[],
): Map<number, Map<string, number>> {
  const byAsk = new Map<number, Map<string, number>>()
  for (const c of counts) {
    const states = byAsk.get(c.ask_id) ?? new Map<string, number>()
    states.set(c.state_iso3, c.written)
    byAsk.set(c.ask_id, states)
  }
  return byAsk
}
