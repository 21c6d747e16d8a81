import type { AppContext } from '../context.js'
import type { Database } from '../db/connection.js'
import type { OutboxMessageRow } from '../db/schema.js'
import type { UpdateMailParts } from '../delivery/mail-content.js'
import { newPublicId } from '../lib/tokens.js'
import * as repo from './campaign-updates.repository.js'
import { unsubscribeUrl } from './unsubscribe-links.js'

// The outbox worker's rules for campaign updates, applied where it claims a message: updates wait
// behind every other kind and go out at most UPDATES_PER_MINUTE a minute (mail providers throttle,
// then refuse, a sender that floods them), and each is checked again as it leaves.

const MINUTE = 60_000

/**
 * The message the outbox may send now, or undefined: the oldest due of every other kind first
 * (letters to missions, confirmations, an update's test to its organizer), then the oldest update
 * to a member, while fewer than UPDATES_PER_MINUTE update messages were accepted by the mail
 * server in the last 60 seconds. Counted from sent_at, so the limit holds across passes, restarts,
 * and a worker in the server beside one run from the shell.
 */
export async function nextMessageToSend(
  ctx: Pick<AppContext, 'config'>,
  db: Database,
  now: string,
): Promise<OutboxMessageRow | undefined> {
  const first = await repo.findNextDueFirst(db, now)
  if (first) return first
  if (!(await updateAllowanceLeft(ctx, db, now))) return undefined
  return repo.findNextDueUpdate(db, now)
}

/** Whether another update may go in the rolling minute ending `now`. */
export async function updateAllowanceLeft(
  ctx: Pick<AppContext, 'config'>,
  db: Database,
  now: string,
): Promise<boolean> {
  const since = new Date(Date.parse(now) - MINUTE).toISOString()
  return (await repo.countUpdatesSentSince(db, since)) < ctx.config.members.updatesPerMinute
}

/**
 * Why a queued update must not go to its member after all (read as it leaves, in the claim's
 * transaction), or null. Hours may pass between the send and a member's turn: whoever left, or
 * withdrew consent, meanwhile gets nothing. Other kinds and tests: always null.
 */
export async function whyUpdateMayNotGo(db: Database, message: OutboxMessageRow): Promise<string | null> {
  if (message.kind !== 'member_update' || message.member_id === null) return null
  const member = await repo.findMemberForUpdate(db, message.member_id)
  if (!member || member.status === 'erased') return 'the member’s data was erased'
  if (member.status === 'unsubscribed') return 'the member unsubscribed before it went out'
  if (member.status !== 'active') return 'the member is not confirmed'
  if (member.consent_updates !== 1) return 'the member no longer agrees to receive updates'
  // @NOTE the queued address is the one to write to: a changed one was not the member's then.
  if (!member.email || JSON.stringify([member.email]) !== message.recipients)
    return 'the member’s address changed after it was queued'
  return null
}

/** What an update's e-mail says: the update, and the one-click link for its member. */
export async function updateMailOf(
  ctx: Pick<AppContext, 'db' | 'config'>,
  message: OutboxMessageRow,
): Promise<UpdateMailParts> {
  const update = message.update_id === null ? undefined : await repo.findUpdateText(ctx.db, message.update_id)
  const member =
    message.member_id === null ? undefined : await repo.findMemberForUpdate(ctx.db, message.member_id)
  if (!update || (message.member_id !== null && !member))
    throw Object.assign(new Error(`outbox message ${message.id} has no update or member`), {
      responseCode: 554,
    })
  return {
    subject: update.subject,
    body: update.body,
    test: member === undefined,
    // A test's link has the form of a member's, so the organizer sees what members get, but no
    // member has its id: it unsubscribes nobody.
    unsubscribeUrl: unsubscribeUrl(ctx.config, member?.public_id ?? newPublicId()),
    // A test goes to the organizer who asked for it, in the organizers' English.
    language: member?.site_language ?? 'en',
  }
}
