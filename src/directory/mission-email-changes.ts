import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { MissionEmailChangeRow } from '../db/schema.js'
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import * as repo from './directory.repository.js'
import {
  type FieldSource,
  type FieldSources,
  fieldSourcesFromRow,
  missionDetailsFromRow,
  missionDetailsToColumns,
} from './mission-details.js'
import * as changes from './mission-email-changes.repository.js'
import { clearFailuresOfDroppedEmails } from './mission-email-failures.js'

// A mission's e-mail addresses are where supporters' letters go: a new address takes effect only
// once approved. The directory (mission_version.emails) holds approved addresses only, so every
// reader, the delivery code first, sees nothing else. A proposal (an organizer's edit, an import
// from the browser or from the shell) waits here until:
// - a second admin approves it (never the one who proposed it), or
// - where the campaign has a single admin, MISSION_EMAIL_CHANGE_DELAY_HOURS after every admin was
//   e-mailed about it (the outbox pass tells them, then applies what is due), unless rejected.
// Removing addresses needs no approval: it sends letters to no one new.

export type Ctx = Pick<AppContext, 'db' | 'clock'>

/**
 * Who decided: an admin, the delay rule (the single admin was told and did not object), or the
 * shell for synthetic data only (approveSyntheticEmailChanges).
 */
export type Decider =
  | { kind: 'organizer'; id: number; name: string }
  | { kind: 'delay' }
  | { kind: 'shell'; reason: string }

const fold = (email: string) => email.trim().toLowerCase()

/** True when `proposed` holds an address `approved` does not: it would send letters somewhere new. */
export function needsApproval(approved: readonly string[], proposed: readonly string[]): boolean {
  const known = new Set(approved.map(fold))
  return proposed.some((email) => !known.has(fold(email)))
}

/**
 * Splits wanted mission details into what may be written now and the e-mail change to propose:
 * new addresses are held back (the details keep the approved ones) and returned as a proposal,
 * so letters never go where nobody approved. Used by edits and imports alike.
 */
export function holdBackNewEmails<T extends { emails: string[] }>(
  approved: T,
  wanted: T,
  proposal: Pick<EmailProposal, 'iso3' | 'source' | 'fieldSource'>,
): { details: T; proposal: EmailProposal | null } {
  if (!needsApproval(approved.emails, wanted.emails)) return { details: wanted, proposal: null }
  return {
    details: { ...wanted, emails: approved.emails },
    proposal: { ...proposal, from: approved.emails, to: wanted.emails },
  }
}

export interface EmailProposal {
  iso3: string
  /** The approved addresses when proposed, and the proposed ones. */
  from: string[]
  to: string[]
  source: 'edit' | 'import'
  /** The source the addresses will carry once applied: the editor, or the imported file. */
  fieldSource: FieldSource
}

/**
 * Records a proposal in the caller's transaction. The same addresses already proposed: nothing
 * new (an import run twice proposes once). Other addresses: the open proposal is superseded.
 */
export async function proposeEmailChange(
  trx: Database,
  actor: Actor,
  now: string,
  proposal: EmailProposal,
): Promise<{ id: number; created: boolean }> {
  const open = await changes.findPendingEmailChange(trx, proposal.iso3)
  if (open && JSON.stringify(JSON.parse(open.new_emails)) === JSON.stringify(proposal.to)) {
    return { id: open.id, created: false }
  }
  const label = actorLabel(actor)
  if (open) {
    await changes.closeEmailChange(trx, open.id, {
      status: 'superseded',
      decided_by: actor.kind === 'organizer' ? actor.id : null,
      decided_by_label: label,
      decided_at: now,
    })
  }
  const id = await changes.insertEmailChange(trx, {
    state_iso3: proposal.iso3,
    old_emails: JSON.stringify(proposal.from),
    new_emails: JSON.stringify(proposal.to),
    source: proposal.source,
    field_source: JSON.stringify(proposal.fieldSource),
    proposed_by: actor.kind === 'organizer' ? actor.id : null,
    proposed_by_label: label,
    proposed_at: now,
    notified_at: null,
    due_at: null,
    status: 'pending',
    decided_by: null,
    decided_by_label: null,
    decided_at: null,
  })
  await recordAudit(trx, actor, now, {
    action: 'mission.email_propose',
    subjectType: 'state',
    subjectId: proposal.iso3,
    summary: `Proposed new e-mail addresses for the mission of ${proposal.iso3} (by ${proposal.source}): waiting for approval`,
    details: { changeId: id, from: proposal.from, to: proposal.to },
  })
  return { id, created: true }
}

export interface PendingEmailChange {
  id: number
  iso3: string
  iso3Lower: string
  stateName: string
  from: string[]
  to: string[]
  source: 'edit' | 'import'
  /** Where the addresses come from: for an import, its file (ref) and the day it describes. */
  fieldSource: FieldSource
  proposedBy: string
  proposedById: number | null
  proposedAt: string
  notifiedAt: string | null
  dueAt: string | null
}

