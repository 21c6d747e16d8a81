import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import { applyEmailChange, type Ctx } from './mission-email-changes.js'
import * as changes from './mission-email-changes.repository.js'

// Where the campaign has a single admin, nobody else can approve a mission's new e-mail address:
// every admin is e-mailed about it, and it takes effect MISSION_EMAIL_CHANGE_DELAY_HOURS later
// unless rejected. Both steps run in every outbox pass.

const listed = (json: string) => (JSON.parse(json) as string[]).join(', ') || '(none)'

/** What an admin is told about one change (the payload of an 'organizer_notice' e-mail). */
export interface EmailChangeNotice {
  stateName: string
  how: string
  current: string
  proposed: string
  proposedBy: string
  delay: boolean
  dueAt: string
  url: string
}

/**
 * E-mails every admin about each change nobody was told of yet, through `queue` (the outbox, in
 * the same transaction), and starts its delay then. With no admin yet, nobody is told and the
 * delay does not start: the first admin decides. Answers how many changes were noticed.
 */
export async function noticeEmailChanges(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
  queue: (db: Database, recipient: string, notice: EmailChangeNotice) => Promise<unknown>,
): Promise<number> {
  const fresh = await changes.findUnnotifiedEmailChanges(ctx.db)
  if (fresh.length === 0) return 0
  const now = ctx.clock.nowIso()
  const dueAt = new Date(
    ctx.clock.now().getTime() + ctx.config.missionEmailChangeDelayHours * 3_600_000,
  ).toISOString()
  return ctx.db.transaction().execute(async (trx) => {
    const admins = await changes.findActiveAdminEmails(trx)
    if (admins.length === 0) return 0
    for (const change of fresh) {
      const notice = {
        stateName: change.state_name,
        how: change.source === 'edit' ? 'by editing the mission' : 'by importing a Blue Book',
        current: listed(change.old_emails),
        proposed: listed(change.new_emails),
        proposedBy:
          change.proposed_by_label === 'shell' ? 'Someone at the server (shell)' : change.proposed_by_label,
        delay: admins.length === 1,
        dueAt,
        url: `${ctx.config.publicUrl}/organizers/directory#email-changes`,
      }
      for (const admin of admins) await queue(trx, admin, notice)
      await changes.markEmailChangeNotified(trx, change.id, now, dueAt)
    }
    return fresh.length
  })
}

/**
 * Applies the changes whose delay has passed, where the campaign has a single admin (with two or
 * more, a change waits for a second admin however long). Run by every outbox pass, after the
 * admins were told (the delay starts then). Answers how many were applied.
 */
export async function applyDueEmailChanges(ctx: Ctx): Promise<number> {
  const now = ctx.clock.nowIso()
  const due = await changes.findDueEmailChanges(ctx.db, now)
  if (due.length === 0 || (await changes.countActiveAdmins(ctx.db)) > 1) return 0
  let applied = 0
  for (const change of due) {
    await ctx.db.transaction().execute(async (trx) => {
      const still = await changes.findEmailChange(trx, change.id)
      if (still?.status !== 'pending') return
      await applyEmailChange(trx, still, now, { kind: 'delay' })
      applied++
    })
  }
  return applied
}
