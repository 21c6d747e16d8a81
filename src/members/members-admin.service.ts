import { stringify } from 'csv-stringify/sync'
import countries from 'i18n-iso-countries'
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import type { AppContext } from '../app-context.js'
import type { MemberStatus } from '../db/schema.js'
import { neutralizeFormula } from '../lib/csv-cells.js'
import { BadRequestError } from '../lib/errors.js'
import { type Actor, recordExport } from '../organizers/index.js'
import type { CountLettersByAddress } from './letter-counts.js'
import { helpLabel, organizationKindLabel } from './member-helps.js'
import {
  countMembersByStatus,
  findMemberCountries,
  findMembers,
  findMembersPage,
  type MemberFilter,
  type MemberListRow,
} from './members-admin.repository.js'
import type { Audience } from './update-input.js'

// The organizers' members list: filters from plain GET parameters, counts, pages of 50, the
// letters each member wrote, and the same list as CSV for a spreadsheet.

countries.registerLocale(en)

type Ctx = Pick<AppContext, 'db'>

export const MEMBERS_PAGE_SIZE = 50

/** The list's status filter as organizers say it ("confirmed"), and what it means in the table. */
export const STATUS_FILTERS = {
  confirmed: 'active',
  pending: 'pending',
  unsubscribed: 'unsubscribed',
} as const satisfies Record<string, Exclude<MemberStatus, 'erased'>>
export type StatusFilter = keyof typeof STATUS_FILTERS

export const STATUS_LABELS: Record<MemberStatus, string> = {
  active: 'Confirmed',
  pending: 'Not confirmed yet',
  unsubscribed: 'Unsubscribed',
  erased: 'Erased',
}

/** The list's query, as the route's schema let it through. */
export interface MembersQuery extends Audience {
  status?: StatusFilter
  page?: number
}

/** A member as a row of the list (and of the CSV). */
export interface MemberView {
  kind: 'individual' | 'organization'
  /** The person, or the organization. */
  name: string
  /** An organization's contact person. */
  contact: string | null
  organizationKind: string | null
  website: string | null
  email: string
  country: string
  countryCode: string
  helps: string[]
  status: MemberStatus
  statusLabel: string
  consent: boolean
  consentVersion: string | null
  consentAt: string | null
  joinedOn: string
  confirmedOn: string | null
  unsubscribedOn: string | null
  source: string
  letters: number
}

/** The filter a query asks for; a 400 naming `country` for a code that is no country. */
export function memberFilterOf(query: MembersQuery): MemberFilter {
  const country = query.country?.toUpperCase()
  if (country && !countries.isValid(country))
    throw new BadRequestError(`The query parameter "country" is not a country code: ${country}`, 'country')
  return {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(country ? { country } : {}),
    ...(query.help ? { help: query.help } : {}),
    ...(query.status ? { status: STATUS_FILTERS[query.status] } : {}),
  }
}

/** One page of the list, with the counts by status for the other filters. */
export async function listMembers(ctx: Ctx, query: MembersQuery, countLetters: CountLettersByAddress) {
  const filter = memberFilterOf(query)
  const { status: _status, ...others } = filter
  const byStatus = await countMembersByStatus(ctx.db, others)
  const counts = {
    confirmed: byStatus.active ?? 0,
    pending: byStatus.pending ?? 0,
    unsubscribed: byStatus.unsubscribed ?? 0,
    all: (byStatus.active ?? 0) + (byStatus.pending ?? 0) + (byStatus.unsubscribed ?? 0),
  }
  const total = query.status ? counts[query.status] : counts.all
  const pages = Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE))
  const page = Math.min(query.page ?? 1, pages)
  const rows = await findMembersPage(ctx.db, filter, {
    limit: MEMBERS_PAGE_SIZE,
    offset: (page - 1) * MEMBERS_PAGE_SIZE,
  })
  return { members: await withLetters(rows, countLetters), counts, total, page, pages }
}

/**
 * The filtered list as CSV: UTF-8 with a BOM (Excel reads accents), formula cells defused. The
 * export is written to the audit log (who, which filter, how many members) before it is returned.
 */
