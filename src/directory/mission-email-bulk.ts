import { recordAudit } from '../organizers/index.js'
import type { FieldSource } from './mission-details.js'
import { applyEmailChange, type Ctx, type Decider, type PendingEmailChange } from './mission-email-changes.js'
import * as changes from './mission-email-changes.repository.js'

// Approving many mission e-mail changes at once: after a Blue Book import there is one per
// mission. The rules are those of a single approval (mission-email-changes.ts): never the admin's
// own proposals, each change audited.

/** One import's pending changes: its file and the day it describes (the changes carry both). */
export interface ImportRef {
  file: string
  date: string
}

/** Which pending changes a bulk approval takes: all, or one import's; never newer than `through`. */
export interface BulkApprovalScope {
  /** The newest change the admin's page listed: a change proposed since is not approved unseen. */
  through: number
  import?: ImportRef
}

/** What the directory page offers one admin to approve at once. */
export interface BulkApprovalOffer {
  /** The newest change listed (the forms' `through`). */
  through: number
  /** Changes others proposed (the admin may approve them), and the admin's own (left out). */
  others: number
  own: number
  /** Per import, the changes others proposed; only imports with at least one. */
  imports: (ImportRef & { count: number })[]
}

const isFromImport = (change: Pick<PendingEmailChange, 'source' | 'fieldSource'>, ref: ImportRef) =>
  change.source === 'import' && change.fieldSource.ref === ref.file && change.fieldSource.date === ref.date

/** The bulk approvals `adminId` can make on `pending` (listPendingEmailChanges). */
export function bulkApprovalOffer(
  pending: readonly PendingEmailChange[],
  adminId: number,
): BulkApprovalOffer {
  const others = pending.filter((c) => c.proposedById !== adminId)
  const imports: BulkApprovalOffer['imports'] = []
  for (const change of others) {
    if (change.source !== 'import') continue
    const known = imports.find((i) => isFromImport(change, i))
    if (known) known.count++
    else imports.push({ file: change.fieldSource.ref, date: change.fieldSource.date, count: 1 })
  }
  return {
    through: pending.reduce((max, c) => Math.max(max, c.id), 0),
    others: others.length,
    own: pending.length - others.length,
    imports,
  }
}

/**
 * An admin approves many changes at once (after a Blue Book import, one per mission): every
 * pending change in `scope` that someone else proposed, in one transaction, each audited as a
 * single approval is, then one entry for the batch. The admin's own proposals stay pending.
 */
export async function approveEmailChanges(
  ctx: Ctx,
  admin: { id: number; name: string },
  scope: BulkApprovalScope,
): Promise<{ approved: number; skippedOwn: number }> {
  const now = ctx.clock.nowIso()
  const decider: Decider = { kind: 'organizer', ...admin }
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await changes.findPendingEmailChanges(trx)
    let skippedOwn = 0
    const approved: string[] = []
    for (const row of rows) {
      if (row.id > scope.through) continue
      const fieldSource = JSON.parse(row.field_source) as FieldSource
      if (scope.import && !isFromImport({ source: row.source, fieldSource }, scope.import)) continue
      if (row.proposed_by === admin.id) {
        skippedOwn++
        continue
      }
      await applyEmailChange(trx, row, now, decider)
      approved.push(row.state_iso3)
    }
    if (approved.length > 0) {
      const what = scope.import
        ? `the import of ${scope.import.file} (${scope.import.date})`
        : 'all proposed by others'
      await recordAudit(trx, decider, now, {
        action: 'mission.email_approve_all',
        subjectType: 'state',
        subjectId: null,
        summary: `Approved ${approved.length} new mission e-mail ${approved.length === 1 ? 'address' : 'addresses'} at once (${what})${skippedOwn > 0 ? `; ${skippedOwn} of their own left pending` : ''}`,
        details: { count: approved.length, states: approved, skippedOwn, ...scope },
      })
    }
    return { approved: approved.length, skippedOwn }
  })
}

/**
 * Applies every pending change at once, with no admin: for synthetic data ONLY (npm run seed:demo
 * imports a real Blue Book into a demo database, whose letters go to no real mission). Each change
 * is audited as approved at the shell, with `reason`. Nothing in the service calls it: approval by
 * a second person protects real letters, and the shell could write the database directly anyway.
 */
export async function approveSyntheticEmailChanges(ctx: Ctx, reason: string): Promise<number> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await changes.findPendingEmailChanges(trx)
    for (const row of rows) await applyEmailChange(trx, row, now, { kind: 'shell', reason })
    return rows.length
  })
}
