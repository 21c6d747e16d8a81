import type { Database } from '../db/connection.js'
import { foldForSearch } from '../lib/text.js'
import * as repo from './directory.repository.js'
import type { StateDto } from './directory.schemas.js'
import { toStateDto } from './directory-dto.js'

/** Every state as the API shows it, with the Council seats of one year, sorted by name. */
export interface DirectorySnapshot {
  states: readonly StateDto[]
  /** Names, aliases and codes of each state (same order), folded for search. */
  searchText: readonly string[]
}

interface CacheEntry {
  fingerprint: string
  /** The database's write stamp when the fingerprint was last read. */
  stamp: string
  kept: Map<string, unknown>
}

// @NOTE the directory is read on every list and state page and written rarely (an import, an edit,
// a restart), sometimes by another process (the import command). Building the list takes ~8 ms and
// a state's page three queries. What is built from the directory is reused until the data under it
// changes: a write stamp (~0.01 ms) says whether anything was written at all, and only then the
// directory's fingerprint (~0.07 ms) is read again.
const cache = new WeakMap<Database, CacheEntry>()
const byName = new Intl.Collator('en', { sensitivity: 'base' })
// Years and states are few; the bound only guards against a crawler asking for every year.
const MOST_KEPT = 1000

/**
 * What `build` makes of the directory, kept under `key` until a state, mission version or Council
 * seat changes. The value is shared by every caller: it must not be changed. A build that throws
 * (an unknown state) is not kept.
 */
export async function keptWhileDirectoryUnchanged<T>(
  db: Database,
  key: string,
  build: () => Promise<T>,
): Promise<T> {
  const entry = await currentEntry(db)
  if (entry.kept.has(key)) return entry.kept.get(key) as T
  const value = await build()
  if (entry.kept.size >= MOST_KEPT) entry.kept.clear()
  entry.kept.set(key, value)
  return value
}

/** The kept values, emptied when the directory's fingerprint has moved since they were built. */
async function currentEntry(db: Database): Promise<CacheEntry> {
  const stamp = await repo.findWriteStamp(db)
  const entry = cache.get(db)
  // Nothing written since the fingerprint was read: the directory is the same.
  if (entry?.stamp === stamp) return entry
  const fingerprint = await repo.findDirectoryFingerprint(db)
  if (entry?.fingerprint === fingerprint) {
    entry.stamp = stamp
    return entry
  }
  const fresh: CacheEntry = { fingerprint, stamp, kept: new Map() }
  cache.set(db, fresh)
  return fresh
}

export async function loadDirectorySnapshot(db: Database, year: number): Promise<DirectorySnapshot> {
  return keptWhileDirectoryUnchanged(db, `snapshot|${year}`, () => buildSnapshot(db, year))
}

async function buildSnapshot(db: Database, year: number): Promise<DirectorySnapshot> {
  const [rows, missions, seats] = await Promise.all([
    repo.findStates(db),
    repo.findCurrentMissions(db),
    repo.findCouncilSeatsInYear(db, year),
  ])
  const missionOf = new Map(missions.map((m) => [m.state_iso3, m]))
  const seatOf = new Map(seats.map((s) => [s.state_iso3, s]))
  const items = rows
    .map((row) => {
      const mission = missionOf.get(row.iso3)
      // @NOTE seeding writes a state and its mission in one transaction, so a state always has one.
      if (!mission) throw new Error(`state ${row.iso3} has no current mission version`)
      const aliases = JSON.parse(row.aliases) as string[]
      return {
        state: toStateDto(row, mission, seatOf.get(row.iso3)),
        search: foldForSearch([row.name, row.formal_name, row.iso2, row.iso3, ...aliases].join(' | ')),
      }
    })
    .sort((a, b) => byName.compare(a.state.name, b.state.name))
  return { states: items.map((i) => i.state), searchText: items.map((i) => i.search) }
}
