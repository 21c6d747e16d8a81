import type { AppContext } from '../../src/context.js'
import * as repo from '../../src/directory/directory.repository.js'
import {
  type MissionDetails,
  missionDetailsFromRow,
  missionDetailsToColumns,
} from '../../src/directory/mission-details.js'
import { approveEmailChange, listPendingEmailChanges } from '../../src/directory/mission-email-changes.js'
import { createOrganizer } from './organizer-session.js'

/**
 * Gives a state's mission new details, as an import or an organizer's edit would: a new version
 * on top of the current one. Tests use it instead of the reference files, which may be absent.
 */
export async function setMission(
  ctx: AppContext,
  iso3: string,
  change: Partial<MissionDetails>,
): Promise<void> {
  const current = await repo.findCurrentMission(ctx.db, iso3)
  if (!current) throw new Error(`no mission for ${iso3}`)
  const details = { ...missionDetailsFromRow(current), ...change }
  await ctx.db.transaction().execute((trx) =>
    repo.insertMissionVersion(trx, {
      state_iso3: iso3,
      valid_from: ctx.clock.nowIso(),
      ...missionDetailsToColumns(details),
      field_sources: current.field_sources,
      changed_fields: JSON.stringify(Object.keys(change)),
      import_id: null,
      created_at: ctx.clock.nowIso(),
    }),
  )
}

export const FRANCE: Partial<MissionDetails> = {
  addressLines: ['245 East 47th Street, 44th Floor', 'New York, NY 10017'],
  languages: ['fr'],
  emails: ['france@un.int'],
  head: {
    status: 'filled',
    honorific: 'H.E. Mr.',
    name: 'Jérôme Bonnafont',
    function: 'Permanent Representative',
    credentialsPresented: '2025-08-01',
  },
}

export const UNITED_STATES: Partial<MissionDetails> = {
  addressLines: ['799 United Nations Plaza', 'New York, NY 10017'],
  languages: ['en'],
  head: {
    status: 'filled',
    honorific: 'H.E. Mr.',
    name: 'Michael G. Waltz',
    function: 'Representative',
    credentialsPresented: '2025-09-21',
  },
}

export const UNITED_KINGDOM_DAME: Partial<MissionDetails> = {
  addressLines: ['One Dag Hammarskjöld Plaza', '885 Second Avenue', 'New York, NY 10017'],
  languages: ['en'],
  head: {
    status: 'filled',
    honorific: 'H.E. Dame',
    name: 'Barbara Woodward, DCMG, OBE',
    function: 'Permanent Representative',
    credentialsPresented: '2020-11-03',
  },
}

export const PERU_VACANT: Partial<MissionDetails> = {
  addressLines: ['820 Second Avenue, Suite 1600', 'New York, NY 10017'],
  languages: ['es'],
  head: { status: 'vacant', honorific: null, name: null, function: null, credentialsPresented: null },
}

export const MEXICO_WOMAN: Partial<MissionDetails> = {
  addressLines: ['2 United Nations Plaza, 28th Floor', 'New York, NY 10017'],
  languages: ['es'],
  head: {
    status: 'filled',
    honorific: 'H.E. Mrs.',
    name: 'Alicia Guadalupe Buenrostro Massieu',
    function: 'Permanent Representative',
    credentialsPresented: '2023-10-02',
  },
}

/**
 * Approves every mission e-mail address change waiting, as an admin would on the directory page
 * (imports propose new addresses; they reach a mission only once approved). The admin is made
 * through a real invitation, once per context.
 */
export async function approvePendingEmails(ctx: AppContext): Promise<number> {
  const admin = await approverOf(ctx)
  const pending = await listPendingEmailChanges(ctx)
  for (const change of pending) await approveEmailChange(ctx, admin, change.id)
  return pending.length
}

const approvers = new WeakMap<AppContext, { id: number; name: string }>()

async function approverOf(ctx: AppContext): Promise<{ id: number; name: string }> {
  const known =
    approvers.get(ctx) ?? (await createOrganizer(ctx, { role: 'admin', name: 'Approving Admin' })).organizer
  approvers.set(ctx, known)
  return known
}
