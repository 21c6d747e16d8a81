import { createHash } from 'node:crypto'
import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { MissionVersionRow, StateRow } from '../db/schema.js'
import { type Actor, recordAudit, SHELL_ACTOR } from '../organizers/index.js'
import { indexStateNames, matchEntry, type StateNameIndex, statesNamed } from './bluebook-match.js'
import { type BlueBook, type BlueBookEntry, parseBlueBook } from './bluebook-parse.js'
import { type BlueBookStaff, headOfMission } from './bluebook-staff.js'
import * as repo from './directory.repository.js'
import {
  changedMissionFields,
  type FieldSources,
  fieldSourcesFromRow,
  type MissionDetails,
  type MissionField,
  type MissionHead,
  missionDetailsFromRow,
  missionDetailsToColumns,
  missionWithNameOnly,
} from './mission-details.js'
import { type EmailProposal, holdBackNewEmails, proposeEmailChange } from './mission-email-changes.js'
import { clearFailuresOfDroppedEmails } from './mission-email-failures.js'

export interface BlueBookFile {
  book: BlueBook
  /** Of the text as given, for the import record. */
  sha256: string
}

export interface BlueBookImportOptions {
  /** The file name or URL: the `ref` of every field the import sets. */
  source: string
  /** YYYY-MM-DD: the day the file describes. */
  sourceDate: string
  /** Compute the report, write nothing. */
  dryRun?: boolean
  /** Who imports: proposes the new e-mail addresses (the shell when not given). */
  actor?: Actor
}

export type StateOutcome = 'added' | 'changed' | 'unchanged' | 'missing'

export interface StateImportResult {
  iso3: string
  name: string
  /** added: had seed data only, now has the file's; missing: not in the file, left as it was. */
  outcome: StateOutcome
  entryName: string | null
  changedFields: MissionField[]
  /** When the head of mission changes: names, "(vacant)" or "(unknown)". */
  head: { from: string; to: string } | null
}

export interface BlueBookImportCounts {
  entries: number
  otherEntities: number
  added: number
  changed: number
  unchanged: number
  missing: number
  notMatched: number
  vacant: number
  /** Missions whose new e-mail addresses wait for an admin's approval. */
  pendingEmails?: number
}

export interface BlueBookImportReport {
  source: string
  sourceDate: string
  sha256: string
  dryRun: boolean
  /** The directory_import row; null on a dry run or when nothing changed (nothing recorded). */
  importId: number | null
  counts: BlueBookImportCounts
  /** Every state in the directory, by name. */
  states: StateImportResult[]
  /** Entries (member or observer states in the file) that changed nothing: why not. */
  notMatched: { name: string; reason: string }[]
  /** Posts the file shows vacant; iso3 null where the entry matched no state. */
  vacant: { iso3: string | null; name: string }[]
  /** Matched states the file lists no staff for: their head of mission is kept. */
  headNotListed: { iso3: string; name: string }[]
  /**
   * New e-mail addresses, not applied: each waits for an admin's approval (mission-email-changes.ts).
   * Absent from reports stored before approvals existed.
   */
  pendingEmails?: { iso3: string; name: string; from: string[]; to: string[] }[]
  warnings: string[]
}

/** Parses and fingerprints a Blue Book; throws BlueBookFormatError when the text is not one. */
export function readBlueBook(text: string): BlueBookFile {
  return { book: parseBlueBook(text), sha256: createHash('sha256').update(text, 'utf8').digest('hex') }
}

/**
 * Imports a Blue Book into the mission directory, in one transaction: each state whose details
 * differ gets a new mission version (changed fields sourced to the file, the others keeping
 * theirs), all tied to one directory_import row. Only missions are written. Importing the same
 * file again changes nothing and records nothing.
 */
export async function importBlueBook(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  input: BlueBookFile | string,
  options: BlueBookImportOptions,
): Promise<BlueBookImportReport> {
  const file = typeof input === 'string' ? readBlueBook(input) : input
  if (options.dryRun) return (await planImport(ctx.db, file, options)).report
  const now = ctx.clock.nowIso()
  const actor = options.actor ?? SHELL_ACTOR
  return ctx.db.transaction().execute(async (trx) => {
    const report = await applyBlueBookPlan(trx, await planImport(trx, file, options), now, actor)
    // The browser's import (directory-upload.service.ts) applies a plan itself and audits it
    // there; this is the command's and the scripts' import, audited in the same transaction.
    const { added, changed, vacant } = report.counts
    await recordAudit(trx, actor, now, {
      action: 'directory.import',
      subjectType: 'directory_import',
      subjectId: report.importId === null ? null : String(report.importId),
      summary:
        report.importId === null
          ? `Imported the Blue Book ${report.source} of ${report.sourceDate}: nothing changed`
          : `Imported the Blue Book ${report.source} of ${report.sourceDate}: ${added} missions added, ${changed} changed, ${vacant} vacant posts`,
      details: { importId: report.importId, sha256: report.sha256, counts: report.counts },
    })
    return report
  })
}

