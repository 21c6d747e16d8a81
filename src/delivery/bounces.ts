import type { AppContext } from '../app-context.js'
import type { OutboxMessageRow } from '../db/schema.js'
import { flagFailingMissionEmails } from '../directory/index.js'
import { matchBounceAddress } from '../outbox/bounce-address.js'
import type { DeliveryReport, ReportedRecipient } from './bounce-report.js'
import * as repo from './bounces.repository.js'
import { findOutboxMessage } from './delivery.repository.js'

// What a delivery status notification changes: a bounce recorded per failed recipient, and, for a
// hard bounce of a mission's address, the address flagged as failing (no new letter is e-mailed
// to it: directory/mission-email-failures.ts). A soft bounce is only recorded: the server tries on.
// A bounce of a writer's or member's message holds their address: erasure deletes it with their
// other data (privacy/erasure-scrub.ts); retention keeps it, as it keeps the letter's address.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'log'> & { config: Pick<AppContext['config'], 'bounces'> }

export type ReportOutcome =
  /** At least one bounce newly recorded. */
  | 'recorded'
  /** Read before: every bounce in it was recorded already. */
  | 'duplicate'
  /** Its failures name no address of the message (or nothing failed: a delivery or relay notice). */
  | 'nothing_failed'
  /** Sent to one of our bounce addresses with a wrong token: ignored. */
  | 'forged'
  /** Neither a bounce address nor a Message-ID of ours. */
  | 'unknown_message'

/** Records what a report says of one of our messages. */
export async function recordDeliveryReport(ctx: Ctx, report: DeliveryReport): Promise<ReportOutcome> {
  const found = await messageOf(ctx, report)
  if (typeof found === 'string') return found
  const failed = report.recipients.filter((r) => r.kind !== null)
  const now = ctx.clock.nowIso()
  let named = 0
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    let inserted = 0
    for (const reported of failed) {
      const email = recipientOf(found, reported)
      if (!email) continue
      named++
      const fresh = await repo.insertBounce(trx, {
        outbox_id: found.id,
        email,
        kind: reported.kind ?? 'soft',
        status: reported.status,
        diagnostic: reported.diagnostic?.slice(0, 500) ?? null,
        report_id: report.reportId.slice(0, 300),
        received_at: now,
      })
      if (!fresh) continue
      inserted++
      if (reported.kind === 'hard' && found.state_iso3) {
        const why = `bounced later: ${reported.status} ${reported.diagnostic ?? ''}`.trim()
        await flagFailingMissionEmails(trx, found.state_iso3, [email], now, why)
      }
    }
    return inserted
  })
  if (recorded > 0) ctx.log.info({ outbox: found.id, kind: found.kind, bounces: recorded }, 'bounce recorded')
  return recorded > 0 ? 'recorded' : named > 0 ? 'duplicate' : 'nothing_failed'
}

/**
 * The message a report is about: from our bounce address it was delivered to (a valid token);
 * failing that, from the Message-ID in the headers it returns. A report to a bounce address of
 * ours with a wrong token is forged, and never falls back on the Message-ID.
 */
async function messageOf(ctx: Ctx, report: DeliveryReport): Promise<OutboxMessageRow | ReportOutcome> {
  const matches = report.deliveredTo.map((address) => matchBounceAddress(ctx.config, address))
  const valid = matches.find((m) => m.kind === 'valid')
  if (valid?.kind === 'valid') {
    return (await findOutboxMessage(ctx.db, valid.outboxId)) ?? 'unknown_message'
  }
  if (matches.some((m) => m.kind === 'forged')) {
    ctx.log.warn('a delivery report to a bounce address with a wrong token was ignored')
    return 'forged'
  }
  if (!report.originalMessageId) return 'unknown_message'
  return (await repo.findOutboxMessageByMessageId(ctx.db, report.originalMessageId)) ?? 'unknown_message'
}

/**
 * The message's recipient a reported failure is about: the one it names, or, where it names
 * another (a forward that failed further on) and the message had a single recipient, that one.
 */
function recipientOf(message: OutboxMessageRow, reported: ReportedRecipient): string | null {
  const recipients = JSON.parse(message.recipients) as string[]
  const named = recipients.find((r) => r.trim().toLowerCase() === reported.email.trim().toLowerCase())
  return named ?? (recipients.length === 1 ? (recipients[0] ?? null) : null)
}
