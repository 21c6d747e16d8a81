import type { Database } from '../db/connection.js'
import type { OutboxMessageRow } from '../db/schema.js'
import { newPublicId } from '../lib/tokens.js'
import { findMemberForUpdate, findUpdateText, unsubscribeUrl } from '../members/index.js'
import { type KindRules, type RenderContext, unsendable } from '../outbox/index.js'
import { erasureLinkMail, memberConfirmationMail, memberUpdateMail } from './member-mails.js'

// The members module's rows of the outbox's kinds table (src/outbox-kinds.ts). Campaign updates
// wait behind every other kind and go out at most UPDATES_PER_MINUTE a minute (mail providers
// throttle, then refuse, a sender that floods them), and each is checked again as it leaves.

/**
 * Why a queued update must not go to its member after all (read as it leaves, in the claim's
 * transaction), or null. Hours may pass between the send and a member's turn: whoever left, or
 * withdrew consent, meanwhile gets nothing. A test to its organizer: always null.
 */
export async function whyUpdateMayNotGo(db: Database, message: OutboxMessageRow): Promise<string | null> {
  if (message.member_id === null) return null
  const member = await findMemberForUpdate(db, message.member_id)
  if (!member || member.status === 'erased') return 'the member’s data was erased'
  if (member.status === 'unsubscribed') return 'the member unsubscribed before it went out'
  if (member.status !== 'active') return 'the member is not confirmed'
  if (member.consent_updates !== 1) return 'the member no longer agrees to receive updates'
  // @NOTE the queued address is the one to write to: a changed one was not the member's then.
  if (!member.email || JSON.stringify([member.email]) !== message.recipients)
    return 'the member’s address changed after it was queued'
  return null
}

/** An update's e-mail: the update, and the one-click link for its member. */
async function renderUpdate(ctx: RenderContext, message: OutboxMessageRow) {
  const update = message.update_id === null ? undefined : await findUpdateText(ctx.db, message.update_id)
  const member = message.member_id === null ? undefined : await findMemberForUpdate(ctx.db, message.member_id)
  if (!update || (message.member_id !== null && !member))
    throw unsendable(`outbox message ${message.id} has no update or member`)
  return memberUpdateMail({
    subject: update.subject,
    body: update.body,
    test: member === undefined,
    // A test's link has the form of a member's, so the organizer sees what members get, but no
    // member has its id: it unsubscribes nobody.
    unsubscribeUrl: unsubscribeUrl(ctx.config, member?.public_id ?? newPublicId()),
    // A test goes to the organizer who asked for it, in the organizers' English.
    language: member?.site_language ?? 'en',
  })
}

export const memberKinds: Record<'member_confirmation' | 'erasure_link' | 'member_update', KindRules> = {
  member_confirmation: {
    audience: 'member',
    priority: 'first',
    // The payload is the only copy of the link's token: once sent, it has served.
    clearPayloadWhenSent: true,
    render: async (_ctx, message) => memberConfirmationMail(message),
  },
  erasure_link: {
    audience: 'member',
    priority: 'first',
    clearPayloadWhenSent: true,
    render: async (_ctx, message) => erasureLinkMail(message),
  },
  member_update: {
    audience: 'member',
    priority: 'throttled',
    clearPayloadWhenSent: false,
    refusal: whyUpdateMayNotGo,
    render: renderUpdate,
  },
}
