import type { AppContext } from '../app-context.js'
import type { AskRow, AskTargetKind, StateTagName } from '../db/schema.js'
import { listStates, listStatesTagged } from '../directory/index.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** Every kind of target an ask may have, in the order organizers are offered them. */
export const ASK_TARGET_KINDS: readonly AskTargetKind[] = [
  'all_members',
  'security_council',
  'troop_police_contributors',
  'mission_hosts',
  'regional_group',
  'state_list',
]

// @NOTE the directory records troop and police contributors and peacekeeping hosts as state tags
// (data/seed/state-tags.json: the five largest troop contributors, the hosts of 2026's
// operations; no police contributor is seeded yet), kept by organizers: these kinds follow them.
const TAGS_OF: Partial<Record<AskTargetKind, readonly StateTagName[]>> = {
  troop_police_contributors: ['troop_contributor', 'police_contributor'],
  mission_hosts: ['peacekeeping_host'],
}

/** What resolving needs of an ask: its target, and its hand-picked states for a `state_list`. */
export type AskTarget = Pick<AskRow, 'target_kind' | 'target_council_on' | 'target_group'> & {
  states?: readonly string[]
}

/**
 * The member states an ask aims at, by ISO alpha-3 code, sorted. Observer states are never
 * targets: the campaign's figures are those of the 193 member states. The Security Council is the
 * one of the ask's date (its `target_council_on`), as the directory records its seats by year.
 */
export async function resolveAskTargets(ctx: Ctx, ask: AskTarget): Promise<string[]> {
  const on = ask.target_council_on ?? ctx.clock.today()
  const { states } = await listStates(ctx, { membership: 'member', on })
  const members = new Set(states.map((s) => s.iso3))
  const tags = TAGS_OF[ask.target_kind]
  let chosen: string[]
  if (tags) chosen = (await listStatesTagged(ctx, tags)).filter((iso3) => members.has(iso3))
  else if (ask.target_kind === 'security_council')
    chosen = states.filter((s) => s.securityCouncil !== null).map((s) => s.iso3)
  else if (ask.target_kind === 'regional_group')
    chosen = states.filter((s) => s.regionalGroup === ask.target_group).map((s) => s.iso3)
  else if (ask.target_kind === 'state_list') chosen = (ask.states ?? []).filter((iso3) => members.has(iso3))
  else chosen = [...members]
  return chosen.sort()
}
