import type { MissionVersionRow, SecurityCouncilSeatRow, StateRow } from '../db/schema.js'
import type { StateDto } from './directory.schemas.js'
import {
  type FieldSource,
  type FieldSources,
  fieldSourcesFromRow,
  type MissionField,
  missionDetailsFromRow,
} from './mission-details.js'

/** Who the public is told edited a mission: the campaign, never which organizer. */
export const PUBLIC_EDITOR = 'the campaign'

// Rows to the API's shapes (directory.schemas.ts). Pages render the same objects.

export function toStateDto(
  row: StateRow,
  mission: MissionVersionRow,
  seat: SecurityCouncilSeatRow | undefined,
): StateDto {
  return {
    iso2: row.iso2,
    iso3: row.iso3,
    isoNumeric: row.iso_numeric,
    name: row.name,
    formalName: row.formal_name,
    membership: row.membership,
    regionalGroup: row.regional_group,
    regionalGroupNote: row.regional_group_note,
    admissionDate: row.admission_date,
    securityCouncil: seat ? toCouncilSeat(seat) : null,
    mission: toMissionDto(mission),
  }
}

export function toMissionDto(row: MissionVersionRow): StateDto['mission'] {
  const details = missionDetailsFromRow(row)
  const sources = publicFieldSources(row)
  const changed = JSON.parse(row.changed_fields) as MissionField[]
  // The version's source is that of what it changed; a version that changed nothing is the seed's.
  const source = sources[changed[0] ?? 'name'] ??
    sources.name ?? { kind: 'seed', ref: 'unknown', date: row.valid_from.slice(0, 10) }
  const { head, ...rest } = details
  return {
    ...rest,
    headStatus: head.status,
    head:
      head.status === 'filled'
        ? {
            honorific: head.honorific,
            name: head.name,
            function: head.function,
            credentialsPresented: head.credentialsPresented,
          }
        : null,
    source,
    updatedAt: row.valid_from,
    version: row.version,
  }
}

/**
 * Where each field came from, as the public may see it: an organizer's edit says "the campaign".
 * @NOTE organizers' names stay on their own pages (directory-upkeep reads the row itself).
 */
export function publicFieldSources(row: MissionVersionRow): FieldSources {
  const sources = fieldSourcesFromRow(row)
  for (const [field, source] of Object.entries(sources) as [MissionField, FieldSource][])
    if (source.kind === 'organizer') sources[field] = { ...source, ref: PUBLIC_EDITOR }
  return sources
}

export function toCouncilSeat(seat: SecurityCouncilSeatRow): NonNullable<StateDto['securityCouncil']> {
  return {
    seat: seat.seat,
    // Terms run from 1 January to 31 December; the permanent seats from the Charter's entry into force.
    termStart: seat.seat === 'permanent' ? '1945-10-24' : `${seat.term_start_year}-01-01`,
    termEnd: seat.term_end_year === null ? null : `${seat.term_end_year}-12-31`,
  }
}

/** The seat of the term that covers `year`, if any (terms are whole calendar years). */
export function seatInYear(
  terms: readonly SecurityCouncilSeatRow[],
  year: number,
): SecurityCouncilSeatRow | undefined {
  return terms.find((t) => t.term_start_year <= year && (t.term_end_year === null || t.term_end_year >= year))
}
