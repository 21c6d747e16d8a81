import type { Database } from '../db/connection.js'
import type { NewPartnerRow, PartnerRow } from '../db/schema.js'

// Queries on the campaign's partners.

export async function listPartnerRows(db: Database): Promise<PartnerRow[]> {
  return db.selectFrom('partner').selectAll().orderBy('name').orderBy('id').execute()
}

export async function findPartnerById(db: Database, id: number): Promise<PartnerRow | undefined> {
  return db.selectFrom('partner').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findPartnerByCode(db: Database, code: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partner').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function insertPartner(db: Database, row: NewPartnerRow): Promise<PartnerRow> {
  return db.insertInto('partner').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updatePartner(
  db: Database,
  id: number,
  patch: Pick<PartnerRow, 'name' | 'code' | 'website' | 'updated_at'>,
): Promise<PartnerRow> {
  return db.updateTable('partner').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export async function deletePartner(db: Database, id: number): Promise<void> {
  await db.deleteFrom('partner').where('id', '=', id).execute()
}
