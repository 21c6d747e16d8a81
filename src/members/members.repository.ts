import { sql, type Updateable } from 'kysely'
import type { Database } from '../db/connection.js'
import type { MemberRow, MemberTable, NewMemberRow } from '../db/schema.js'

// Queries on members. Letters are read here for one thing only, how many a member wrote: by the
// address, the way a returning supporter is recognised.

export async function findMemberByEmail(db: Database, email: string): Promise<MemberRow | undefined> {
  return db.selectFrom('member').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findMemberByPublicId(db: Database, publicId: string): Promise<MemberRow | undefined> {
  return db.selectFrom('member').selectAll().where('public_id', '=', publicId).executeTakeFirst()
}

export async function findMemberByConfirmTokenHash(
  db: Database,
  hash: string,
): Promise<MemberRow | undefined> {
  return db.selectFrom('member').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst()
}

export async function insertMember(db: Database, row: NewMemberRow): Promise<MemberRow> {
  return db.insertInto('member').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateMember(
  db: Database,
  id: number,
  patch: Updateable<MemberTable>,
): Promise<MemberRow> {
  return db.updateTable('member').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/**
 * Letters written from each address, whatever case it was typed in (addresses with none are
 * absent); one query for many. `emails` are lower-case. @NOTE the terms repeat the partial index
 * letter_supporter_email_lower's (migration 0009) so that SQLite uses it.
 */
export async function countLettersByEmails(db: Database, emails: string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map()
  const folded = sql<string>`lower(supporter_email)`
  const rows = await db
    .selectFrom('letter')
    .select([folded.as('email'), db.fn.countAll<number>().as('letters')])
    .where('supporter_email', 'is not', null)
    .where(folded, 'in', emails)
    .groupBy(folded)
    .execute()
  return new Map(rows.map((row) => [row.email, Number(row.letters)]))
}
