import type { AppContext } from '../app-context.js'
import type { AskTargetKind, AskTextLanguage, RegionalGroup } from '../db/schema.js'
import { listStates } from '../directory/index.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import { ASK_TARGET_KINDS } from './ask-targets.js'
import * as repo from './asks.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** Letters per ask and state (only pairs with letters), from the counters of migration 0019. */
export async function countAskLetters(ctx: Pick<AppContext, 'db'>): Promise<repo.AskLetterCount[]> {
  return repo.findAskLetterCounts(ctx.db)
}

/** What an organizer gives to make an ask. */
export interface NewAsk {
  title: string
  purpose: string
  targetKind: AskTargetKind
  councilOn?: string | null
  group?: RegionalGroup | null
  states?: readonly string[]
  goals?: { statesCanvassed?: number | null; supportiveStates?: number | null; letters?: number | null }
  startsOn: string
  endsOn?: string | null
  /** Its title and purpose in other languages, each optional (its own, above, is English). */
  texts?: repo.AskTexts
}

/** The languages an ask's title and purpose may be given in besides its own (English). */
export const ASK_TEXT_LANGUAGES: readonly AskTextLanguage[] = ['ar', 'zh', 'fr', 'ru', 'es']

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Makes an ask, audited under `actor`; a ValidationError naming every field at fault. Returns its id. */
export async function createAsk(ctx: Ctx, actor: Actor, input: NewAsk): Promise<number> {
  await assertValid(ctx, input)
  const now = ctx.clock.nowIso()
  const row = await ctx.db.transaction().execute(async (trx) => {
    const ask = await repo.insertAsk(
      trx,
      { ...columnsOf(input), created_at: now, updated_at: now },
      statesOf(input),
    )
    await repo.replaceAskTexts(trx, ask.id, textsOf(input))
    await recordAudit(trx, actor, now, {
      action: 'ask.create',
      subjectType: 'ask',
      subjectId: String(ask.id),
      summary: `Created the ask “${ask.title}” (${ask.target_kind}, from ${ask.starts_on})`,
      details: { ...ask, states: statesOf(input), texts: textsOf(input) },
    })
    return ask
  })
  return row.id
}

/**
 * Changes an ask, audited with what it was before; its letters stay in it whatever its new
 * targets (a letter records the ask it was written within). NotFoundError for an unknown id.
 */
export async function updateAsk(ctx: Ctx, actor: Actor, id: number, input: NewAsk): Promise<void> {
  await assertValid(ctx, input)
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findAsk(trx, id)
    if (!before) throw new NotFoundError(`There is no ask with the id ${id}`)
    const beforeStates = (await repo.findAskStates(trx)).get(id) ?? []
    const beforeTexts = (await repo.findAskTexts(trx)).get(id) ?? {}
    const after = await repo.updateAskRow(trx, id, { ...columnsOf(input), updated_at: now }, statesOf(input))
    await repo.replaceAskTexts(trx, id, textsOf(input))
    await recordAudit(trx, actor, now, {
      action: 'ask.edit',
      subjectType: 'ask',
      subjectId: String(id),
      summary: `Edited the ask “${after.title}” (${after.target_kind}, from ${after.starts_on})`,
      details: {
        before: { ...before, states: beforeStates, texts: beforeTexts },
        after: { ...after, states: statesOf(input), texts: textsOf(input) },
      },
    })
  })
}

async function assertValid(ctx: Ctx, input: NewAsk): Promise<void> {
  const errors: Record<string, string> = {}
  if (!input.title.trim()) errors.title = 'Give the ask a title'
  if (!ASK_TARGET_KINDS.includes(input.targetKind)) errors.targetKind = `Unknown target: ${input.targetKind}`
  if (input.targetKind === 'security_council' && !DAY.test(input.councilOn ?? ''))
    errors.councilOn = 'Give the day whose Security Council is aimed at (YYYY-MM-DD)'
  if (input.targetKind === 'regional_group' && !input.group) errors.group = 'Choose the regional group'
  if (input.targetKind === 'state_list') {
    const members = new Set((await listStates(ctx, { membership: 'member' })).states.map((s) => s.iso3))
    const unknown = (input.states ?? []).filter((iso3) => !members.has(iso3))
    if ((input.states ?? []).length === 0) errors.states = 'Choose at least one state'
    else if (unknown.length > 0) errors.states = `Not UN member states: ${unknown.join(', ')}`
  }
  if (!DAY.test(input.startsOn)) errors.startsOn = 'Give the first day (YYYY-MM-DD)'
  if (input.endsOn && (!DAY.test(input.endsOn) || input.endsOn < input.startsOn))
    errors.endsOn = 'Give a last day (YYYY-MM-DD) on or after the first'
  for (const [language, text] of Object.entries(input.texts ?? {})) {
    if (!(ASK_TEXT_LANGUAGES as readonly string[]).includes(language))
      errors[`texts.${language}`] = `Not a language an ask is given in: ${language}`
    else if (!text.title.trim() && text.purpose.trim())
      errors[`texts.${language}.title`] = 'Give the title in this language too, or leave both blank'
  }
  for (const [name, goal] of Object.entries(input.goals ?? {}))
    if (goal !== null && goal !== undefined && (!Number.isInteger(goal) || goal < 1))
      errors[`goals.${name}`] = 'A goal is a whole number of at least 1, or none'
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

function columnsOf(input: NewAsk) {
  return {
    title: input.title.trim(),
    purpose: input.purpose.trim(),
    target_kind: input.targetKind,
    target_council_on: input.targetKind === 'security_council' ? (input.councilOn ?? null) : null,
    target_group: input.targetKind === 'regional_group' ? (input.group ?? null) : null,
    goal_states_canvassed: input.goals?.statesCanvassed ?? null,
    goal_supportive_states: input.goals?.supportiveStates ?? null,
    goal_letters: input.goals?.letters ?? null,
    starts_on: input.startsOn,
    ends_on: input.endsOn ?? null,
  }
}

const statesOf = (input: NewAsk): string[] =>
  input.targetKind === 'state_list' ? [...new Set(input.states)] : []

/** The texts given, trimmed; a language whose title and purpose are both blank has none. */
function textsOf(input: NewAsk): repo.AskTexts {
  return Object.fromEntries(
    Object.entries(input.texts ?? {})
      .map(
        ([language, text]) => [language, { title: text.title.trim(), purpose: text.purpose.trim() }] as const,
      )
      .filter(([, text]) => text.title !== ''),
  )
}