/** A plan: its report, and the mission versions that make it true. */
export interface BlueBookPlan {
  report: BlueBookImportReport
  writes: MissionWrite[]
  /** New e-mail addresses: proposed for approval, never written to a mission version. */
  proposals: EmailProposal[]
}

interface MissionWrite {
  iso3: string
  details: MissionDetails
  sources: FieldSources
  changed: MissionField[]
}

/**
 * Writes a plan's mission versions, tied to one directory_import row, and returns its report
 * with that row's id. A plan with nothing to write records no import row (importId stays null).
 * @NOTE `trx` must be a transaction the caller opened (and planned in): the import row and its
 * versions stand or fall together, with whatever else the caller writes.
 */
export async function applyBlueBookPlan(
  trx: Database,
  plan: BlueBookPlan,
  now: string,
  actor: Actor,
): Promise<BlueBookImportReport> {
  const { report, writes } = plan
  for (const proposal of plan.proposals) await proposeEmailChange(trx, actor, now, proposal)
  if (writes.length === 0) return { ...report, importId: null }
  const importId = await repo.insertDirectoryImport(trx, {
    source: report.source,
    source_date: report.sourceDate,
    sha256: report.sha256,
    imported_at: now,
    summary: JSON.stringify(report.counts),
  })
  for (const write of writes) {
    const before = write.changed.includes('emails')
      ? await repo.findCurrentMission(trx, write.iso3)
      : undefined
    await repo.insertMissionVersion(trx, {
      state_iso3: write.iso3,
      valid_from: now,
      ...missionDetailsToColumns(write.details),
      field_sources: JSON.stringify(write.sources),
      changed_fields: JSON.stringify(write.changed),
      import_id: importId,
      created_at: now,
    })
    if (before) {
      const emails = { before: JSON.parse(before.emails) as string[], after: write.details.emails }
      await clearFailuresOfDroppedEmails(trx, actor, now, { iso3: write.iso3, ...emails })
    }
  }
  return { ...report, importId }
}

async function planImport(
  db: Database,
  file: BlueBookFile,
  options: BlueBookImportOptions,
): Promise<BlueBookPlan> {
  const [states, missions] = await Promise.all([repo.findStates(db), repo.findCurrentMissions(db)])
  return planBlueBookImport(file, states, missions, options)
}

const byName = new Intl.Collator('en', { sensitivity: 'base' })

