import type { AppContext } from '../app-context.js'
import type { DirectoryImportRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { FIELD_LABELS } from '../lib/labels.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import {
  applyBlueBookPlan,
  type BlueBookFile,
  type BlueBookImportReport,
  importBlueBook,
  planBlueBookImport,
  readBlueBook,
} from './bluebook-import.js'
import { BlueBookFormatError } from './bluebook-parse.js'
import { parseUploadInput, type UploadInput } from './bluebook-upload-input.js'
import * as repo from './directory.repository.js'
import * as upkeep from './directory-upkeep.repository.js'

// A Blue Book imported from the browser: uploaded, checked by a dry run whose report is kept,
// then confirmed (applied) or discarded by an organizer.

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** A stored dry run: the report, and the directory it was made against. */
export type StoredReport = BlueBookImportReport & { directoryFingerprint: string }

/**
 * Checks an uploaded Blue Book, runs the import as a dry run (the directory is not touched) and
 * keeps the file and its report until an organizer confirms or discards it. A file that is not
 * a Blue Book is refused (ValidationError) and nothing is stored.
 */
export async function uploadBlueBook(ctx: Ctx, uploaderId: number, input: UploadInput): Promise<number> {
  const { fileName, text, sourceDate, errors } = parseUploadInput(input, ctx.clock.today())
  let file: BlueBookFile | null = null
  if (text !== null) {
    try {
      file = readBlueBook(text)
    } catch (error) {
      if (!(error instanceof BlueBookFormatError)) throw error
      errors.file = `The file “${fileName}” is ${error.message}.`
    }
  }
  if (Object.keys(errors).length > 0 || !file || !sourceDate || text === null)
    throw new ValidationError(errors)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const directoryFingerprint = await repo.findDirectoryFingerprint(trx)
    const report = await importBlueBook({ db: trx, clock: ctx.clock }, file, {
      source: fileName,
      sourceDate,
      dryRun: true,
    })
    return upkeep.insertUpload(trx, {
      file_name: fileName,
      source_date: sourceDate,
      content: text,
      sha256: file.sha256,
      report: JSON.stringify({ ...report, directoryFingerprint } satisfies StoredReport),
      uploaded_by: uploaderId,
      uploaded_at: now,
    })
  })
}

export type UploadStatus = 'pending' | 'confirmed' | 'discarded'

export interface UploadView {
  id: number
  fileName: string
  sourceDate: string
  sha256: string
  uploadedAt: string
  uploadedBy: string
  status: UploadStatus
  decidedAt: string | null
  report: StoredReport
  /** The directory changed since the dry run: confirming re-checks first. */
  stale: boolean
  /** An earlier import of this very file. */
  earlierImport: DirectoryImportRow | null
}

export async function getUpload(ctx: Ctx, id: number): Promise<UploadView> {
  const row = await upkeep.findUpload(ctx.db, id)
  if (!row) throw new NotFoundError(`There is no upload #${id}`)
  const report = JSON.parse(row.report) as StoredReport
  const [fingerprint, earlier] = await Promise.all([
    repo.findDirectoryFingerprint(ctx.db),
    upkeep.findImportOfFile(ctx.db, row.sha256),
  ])
  const status = statusOf(row)
  return {
    id: row.id,
    fileName: row.file_name,
    sourceDate: row.source_date,
    sha256: row.sha256,
    uploadedAt: row.uploaded_at,
    uploadedBy: row.uploaded_by_name ?? `organizer #${row.uploaded_by}`,
    status,
    decidedAt: row.confirmed_at ?? row.discarded_at,
    report,
    stale: status === 'pending' && fingerprint !== report.directoryFingerprint,
    earlierImport: earlier && earlier.id !== report.importId ? earlier : null,
  }
}

function statusOf(row: { confirmed_at: string | null; discarded_at: string | null }): UploadStatus {
  return row.confirmed_at ? 'confirmed' : row.discarded_at ? 'discarded' : 'pending'
}

export type ConfirmOutcome = { outcome: 'applied'; report: BlueBookImportReport } | { outcome: 'refreshed' }

/**
 * Applies an upload's file for real, in one transaction with its audit event. When the directory
 * changed since the dry run, nothing is applied: the report is made again for the organizer to
 * review ('refreshed'), so a confirmation always applies what was shown.
 */
