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
  byYear: Map<number, DirectorySnapshot>
}

// @NOTE the directory is read on every list request and written rarely (an import, an edit, a
// restart), sometimes by another process (the import command). Building it takes ~8 ms; checking
// one fingerprint query takes ~0.1 ms, so a snapshot is reused until the data under it changes.
const cache = new WeakMap<Database, CacheEntry>()
const byName = new Intl.Collator('en', { sensitivity: 'base' })

export async function loadDirectorySnapshot(db: Database, year: number): Promise<DirectorySnapshot> {
  const fingerprint = await repo.findDirectoryFingerprint(db)
  let entry = cache.get(db)
  if (!entry || entry.fingerprint !== fingerprint) {
    entry = { fingerprint, byYear: new Map() }
    cache.set(db, entry)
  }
  const cached = entry.byYear.get(year)
  if (cached) return cached
  const snapshot = await buildSnapshot(db, year)
  entry.byYear.set(year, snapshot)
  return snapshot
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
