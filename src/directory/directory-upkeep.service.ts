import type { AppContext } from '../app-context.js'
import { ConflictError, NotFoundError } from '../lib/errors.js'
import { FIELD_LABELS } from '../lib/labels.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import * as repo from './directory.repository.js'
import {
  changedMissionFields,
  type FieldSources,
  fieldSourcesFromRow,
  type MissionDetails,
  type MissionField,
  missionDetailsFromRow,
  missionDetailsToColumns,
} from './mission-details.js'
import type { MissionEdit } from './mission-edit-input.js'
import { holdBackNewEmails, proposeEmailChange } from './mission-email-changes.js'
import { clearFailuresOfDroppedEmails } from './mission-email-failures.js'

// Organizers' corrections to a mission; Blue Book uploads are in directory-upload.service.ts.

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

/** `emailPending`: new e-mail addresses were proposed, and wait for an admin's approval. */
export type EditOutcome =
  | { saved: true; stateName: string; version: number; changed: MissionField[]; emailPending: boolean }
  | { saved: false; stateName: string; emailPending: boolean }

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
    const wanted = { ...edit.details, languages: keepOrder(before.languages, edit.details.languages) }
    if (changedMissionFields(before, wanted).length === 0) {
      return { saved: false, stateName: state.name, emailPending: false }
    }
    if (edit.baseVersion !== null && edit.baseVersion !== current.version) {
      throw new MissionChangedError({
        iso3: code,
        stateName: state.name,
        version: current.version,
        details: before,
        sources: fieldSourcesFromRow(current),
      })
    }
    const name = actorLabel(actor)
    const edited = { kind: 'organizer' as const, ref: name, date: now.slice(0, 10) }
    // @NOTE a new address waits for approval (mission-email-changes.ts): the version keeps the
    // approved ones, so letters never go where nobody approved.
    const held = holdBackNewEmails(before, wanted, { iso3: code, source: 'edit', fieldSource: edited })
    if (held.proposal) await proposeEmailChange(trx, actor, now, held.proposal)
    const emailPending = held.proposal !== null
    const after = held.details
    const changed = changedMissionFields(before, after)
    if (changed.length === 0) return { saved: false, stateName: state.name, emailPending }
    const sources: FieldSources = { ...fieldSourcesFromRow(current) }
    for (const field of changed) sources[field] = edited
    await repo.insertMissionVersion(trx, {
      state_iso3: code,
      valid_from: now,
      ...missionDetailsToColumns(after),
      field_sources: JSON.stringify(sources),
      changed_fields: JSON.stringify(changed),
      import_id: null,
      created_at: now,
    })
    await clearFailuresOfDroppedEmails(trx, actor, now, {
      iso3: code,
      before: before.emails,
      after: after.emails,
    })
    const pick = (details: MissionDetails) => Object.fromEntries(changed.map((f) => [f, details[f]]))
    await recordAudit(trx, actor, now, {
      action: 'mission.edit',
      subjectType: 'state',
      subjectId: code,
      summary: `Edited the mission of ${state.name}: ${changed.map((f) => FIELD_LABELS[f] ?? f).join(', ')}`,
      details: { version: current.version + 1, changed, before: pick(before), after: pick(after) },
    })
    return { saved: true, stateName: state.name, version: current.version + 1, changed, emailPending }
  })
}

function keepOrder(previous: readonly string[], chosen: readonly string[]): string[] {
  return [...previous.filter((c) => chosen.includes(c)), ...chosen.filter((c) => !previous.includes(c))]
}
