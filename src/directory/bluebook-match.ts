import type { StateRow } from '../db/schema.js'
import type { BlueBookEntry } from './bluebook-parse.js'
import { nameKey } from './bluebook-text.js'

// Which state a Blue Book name stands for. Pure; never guesses: one state or none.

export interface StateNameIndex {
  states: ReadonlyMap<string, StateRow>
  /** nameKey(name) -> the iso3 codes of the states that carry that name. */
  byKey: ReadonlyMap<string, ReadonlySet<string>>
}

/** Indexes each state under its name, formal name and aliases (the Blue Book's spellings among them). */
export function indexStateNames(states: readonly StateRow[]): StateNameIndex {
  const byKey = new Map<string, Set<string>>()
  for (const state of states) {
    for (const name of [state.name, state.formal_name, ...parseAliases(state.aliases)]) {
      const key = nameKey(name)
      if (!key) continue
      const codes = byKey.get(key) ?? new Set<string>()
      codes.add(state.iso3)
      byKey.set(key, codes)
    }
  }
  return { states: new Map(states.map((s) => [s.iso3, s])), byKey }
}

/** The states a name matches (sorted): none, one, or several when the name is ambiguous. */
export function statesNamed(index: StateNameIndex, name: string): string[] {
  return [...(index.byKey.get(nameKey(name)) ?? [])].sort()
}

export type EntryMatch = { iso3: string } | { reason: string }

/**
 * The state an entry stands for: by MC_EntityBB, else by its other names (formal, short) in turn.
 * A name matching several states stops the search (ambiguous); so does a category that
 * contradicts the state's membership (a member-state entry for an observer, or the reverse).
 */
export function matchEntry(index: StateNameIndex, entry: BlueBookEntry): EntryMatch {
  for (const name of [entry.name, ...entry.otherNames]) {
    if (!name) continue
    const codes = statesNamed(index, name)
    if (codes.length > 1) return { reason: `"${name}" matches several states (${codes.join(', ')})` }
    const state = codes[0] === undefined ? undefined : index.states.get(codes[0])
    if (!state) continue
    if (state.membership !== entry.membership) {
      const listed = `listed as ${article(entry.membership)} state`
      return { reason: `${listed}, but ${state.iso3} is ${article(state.membership)} state` }
    }
    return { iso3: state.iso3 }
  }
  return { reason: entry.name ? 'matches no state' : 'the entry has no name' }
}

const article = (membership: string): string => (membership === 'member' ? 'a member' : 'an observer')

function parseAliases(text: string): string[] {
  try {
    const aliases: unknown = JSON.parse(text)
    return Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string') : []
  } catch {
    return []
  }
}
