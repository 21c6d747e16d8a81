import type { AppContext } from '../context.js'
import type { DirectoryImportRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { FIELD_LABELS } from '../lib/labels.js'
import { type Actor, recordAudit } from '../organizers/audit.repository.js'
import {
  type BlueBookFile,
  type BlueBookImportReport,
  importBlueBook,
  planBlueBookImport,
  readBlueBook,
} from './bluebook-import.js'
import { BlueBookFormatError } from './bluebook-parse.js'
import * as repo from './directory.repository.js'
import * as upkeep from './directory-upkeep.repository.js'
import {
  changedMissionFields,
  type FieldSources,
  fieldSourcesFromRow,
  type MissionDetails,
  type MissionField,
  missionDetailsFromRow,
  missionDetailsToColumns,
} from './mission-details.js'
import { type MissionEdit, parseUploadInput, type UploadInput } from './mission-edit-input.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

export interface MissionForEdit {
  iso3: string
  stateName: string
  version: number
  details: MissionDetails
  sources: FieldSources
}

/** A mission's current version, as its edit form shows it. */
export async function getMissionForEdit(ctx: Ctx, iso3: string): Promise<MissionForEdit> {
  const code = iso3.toUpperCase()
  const [state, current] = await Promise.all([
    repo.findStateByIso3(ctx.db, code),
    repo.findCurrentMission(ctx.db, code),
  ])
  if (!state || !current) throw new NotFoundError(`No UN member or observer state has the code ${code}`)
  return {
    iso3: code,
    stateName: state.name,
    version: current.version,
    details: missionDetailsFromRow(current),
    sources: fieldSourcesFromRow(current),
  }
}

/** Someone (or an import) saved a newer version since the form was opened. */
export class MissionChangedError extends ConflictError {
  constructor(readonly current: MissionForEdit) {
    super(`The mission of ${current.stateName} was changed since you opened the form.`)
  }
}

export type EditOutcome =
  | { saved: true; stateName: string; version: number; changed: MissionField[] }
  | { saved: false; stateName: string }

/**
 * Saves an organizer's correction as a new mission version (the current one is closed, so its
 * history stays), the changed fields sourced to the organizer, audited in the same transaction.
 * Nothing changed: nothing written. Letters keep the version they were written with.
 */
export async function editMission(
  ctx: Ctx,
  actor: Actor,
  iso3: string,
  edit: MissionEdit,
): Promise<EditOutcome> {
  const code = iso3.toUpperCase()
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const [state, current] = await Promise.all([
      repo.findStateByIso3(trx, code),
      repo.findCurrentMission(trx, code),
    ])
    if (!state || !current) throw new NotFoundError(`No UN member or observer state has the code ${code}`)
    const before = missionDetailsFromRow(current)
    // Checkboxes come in form order; the mission's own order says which language it prefers.
    const after = { ...edit.details, languages: keepOrder(before.languages, edit.details.languages) }
    const changed = changedMissionFields(before, after)
    if (changed.length === 0) return { saved: false, stateName: state.name }
    if (edit.baseVersion !== null && edit.baseVersion !== current.version) {
      throw new MissionChangedError({
        iso3: code,
        stateName: state.name,
        version: current.version,
        details: before,
        sources: fieldSourcesFromRow(current),
      })
    }
    const name = actor.kind === 'organizer' ? actor.name : 'shell'
    const sources: FieldSources = { ...fieldSourcesFromRow(current) }
    for (const field of changed) sources[field] = { kind: 'organizer', ref: name, date: now.slice(0, 10) }
    await repo.insertMissionVersion(trx, {
      state_iso3: code,
      valid_from: now,
      ...missionDetailsToColumns(after),
      field_sources: JSON.stringify(sources),
      changed_fields: JSON.stringify(changed),
      import_id: null,
      created_at: now,
    })
    const pick = (details: MissionDetails) => Object.fromEntries(changed.map((f) => [f, details[f]]))
    await recordAudit(trx, actor, now, {
      action: 'mission.edit',
      subjectType: 'state',
      subjectId: code,
      summary: `Edited the mission of ${state.name}: ${changed.map((f) => FIELD_LABELS[f] ?? f).join(', ')}`,
      details: { version: current.version + 1, changed, before: pick(before), after: pick(after) },
    })
    return { saved: true, stateName: state.name, version: current.version + 1, changed }
  })
}

function keepOrder(previous: readonly string[], chosen: readonly string[]): string[] {
  return [...previous.filter((c) => chosen.includes(c)), ...chosen.filter((c) => !previous.includes(c))]
}

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
    // @NOTE the writes importBlueBook makes, here inside this transaction (with the upload's
    // decision and the audit event): it opens a transaction of its own, which cannot nest.
    const { report, writes } = planBlueBookImport(file, states, missions, options)
    let importId: number | null = null
    if (writes.length > 0) {
      importId = await repo.insertDirectoryImport(trx, {
        source: options.source,
        source_date: options.sourceDate,
        sha256: file.sha256,
        imported_at: now,
        summary: JSON.stringify(report.counts),
      })
      for (const write of writes) {
        await repo.insertMissionVersion(trx, {
          state_iso3: write.iso3,
          valid_from: now,
          ...missionDetailsToColumns(write.details),
          field_sources: JSON.stringify(write.sources),
          changed_fields: JSON.stringify(write.changed),
          import_id: importId,
          created_at: now,
        })
      }
    }
    const applied = { ...report, importId }
    await upkeep.updateUploadReport(
      trx,
      id,
      JSON.stringify({ ...applied, directoryFingerprint: fingerprint }),
    )
    const { added, changed, vacant } = report.counts
    await recordAudit(trx, actor, now, {
      action: 'directory.import',
      subjectType: 'directory_upload',
      subjectId: String(id),
      summary:
        writes.length === 0
          ? `Imported the Blue Book ${row.file_name} of ${row.source_date}: nothing changed`
          : `Imported the Blue Book ${row.file_name} of ${row.source_date}: ${added} missions added, ${changed} changed, ${vacant} vacant posts`,
      details: { uploadId: id, importId, sha256: file.sha256, counts: report.counts },
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