/** The changes waiting for an admin, oldest first. */
export async function listPendingEmailChanges(ctx: Pick<Ctx, 'db'>): Promise<PendingEmailChange[]> {
  const rows = await changes.findPendingEmailChanges(ctx.db)
  return rows.map((row) => ({
    id: row.id,
    iso3: row.state_iso3,
    iso3Lower: row.state_iso3.toLowerCase(),
    stateName: row.state_name,
    from: JSON.parse(row.old_emails) as string[],
    to: JSON.parse(row.new_emails) as string[],
    source: row.source,
    fieldSource: JSON.parse(row.field_source) as FieldSource,
    proposedBy: row.proposed_by_label,
    proposedById: row.proposed_by,
    proposedAt: row.proposed_at,
    notifiedAt: row.notified_at,
    dueAt: row.due_at,
  }))
}

/** How many admins can sign in (one: the delay rule applies). */
export function countAdmins(ctx: Pick<Ctx, 'db'>): Promise<number> {
  return changes.countActiveAdmins(ctx.db)
}

/** An admin approves: the addresses become the mission's. The proposer cannot approve their own. */
export async function approveEmailChange(
  ctx: Ctx,
  admin: { id: number; name: string },
  id: number,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const change = await openChange(trx, id)
    if (change.proposed_by === admin.id) {
      throw new ForbiddenError(
        'You proposed this change: another admin must approve it (with a single admin, it takes effect after the delay).',
      )
    }
    await applyEmailChange(trx, change, ctx.clock.nowIso(), { kind: 'organizer', ...admin })
  })
}

/** An admin rejects (the proposer may withdraw their own): the approved addresses stay. */
export async function rejectEmailChange(
  ctx: Ctx,
  admin: { id: number; name: string },
  id: number,
): Promise<void> {
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const change = await openChange(trx, id)
    await changes.closeEmailChange(trx, id, {
      status: 'rejected',
      decided_by: admin.id,
      decided_by_label: admin.name,
      decided_at: now,
    })
    await recordAudit(trx, { kind: 'organizer', ...admin }, now, {
      action: 'mission.email_reject',
      subjectType: 'state',
      subjectId: change.state_iso3,
      summary: `Rejected the new e-mail addresses of ${change.state_iso3}: ${JSON.parse(change.new_emails).join(', ') || '(none)'}`,
      details: { changeId: id, from: JSON.parse(change.old_emails), to: JSON.parse(change.new_emails) },
    })
  })
}

/**
 * A new mission version with the approved addresses, the change closed, both audited. For this
 * module's approvals only (single, bulk, after the delay): others call those.
 */
export async function applyEmailChange(
  trx: Database,
  change: MissionEmailChangeRow,
  now: string,
  decider: Decider,
): Promise<void> {
  const current = await repo.findCurrentMission(trx, change.state_iso3)
  if (!current) throw new NotFoundError(`No mission for ${change.state_iso3}`)
  const to = JSON.parse(change.new_emails) as string[]
  const label =
    decider.kind === 'organizer'
      ? decider.name
      : decider.kind === 'shell'
        ? `shell (${decider.reason})`
        : 'the delay (single admin)'
  const closed = await changes.closeEmailChange(trx, change.id, {
    status: 'approved',
    decided_by: decider.kind === 'organizer' ? decider.id : null,
    decided_by_label: label,
    decided_at: now,
  })
  if (!closed) throw alreadyDecided(change.id)
  const details = missionDetailsFromRow(current)
  if (JSON.stringify(details.emails) !== JSON.stringify(to)) {
    const sources: FieldSources = {
      ...fieldSourcesFromRow(current),
      emails: JSON.parse(change.field_source) as FieldSource,
    }
    await repo.insertMissionVersion(trx, {
      state_iso3: change.state_iso3,
      valid_from: now,
      ...missionDetailsToColumns({ ...details, emails: to }),
      field_sources: JSON.stringify(sources),
      changed_fields: JSON.stringify(['emails']),
      import_id: null,
      created_at: now,
    })
  }
  const actor: Actor = decider.kind === 'organizer' ? decider : { kind: 'shell' }
  await clearFailuresOfDroppedEmails(trx, actor, now, {
    iso3: change.state_iso3,
    before: details.emails,
    after: to,
  })
  await recordAudit(trx, actor, now, {
    action: 'mission.email_approve',
    subjectType: 'state',
    subjectId: change.state_iso3,
    summary: `New e-mail addresses of ${change.state_iso3} in use (${approvedHow(decider)}): ${to.join(', ') || '(none)'}; proposed by ${change.proposed_by_label}`,
    details: { changeId: change.id, from: JSON.parse(change.old_emails), to, decidedBy: label },
  })
}

function approvedHow(decider: Decider): string {
  if (decider.kind === 'organizer') return `approved by ${decider.name}`
  if (decider.kind === 'shell') return `approved at the shell: ${decider.reason}`
  return 'after the delay, no admin objected'
}

async function openChange(trx: Database, id: number): Promise<MissionEmailChangeRow> {
  const change = await changes.findEmailChange(trx, id)
  if (!change) throw new NotFoundError(`There is no e-mail address change #${id}`)
  if (change.status !== 'pending') throw alreadyDecided(id, change.status)
  return change
}

function alreadyDecided(id: number, status?: string): ConflictError {
  return new ConflictError(
    `The e-mail address change #${id} was already ${status ?? 'decided'}: nothing was done.`,
  )
}
