import fs from 'node:fs'
import { projectPath } from '../lib/paths.js'
import {
  type FieldSources,
  MISSION_FIELDS,
  type MissionDetails,
  type MissionField,
  type MissionHead,
  missionWithNameOnly,
} from './mission-details.js'

// data/seed/missions.json: each mission's contact details as of a dated Blue Book, so that a fresh
// database addresses letters to the street, not to "New York, NY" (see data/seed/README.md).
// Built once by scripts/seed-missions-build.ts; a Blue Book import updates them as any field.

export const SEED_MISSIONS_FILE = 'data/seed/missions.json'

/** The Blue Book the seed's facts come from. */
export interface SeedMissionsSource {
  /** The publication ("Permanent Missions to the United Nations", UN Protocol and Liaison Service). */
  title: string
  /** The file the seed was built from. */
  file: string
  /** YYYY-MM-DD: the listing's date; the heads of mission are those of this day. */
  date: string
  /** YYYY-MM-DD: the edition the addresses, phones, e-mails, websites and languages come from. */
  contactsDate: string
  note: string
}

/** One mission's contact details: every MissionDetails field but the name (states.json has it). */
export interface SeedMission {
  city: string
  addressLines: string[]
  phone: string | null
  fax: string | null
  emails: string[]
  website: string | null
  languages: string[]
  head: MissionHead
}

/** The fields missions.json gives, in MISSION_FIELDS order. */
export const SEED_MISSION_FIELDS = [
  'city',
  'addressLines',
  'phone',
  'fax',
  'emails',
  'website',
  'languages',
  'head',
] as const satisfies readonly (keyof SeedMission & MissionField)[]

export interface SeedMissions {
  source: SeedMissionsSource
  /** YYYY-MM-DD: the day the file was built. */
  builtOn: string
  /** By iso3, sorted; a state the Blue Book does not list (São Tomé and Príncipe) has no entry. */
  missions: Record<string, SeedMission>
}

/** A seed without contact details: every mission gets its name only. */
export const NO_CONTACTS: SeedMissions = {
  source: { title: '', file: '', date: '', contactsDate: '', note: '' },
  builtOn: '',
  missions: {},
}

export function readSeedMissions(): SeedMissions {
  return JSON.parse(fs.readFileSync(projectPath(SEED_MISSIONS_FILE), 'utf8')) as SeedMissions
}

/**
 * A new state's first mission version: its name from states.json, its contact details from
 * missions.json where it has them. Each field is sourced to the seed file that gave it, dated as
 * that file's facts are (the name: `today`, the day of seeding, as before missions.json existed).
 */
export function seededMission(
  missionName: string,
  seed: SeedMissions,
  iso3: string,
  names: { statesFile: string; today: string },
): { details: MissionDetails; sources: FieldSources } {
  const details = missionWithNameOnly(missionName)
  const sources: FieldSources = {}
  for (const field of MISSION_FIELDS)
    sources[field] = { kind: 'seed', ref: names.statesFile, date: names.today }
  const entry = seed.missions[iso3]
  if (!entry) return { details, sources }
  for (const field of SEED_MISSION_FIELDS) {
    const date = field === 'head' ? seed.source.date : seed.source.contactsDate
    sources[field] = { kind: 'seed', ref: SEED_MISSIONS_FILE, date }
  }
  const { city, addressLines, phone, fax, emails, website, languages, head } = entry
  return {
    details: { name: missionName, city, addressLines, phone, fax, emails, website, languages, head },
    sources,
  }
}
