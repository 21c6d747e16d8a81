import { type SelectQueryBuilder, sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { DB, MemberKind, MemberRow, MemberStatus } from '../db/schema.js'

// The members as organizers list them, filter them and choose an update's audience. Erased
// members are never listed: nothing of them is left to show.

/** The members list's filters; every one optional. An update's audience uses the first three. */
export interface MemberFilter {
  kind?: MemberKind
  /** ISO 3166 alpha-2, upper case. */
  country?: string
  /** A way to help (member-helps.ts code). */
  help?: string
  status?: Exclude<MemberStatus, 'erased'>
}

const LIST_COLUMNS = [
  'id',
  'kind',
  'status',
  'email',
  'name',
  'country',
  'organization_name',
  'organization_kind',
  'website',
  'helps',
  'source',
  'consent_updates',
  'consent_version',
  'consent_at',
  'created_at',
  'confirmed_at',
  'unsubscribed_at',
] as const

/** A member as the list and the CSV show them: who, how to reach them, what they agreed to. */
export type MemberListRow = Pick<MemberRow, (typeof LIST_COLUMNS)[number]>

/** `query` narrowed to the members `filter` matches (never the erased). */
export function whereMembers<O>(
  db: Database,
  query: SelectQueryBuilder<DB, 'member', O>,
  filter: MemberFilter,
): SelectQueryBuilder<DB, 'member', O> {
  let q = filter.status
    ? query.where('member.status', '=', filter.status)
    : query.where('member.status', '<>', 'erased')
  if (filter.kind) q = q.where('member.kind', '=', filter.kind)
  if (filter.country) q = q.where('member.country', '=', filter.country)
  // One code of the JSON list: SQLite's json_each, PostgreSQL's json_array_elements_text.
  if (filter.help)
    q = q.where(
      engineOf(db) === 'postgres'
        ? sql<boolean>`exists (select 1 from json_array_elements_text(member.helps::json) as h (value) where value = ${filter.help})`
        : sql<boolean>`exists (select 1 from json_each(member.helps) where value = ${filter.help})`,
    )
  return q
}

/** How many members match, by status (the status filter itself left out), erased excepted. */
export async function countMembersByStatus(
  db: Database,
  filter: Omit<MemberFilter, 'status'>,
): Promise<Record<string, number>> {
  const rows = await whereMembers(
    db,
    db.selectFrom('member').select(['member.status', (eb) => eb.fn.countAll<number>().as('n')]),
    filter,
  )
    .groupBy('member.status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

/** The matching members, the newest first. */
function newestMembers(db: Database, filter: MemberFilter) {
  return whereMembers(db, db.selectFrom('member').select(LIST_COLUMNS), filter)
    .orderBy('member.created_at', 'desc')
    .orderBy('member.id', 'desc')
}

/** One page of the matching members, the newest first. */
export async function findMembersPage(
  db: Database,
  filter: MemberFilter,
  page: { limit: number; offset: number },
): Promise<MemberListRow[]> {
  return newestMembers(db, filter).limit(page.limit).offset(page.offset).execute()
}

/** Every matching member, the newest first (the CSV export). */
export async function findMembers(db: Database, filter: MemberFilter): Promise<MemberListRow[]> {
  return newestMembers(db, filter).execute()
}

/** The countries members (not erased) come from, for the filter's list. */
export async function findMemberCountries(db: Database): Promise<string[]> {
  const rows = await db
    .selectFrom('member')
    .select('country')
    .distinct()
    .where('status', '<>', 'erased')
    .where('country', 'is not', null)
    .execute()
  return rows.map((r) => r.country).filter((c): c is string => c !== null)
}
