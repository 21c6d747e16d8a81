import type { AppContext } from '../app-context.js'
import type { AskRow, AskTargetKind, RegionalGroup, SiteLanguageCode } from '../db/schema.js'
import { NotFoundError } from '../lib/errors.js'
import { resolveAskTargets } from './ask-targets.js'
import * as repo from './asks.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** An ask (a wave of the campaign) with the member states it aims at. */
export interface Ask {
  id: number
  title: string
  purpose: string
  target: {
    kind: AskTargetKind
    /** YYYY-MM-DD whose Security Council is aimed at (security_council only). */
    councilOn: string | null
    group: RegionalGroup | null
  }
  goals: { statesCanvassed: number | null; supportiveStates: number | null; letters: number | null }
  startsOn: string
  endsOn: string | null
  /** Whether today falls within its dates. */
  running: boolean
  /** ISO alpha-3 codes of the member states it aims at, sorted. */
  targetStates: string[]
  /** Its title and purpose in the other languages it was given in (its own, above, is English). */
  texts: repo.AskTexts
}

/** An ask's title and purpose as a reader of `language` sees them, and the language each is in. */
export interface AskText {
  title: string
  purpose: string
  language: SiteLanguageCode
  /** A purpose left blank in the reader's language is the ask's own (English). */
  purposeLanguage: SiteLanguageCode
}

/**
 * The ask's title and purpose in `language`, else its own (English): a purpose left blank in a
 * language falls back on its own purpose too.
 */
export function askTextIn(
  ask: Pick<Ask, 'title' | 'purpose' | 'texts'>,
  language: SiteLanguageCode,
): AskText {
  const text = language === 'en' ? undefined : ask.texts[language]
  if (!text) return { title: ask.title, purpose: ask.purpose, language: 'en', purposeLanguage: 'en' }
  if (!text.purpose) return { title: text.title, purpose: ask.purpose, language, purposeLanguage: 'en' }
  return { title: text.title, purpose: text.purpose, language, purposeLanguage: language }
}

/** Every ask, oldest first, each with its target states resolved for today. */
export async function listAsks(ctx: Ctx): Promise<Ask[]> {
  const [rows, picked, texts] = await Promise.all([
    repo.findAsks(ctx.db),
    repo.findAskStates(ctx.db),
    repo.findAskTexts(ctx.db),
  ])
  return Promise.all(rows.map((row) => toAsk(ctx, row, picked.get(row.id) ?? [], texts.get(row.id) ?? {})))
}

/** One ask; a NotFoundError naming the id when there is none. */
export async function getAsk(ctx: Ctx, id: number): Promise<Ask> {
  const asks = await listAsks(ctx)
  const ask = asks.find((a) => a.id === id)
  if (!ask) throw new NotFoundError(`There is no ask with the id ${id}`)
  return ask
}

/**
 * The ask a new letter to `iso3` is written within: among the asks running today, the newest
 * (latest start, then latest made) that aims at the state; else the first ask, which every
 * letter may fall back on (migration 0019 made it). Null only on a database with no ask at all.
 */
export async function currentAskIdFor(ctx: Ctx, iso3: string): Promise<number | null> {
  const asks = await listAsks(ctx)
  const running = asks
    .filter((a) => a.running && a.targetStates.includes(iso3))
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn) || b.id - a.id)
  return running[0]?.id ?? asks[0]?.id ?? null
}

/** The asks running today, newest first: what supporters write within. */
export async function listCurrentAsks(ctx: Ctx): Promise<Ask[]> {
  return (await listAsks(ctx))
    .filter((a) => a.running)
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn) || b.id - a.id)
}

async function toAsk(ctx: Ctx, row: AskRow, states: readonly string[], texts: repo.AskTexts): Promise<Ask> {
  const today = ctx.clock.today()
  return {
    id: row.id,
    title: row.title,
    purpose: row.purpose,
    target: { kind: row.target_kind, councilOn: row.target_council_on, group: row.target_group },
    goals: {
      statesCanvassed: row.goal_states_canvassed,
      supportiveStates: row.goal_supportive_states,
      letters: row.goal_letters,
    },
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    running: row.starts_on <= today && (row.ends_on === null || row.ends_on >= today),
    targetStates: await resolveAskTargets(ctx, { ...row, states }),
    texts,
  }
}