export async function membersCsv(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  query: MembersQuery,
  countLetters: CountLettersByAddress,
): Promise<string> {
  const members = await withLetters(await findMembers(ctx.db, memberFilterOf(query)), countLetters)
  await recordExport(ctx.db, actor, ctx.clock.nowIso(), {
    what: 'members_csv',
    subjectType: 'member',
    subjectId: null,
    summary: `Downloaded the members list (CSV): ${members.length} ${members.length === 1 ? 'member' : 'members'}`,
    rows: members.length,
    details: { filter: query },
  })
  const records = members.map((m) => ({
    ...m,
    kind: m.kind === 'organization' ? 'Organization' : 'Individual',
    contact: m.contact ?? '',
    organizationKind: m.organizationKind ?? '',
    website: m.website ?? '',
    helps: m.helps.join('; '),
    consent: m.consent ? 'yes' : 'no',
    consentVersion: m.consentVersion ?? '',
    consentAt: m.consentAt ?? '',
    confirmedOn: m.confirmedOn ?? '',
    unsubscribedOn: m.unsubscribedOn ?? '',
  }))
  return stringify(records, {
    bom: true,
    header: true,
    columns: CSV_COLUMNS.map(([key, header]) => ({ key, header })),
    record_delimiter: 'windows',
    cast: { string: neutralizeFormula },
  })
}

const CSV_COLUMNS: readonly (readonly [keyof MemberView, string])[] = [
  ['kind', 'Kind'],
  ['name', 'Name or organization'],
  ['contact', 'Contact person'],
  ['organizationKind', 'Kind of organization'],
  ['email', 'E-mail'],
  ['country', 'Country'],
  ['countryCode', 'Country code'],
  ['website', 'Website'],
  ['helps', 'Ways to help'],
  ['statusLabel', 'Status'],
  ['consent', 'Agreed to updates'],
  ['consentVersion', 'Consent wording version'],
  ['consentAt', 'Consent given at (UTC)'],
  ['joinedOn', 'Joined on'],
  ['confirmedOn', 'Confirmed on'],
  ['unsubscribedOn', 'Unsubscribed on'],
  ['source', 'Joined from'],
  ['letters', 'Letters written'],
]

/** The countries members come from, by name, for the filters' lists. */
export async function memberCountryOptions(ctx: Ctx): Promise<{ code: string; label: string }[]> {
  return (await findMemberCountries(ctx.db))
    .map((code) => ({ code, label: countryName(code) }))
    .sort((a, b) => a.label.localeCompare(b.label, 'en'))
}

export function countryName(code: string): string {
  return countries.getName(code, 'en') ?? code
}

/** "Confirmed members who agreed to receive updates: organizations only, in Kenya, …". */
export function describeAudience(audience: Audience): string {
  const parts = [
    audience.kind === 'individual' ? 'individuals only' : null,
    audience.kind === 'organization' ? 'organizations only' : null,
    audience.country ? `in ${countryName(audience.country)}` : null,
    audience.help ? `offering “${helpLabel(audience.help).toLowerCase()}”` : null,
  ].filter(Boolean)
  const all = 'Confirmed members who agreed to receive updates'
  return parts.length > 0 ? `${all}: ${parts.join(', ')}` : all
}

async function withLetters(
  rows: readonly MemberListRow[],
  countLetters: CountLettersByAddress,
): Promise<MemberView[]> {
  const letters = await countLetters(rows.map((r) => r.email).filter((e): e is string => e !== null))
  return rows.map((r) => toView(r, r.email ? (letters.get(r.email) ?? 0) : 0))
}

function toView(r: MemberListRow, letters: number): MemberView {
  const organization = r.kind === 'organization'
  return {
    kind: r.kind,
    name: (organization ? r.organization_name : r.name) ?? '',
    contact: organization ? r.name : null,
    organizationKind: r.organization_kind ? organizationKindLabel(r.organization_kind) : null,
    website: r.website,
    email: r.email ?? '',
    country: r.country ? countryName(r.country) : '',
    countryCode: r.country ?? '',
    helps: helpsOf(r.helps).map(helpLabel),
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    consent: r.consent_updates === 1,
    consentVersion: r.consent_version,
    consentAt: r.consent_at,
    joinedOn: r.created_at.slice(0, 10),
    confirmedOn: r.confirmed_at?.slice(0, 10) ?? null,
    unsubscribedOn: r.unsubscribed_at?.slice(0, 10) ?? null,
    source: r.source === 'letter' ? 'Writing a letter' : 'The join form',
    letters,
  }
}

function helpsOf(json: string): string[] {
  try {
    const list: unknown = JSON.parse(json)
    return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string') : []
  } catch {
    return []
  }
}