export async function confirmUpload(ctx: Ctx, actor: Actor, id: number): Promise<ConfirmOutcome> {
  const row = await pendingUpload(ctx, id)
  const file = readBlueBook(row.content)
  const options = { source: row.file_name, sourceDate: row.source_date }
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const shown = JSON.parse(row.report) as StoredReport
    const fingerprint = await repo.findDirectoryFingerprint(trx)
    const [states, missions] = await Promise.all([repo.findStates(trx), repo.findCurrentMissions(trx)])
    if (fingerprint !== shown.directoryFingerprint) {
      const { report } = planBlueBookImport(file, states, missions, { ...options, dryRun: true })
      await upkeep.updateUploadReport(
        trx,
        id,
        JSON.stringify({ ...report, directoryFingerprint: fingerprint }),
      )
      return { outcome: 'refreshed' as const }
    }
    if (!(await upkeep.decideUpload(trx, id, { confirmed_at: now }))) throw alreadyDecided(id)
    // @NOTE applied in this transaction, with the upload's decision and the audit event.
    const applied = await applyBlueBookPlan(
      trx,
      planBlueBookImport(file, states, missions, options),
      now,
      actor,
    )
    await upkeep.updateUploadReport(
      trx,
      id,
      JSON.stringify({ ...applied, directoryFingerprint: fingerprint }),
    )
    const { importId, counts } = applied
    const { added, changed, vacant } = counts
    await recordAudit(trx, actor, now, {
      action: 'directory.import',
      subjectType: 'directory_upload',
      subjectId: String(id),
      summary:
        importId === null
          ? `Imported the Blue Book ${row.file_name} of ${row.source_date}: nothing changed`
          : `Imported the Blue Book ${row.file_name} of ${row.source_date}: ${added} missions added, ${changed} changed, ${vacant} vacant posts`,
      details: { uploadId: id, importId, sha256: file.sha256, counts },
    })
    return { outcome: 'applied' as const, report: applied }
  })
}

/** Sets an upload aside without applying it (its file and report stay, for the record). */
export async function discardUpload(ctx: Ctx, actor: Actor, id: number): Promise<void> {
  const row = await pendingUpload(ctx, id)
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await upkeep.decideUpload(trx, id, { discarded_at: now }))) throw alreadyDecided(id)
    await recordAudit(trx, actor, now, {
      action: 'directory.discard',
      subjectType: 'directory_upload',
      subjectId: String(id),
      summary: `Discarded the upload of the Blue Book ${row.file_name} of ${row.source_date}`,
      details: { uploadId: id, sha256: row.sha256 },
    })
  })
}

async function pendingUpload(ctx: Ctx, id: number) {
  const row = await upkeep.findUpload(ctx.db, id)
  if (!row) throw new NotFoundError(`There is no upload #${id}`)
  if (statusOf(row) !== 'pending') throw alreadyDecided(id, statusOf(row))
  return row
}

function alreadyDecided(id: number, status?: UploadStatus): ConflictError {
  return new ConflictError(
    `Upload #${id} was already ${status ?? 'confirmed or discarded'}: nothing was done.`,
  )
}

export interface UpkeepOverview {
  imports: DirectoryImportRow[]
  uploads: (upkeep.UploadSummaryRow & { status: UploadStatus })[]
}

/** The latest imports, the uploads awaiting a decision and the latest decided ones. */
export async function getUpkeepOverview(ctx: Ctx): Promise<UpkeepOverview> {
  const [imports, uploads] = await Promise.all([
    upkeep.findLatestImports(ctx.db, 10),
    upkeep.findUploadSummaries(ctx.db, 5),
  ])
  return { imports, uploads: uploads.map((u) => ({ ...u, status: statusOf(u) })) }
}

/** A report as its page lists it: what changes first, field names in words. */
export function reportView(report: BlueBookImportReport) {
  const changes = report.states
    .filter((s) => s.outcome === 'added' || s.outcome === 'changed')
    .map((s) => ({
      iso3: s.iso3,
      iso3Lower: s.iso3.toLowerCase(),
      name: s.name,
      outcome: s.outcome,
      fields: s.changedFields.filter((f) => f !== 'head').map((f) => FIELD_LABELS[f] ?? f),
      head: s.head,
    }))
  return {
    counts: report.counts,
    changes,
    missing: report.states.filter((s) => s.outcome === 'missing'),
    nothingChanges: changes.length === 0,
  }
}
