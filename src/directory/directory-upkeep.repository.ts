import type { Kysely } from 'kysely'
import type { DB, DirectoryImportRow, DirectoryUploadTable } from '../db/schema.js'

// The queries of directory upkeep: Blue Book files uploaded in the browser and the imports list.
// Mission versions are written with directory.repository.ts (insertMissionVersion).

type Db = Kysely<DB>

/** An upload without its file (hundreds of KB), with its uploader's name. */
export interface UploadSummaryRow {
  id: number
  file_name: string
  source_date: string
  sha256: string
  uploaded_at: string
  confirmed_at: string | null
  discarded_at: string | null
  uploaded_by: number
  uploaded_by_name: string | null
}

export interface UploadRow extends UploadSummaryRow {
  content: string
  report: string
}

export async function insertUpload(
  db: Db,
  row: Omit<DirectoryUploadTable, 'id' | 'confirmed_at' | 'discarded_at'>,
): Promise<number> {
  const result = await db.insertInto('directory_upload').values(row).returning('id').executeTakeFirstOrThrow()
  return result.id
}

const summaryColumns = [
  'directory_upload.id',
  'directory_upload.file_name',
  'directory_upload.source_date',
  'directory_upload.sha256',
  'directory_upload.uploaded_at',
  'directory_upload.confirmed_at',
  'directory_upload.discarded_at',
  'directory_upload.uploaded_by',
  'organizer.name as uploaded_by_name',
] as const

export async function findUpload(db: Db, id: number): Promise<UploadRow | undefined> {
  return db
    .selectFrom('directory_upload')
    .leftJoin('organizer', 'organizer.id', 'directory_upload.uploaded_by')
    .select([...summaryColumns, 'directory_upload.content', 'directory_upload.report'])
    .where('directory_upload.id', '=', id)
    .executeTakeFirst()
}

/** The uploads still awaiting a decision, then the latest decided ones; newest first in each. */
export async function findUploadSummaries(db: Db, decidedLimit: number): Promise<UploadSummaryRow[]> {
  const base = db
    .selectFrom('directory_upload')
    .leftJoin('organizer', 'organizer.id', 'directory_upload.uploaded_by')
    .select(summaryColumns)
  const [pending, decided] = await Promise.all([
    base
      .where('directory_upload.confirmed_at', 'is', null)
      .where('directory_upload.discarded_at', 'is', null)
      .orderBy('directory_upload.id', 'desc')
      .execute(),
    base
      .where((eb) =>
        eb.or([
          eb('directory_upload.confirmed_at', 'is not', null),
          eb('directory_upload.discarded_at', 'is not', null),
        ]),
      )
      .orderBy('directory_upload.id', 'desc')
      .limit(decidedLimit)
      .execute(),
  ])
  return [...pending, ...decided]
}

/** Replaces the stored report (after a confirmation, or a fresh dry run). */
export async function updateUploadReport(db: Db, id: number, report: string): Promise<void> {
  await db.updateTable('directory_upload').set({ report }).where('id', '=', id).execute()
}

/** Marks a pending upload decided; false when it was not pending (decided meanwhile). */
export async function decideUpload(
  db: Db,
  id: number,
  decision: { confirmed_at: string } | { discarded_at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('directory_upload')
    .set(decision)
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function findLatestImports(db: Db, limit: number): Promise<DirectoryImportRow[]> {
  return db.selectFrom('directory_import').selectAll().orderBy('id', 'desc').limit(limit).execute()
}

/** The earliest import of a file with this fingerprint, if it was ever imported. */
export async function findImportOfFile(db: Db, sha256: string): Promise<DirectoryImportRow | undefined> {
  return db
    .selectFrom('directory_import')
    .selectAll()
    .where('sha256', '=', sha256)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
}
