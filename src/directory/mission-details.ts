import type { HeadStatus, MissionVersionRow, NewMissionVersionRow } from '../db/schema.js'

/** Who heads the mission. `vacant`: the Blue Book names no head, so letters go to the mission. */
export interface MissionHead {
  status: HeadStatus
  honorific: string | null
  name: string | null
  function: string | null
  /** YYYY-MM-DD */
  credentialsPresented: string | null
}

/** The details of a Permanent Mission that are versioned: any change makes a new version. */
export interface MissionDetails {
  name: string
  city: string
  addressLines: string[]
  phone: string | null
  fax: string | null
  emails: string[]
  website: string | null
  languages: string[]
  head: MissionHead
}

export type MissionField = keyof MissionDetails
export const MISSION_FIELDS: readonly MissionField[] = [
  'name',
  'city',
  'addressLines',
  'phone',
  'fax',
  'emails',
  'website',
  'languages',
  'head',
]

export type SourceKind = 'seed' | 'import' | 'organizer'

/** Where one field's value came from: the seed file, an import (file and its date), an organizer. */
export interface FieldSource {
  kind: SourceKind
  /** The seed file, the imported file or URL, or the organizer's name. */
  ref: string
  /** YYYY-MM-DD: the imported file's date, or the day of the seed or edit. */
  date: string
}

export type FieldSources = Partial<Record<MissionField, FieldSource>>

export const UNKNOWN_HEAD: MissionHead = {
  status: 'unknown',
  honorific: null,
  name: null,
  function: null,
  credentialsPresented: null,
}

/** A mission known only by its name: every mission is in New York; the rest comes from imports. */
export function missionWithNameOnly(name: string): MissionDetails {
  return {
    name,
    city: 'New York',
    addressLines: [],
    phone: null,
    fax: null,
    emails: [],
    website: null,
    languages: [],
    head: UNKNOWN_HEAD,
  }
}

/** The fields whose values differ between two versions, in MISSION_FIELDS order. */
export function changedMissionFields(before: MissionDetails, after: MissionDetails): MissionField[] {
  return MISSION_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
}

export function missionDetailsFromRow(row: MissionVersionRow): MissionDetails {
  return {
    name: row.name,
    city: row.city,
    addressLines: parseJson<string[]>(row.address_lines, []),
    phone: row.phone,
    fax: row.fax,
    emails: parseJson<string[]>(row.emails, []),
    website: row.website,
    languages: parseJson<string[]>(row.languages, []),
    head: {
      status: row.head_status,
      honorific: row.head_honorific,
      name: row.head_name,
      function: row.head_function,
      credentialsPresented: row.head_credentials_presented,
    },
  }
}

export function fieldSourcesFromRow(row: MissionVersionRow): FieldSources {
  return parseJson<FieldSources>(row.field_sources, {})
}

type MissionColumns = Pick<
  NewMissionVersionRow,
  | 'name'
  | 'city'
  | 'address_lines'
  | 'phone'
  | 'fax'
  | 'emails'
  | 'website'
  | 'languages'
  | 'head_status'
  | 'head_honorific'
  | 'head_name'
  | 'head_function'
  | 'head_credentials_presented'
>

export function missionDetailsToColumns(details: MissionDetails): MissionColumns {
  return {
    name: details.name,
    city: details.city,
    address_lines: JSON.stringify(details.addressLines),
    phone: details.phone,
    fax: details.fax,
    emails: JSON.stringify(details.emails),
    website: details.website,
    languages: JSON.stringify(details.languages),
    head_status: details.head.status,
    head_honorific: details.head.honorific,
    head_name: details.head.name,
    head_function: details.head.function,
    head_credentials_presented: details.head.credentialsPresented,
  }
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}
