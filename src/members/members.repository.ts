import type { Updateable } from 'kysely'
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
