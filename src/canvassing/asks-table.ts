import { ASK_TEXT_LANGUAGES } from '../asks/index.js'
import type { AskTargetKind, RegionalGroup } from '../db/schema.js'
import { REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import type { AsksOverview } from './ask-figures.js'

// The asks as the organizers' pages show them (in English, as the organizers' area is): the
// asks page and the dashboard's panel.

export const TARGET_LABELS: Record<AskTargetKind, string> = {
  all_members: 'All 193 member states',
  security_council: 'The Security Council on a date',
  troop_police_contributors: 'Troop- and police-contributing countries (state tags)',
  mission_hosts: 'States hosting peacekeeping missions (state tag)',
  regional_group: 'A regional group',
  state_list: 'A hand-picked list of member states',
}

/** The other UN languages by their English names, as the organizers' pages write them. */
export const LANGUAGE_NAMES: Record<(typeof ASK_TEXT_LANGUAGES)[number], string> = {
  ar: 'Arabic',
  zh: 'Chinese',
  fr: 'French',
  ru: 'Russian',
  es: 'Spanish',
}

const GOAL_LABELS = {
  statesCanvassed: 'states canvassed',
  supportiveStates: 'supportive states',
  letters: 'letters',
} as const

/** Each ask with its target in words and its goals reached, for an organizers' table. */
export function askRows(overview: AsksOverview) {
  return overview.asks.map(({ ask, figures, goals }) => ({
    ...ask,
    targetLabel: targetLabel(ask.target),
    // The languages its title is given in, its own first: organizers see which are missing.
    languageList: [
      'English',
      ...ASK_TEXT_LANGUAGES.filter((l) => ask.texts[l]).map((l) => LANGUAGE_NAMES[l]),
    ].join(', '),
    figures,
    goals: Object.entries(goals)
      .filter(([, g]) => g !== null)
      .map(([name, g]) => ({ name: GOAL_LABELS[name as keyof typeof GOAL_LABELS], ...g! })),
  }))
}

function targetLabel(target: {
  kind: AskTargetKind
  councilOn: string | null
  group: RegionalGroup | null
}): string {
  if (target.kind === 'security_council') return `The Security Council on ${target.councilOn}`
  if (target.kind === 'regional_group' && target.group) return REGIONAL_GROUP_LABELS[target.group]
  return TARGET_LABELS[target.kind]
}