/** The report and the versions to write, from the file and the directory as it is. Pure. */
export function planBlueBookImport(
  file: BlueBookFile,
  states: readonly StateRow[],
  missions: readonly MissionVersionRow[],
  options: BlueBookImportOptions,
): BlueBookPlan {
  const { book } = file
  const index = indexStateNames(states)
  const warnings = [...book.warnings]
  const vacant: BlueBookImportReport['vacant'] = []

  const { entryOf, notMatched } = matchEntries(index, book.entries)
  const matched = new Set(entryOf.values())
  for (const entry of book.entries) {
    if (!matched.has(entry) && entry.head?.status === 'vacant') vacant.push({ iso3: null, name: entry.name })
  }

  // Staff filed under another spelling ("United Kingdom", "The Bahamas") joins its state's entry.
  const staffOf = new Map<string, BlueBookStaff[]>([...entryOf].map(([iso3, e]) => [iso3, [...e.staff]]))
  for (const group of book.unattachedStaff) {
    const codes = statesNamed(index, group.missionName)
    const iso3 = codes.length === 1 ? codes[0]! : null
    const staff = iso3 === null ? undefined : staffOf.get(iso3)
    if (staff) {
      staff.push(...group.staff)
    } else if (iso3 === null) {
      warnings.push(`staff listed under "${group.missionName}", which matches no single state`)
    } else if (headOfMission(group.staff).head?.status === 'vacant') {
      // A state without a mission entry (São Tomé and Príncipe in 2026): reported, not written.
      vacant.push({ iso3, name: index.states.get(iso3)?.name ?? iso3 })
    } else {
      warnings.push(`${iso3}: staff listed, but the file has no mission entry for it: not imported`)
    }
  }

  const results: StateImportResult[] = []
  const writes: MissionWrite[] = []
  const proposals: EmailProposal[] = []
  const headNotListed: BlueBookImportReport['headNotListed'] = []
  const currentOf = new Map(missions.map((m) => [m.state_iso3, m]))
  const imported = { kind: 'import' as const, ref: options.source, date: options.sourceDate }
  for (const state of states) {
    const entry = entryOf.get(state.iso3)
    const current = currentOf.get(state.iso3)
    if (!entry) {
      results.push({ ...base(state, null), outcome: 'missing' })
      continue
    }
    const finding = headOfMission(staffOf.get(state.iso3) ?? [])
    if (finding.warning) warnings.push(`${state.iso3}: ${finding.warning}`)
    if (finding.head === null) headNotListed.push({ iso3: state.iso3, name: state.name })
    if (finding.head?.status === 'vacant') vacant.push({ iso3: state.iso3, name: state.name })
    const before = current ? missionDetailsFromRow(current) : emptyMission(state)
    const wanted: MissionDetails = { ...before, ...entry.details, head: finding.head ?? before.head }
    // @NOTE new addresses are proposed, not written: letters keep going to the approved ones.
    const held = holdBackNewEmails(before, wanted, {
      iso3: state.iso3,
      source: 'import',
      fieldSource: imported,
    })
    if (held.proposal) proposals.push(held.proposal)
    const after = held.details
    const changed = changedMissionFields(before, after)
    const previousSources = current ? fieldSourcesFromRow(current) : {}
    const result: StateImportResult = { ...base(state, entry), outcome: 'unchanged', changedFields: changed }
    if (changed.length > 0) {
      result.outcome = isSeedOnly(previousSources) ? 'added' : 'changed'
      if (changed.includes('head')) result.head = { from: headLabel(before.head), to: headLabel(after.head) }
      const sources: FieldSources = { ...previousSources }
      for (const field of changed) sources[field] = imported
      writes.push({ iso3: state.iso3, details: after, sources, changed })
    }
    results.push(result)
  }

  results.sort((a, b) => byName.compare(a.name, b.name))
  const count = (outcome: StateOutcome): number => results.filter((r) => r.outcome === outcome).length
  const report: BlueBookImportReport = {
    source: options.source,
    sourceDate: options.sourceDate,
    sha256: file.sha256,
    dryRun: options.dryRun === true,
    importId: null,
    counts: {
      entries: book.entries.length,
      otherEntities: book.otherEntities.length,
      added: count('added'),
      changed: count('changed'),
      unchanged: count('unchanged'),
      missing: count('missing'),
      notMatched: notMatched.length,
      vacant: vacant.length,
      pendingEmails: proposals.length,
    },
    states: results,
    notMatched,
    vacant: vacant.sort((a, b) => byName.compare(a.name, b.name)),
    headNotListed,
    pendingEmails: proposals.map((p) => ({
      iso3: p.iso3,
      name: index.states.get(p.iso3)?.name ?? p.iso3,
      from: p.from,
      to: p.to,
    })),
    warnings,
  }
  return { report, writes, proposals }
}

/** Each state's entry; an entry matching no state, or a state another entry matches too, is not matched. */
function matchEntries(
  index: StateNameIndex,
  entries: readonly BlueBookEntry[],
): { entryOf: Map<string, BlueBookEntry>; notMatched: BlueBookImportReport['notMatched'] } {
  const notMatched: BlueBookImportReport['notMatched'] = []
  const claimed = new Map<string, BlueBookEntry[]>()
  for (const entry of entries) {
    const match = matchEntry(index, entry)
    if ('reason' in match) notMatched.push({ name: entry.name, reason: match.reason })
    else claimed.set(match.iso3, [...(claimed.get(match.iso3) ?? []), entry])
  }
  const entryOf = new Map<string, BlueBookEntry>()
  for (const [iso3, claims] of claimed) {
    if (claims.length === 1) {
      entryOf.set(iso3, claims[0]!)
      continue
    }
    for (const e of claims) {
      notMatched.push({ name: e.name, reason: `${claims.length} entries match ${iso3}` })
    }
  }
  return { entryOf, notMatched }
}

function base(state: StateRow, entry: BlueBookEntry | null): Omit<StateImportResult, 'outcome'> {
  return { iso3: state.iso3, name: state.name, entryName: entry?.name ?? null, changedFields: [], head: null }
}

/** A mission nobody but the seed has touched: the import "adds" its contact details. */
function isSeedOnly(sources: FieldSources): boolean {
  const kinds = Object.values(sources).map((s) => s?.kind)
  return kinds.length > 0 && kinds.every((kind) => kind === 'seed')
}

function headLabel(head: MissionHead): string {
  if (head.status === 'filled') return head.name ?? '(unnamed)'
  return `(${head.status})`
}

/** @NOTE the seed gives every state a mission; this only guards a directory built otherwise. */
function emptyMission(state: StateRow): MissionDetails {
  return missionWithNameOnly(`Permanent Mission of ${state.name} to the United Nations`)
}
