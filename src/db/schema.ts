import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

// Conventions: times are ISO-8601 UTC text, dates YYYY-MM-DD, lists and maps JSON text.

export type Membership = 'member' | 'observer'
export type RegionalGroup =
  | 'african'
  | 'asia_pacific'
  | 'eastern_european'
  | 'latin_american_caribbean'
  | 'western_european_others'
export type CouncilSeat = 'permanent' | 'elected'
export type HeadStatus = 'unknown' | 'filled' | 'vacant'

export interface StateTable {
  iso3: string
  iso2: string
  iso_numeric: string
  name: string
  formal_name: string
  membership: Membership
  admission_date: string | null
  regional_group: RegionalGroup | null
  regional_group_note: string | null
  aliases: string
  source: string
  created_at: string
  updated_at: string
}

export interface SecurityCouncilSeatTable {
  id: Generated<number>
  state_iso3: string
  seat: CouncilSeat
  term_start_year: number
  term_end_year: number | null
  source: string
}

export interface MissionVersionTable {
  id: Generated<number>
  state_iso3: string
  version: number
  valid_from: string
  valid_until: string | null
  name: string
  city: string
  address_lines: string
  phone: string | null
  fax: string | null
  emails: string
  website: string | null
  languages: string
  head_status: HeadStatus
  head_honorific: string | null
  head_name: string | null
  head_function: string | null
  head_credentials_presented: string | null
  field_sources: string
  changed_fields: string
  import_id: number | null
  created_at: string
}

export interface DirectoryImportTable {
  id: Generated<number>
  source: string
  source_date: string
  sha256: string
  imported_at: string
  summary: string
}

export type StateTagName = 'troop_contributor' | 'police_contributor' | 'peacekeeping_host'

export interface StateTagTable {
  state_iso3: string
  tag: StateTagName
  note: string | null
  source: string
  created_at: string
}

export interface LetterTable {
  id: Generated<number>
  public_id: string
  reference: string
  state_iso3: string
  template_id: string
  language: 'en' | 'fr' | 'es'
  paper_size: 'a4' | 'letter'
  status: string
  supporter_name: string
  supporter_organization: string | null
  supporter_role: string | null
  supporter_address_lines: string
  supporter_city: string | null
  supporter_country: string | null
  supporter_email: string | null
  personal_note: string | null
  addressee: string
  document: string
  mission_version_id: number
  printed_at: string | null
  created_at: string
  updated_at: string
}

export interface DB {
  state: StateTable
  security_council_seat: SecurityCouncilSeatTable
  mission_version: MissionVersionTable
  directory_import: DirectoryImportTable
  state_tag: StateTagTable
  letter: LetterTable
}

export type StateRow = Selectable<StateTable>
export type NewStateRow = Insertable<StateTable>
export type StateUpdate = Updateable<StateTable>
export type SecurityCouncilSeatRow = Selectable<SecurityCouncilSeatTable>
export type NewSecurityCouncilSeatRow = Insertable<SecurityCouncilSeatTable>
export type MissionVersionRow = Selectable<MissionVersionTable>
export type NewMissionVersionRow = Insertable<MissionVersionTable>
export type DirectoryImportRow = Selectable<DirectoryImportTable>
export type StateTagRow = Selectable<StateTagTable>
export type NewStateTagRow = Insertable<StateTagTable>
export type LetterRow = Selectable<LetterTable>
export type NewLetterRow = Insertable<LetterTable>
