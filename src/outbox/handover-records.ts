import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Database } from '../db/connection.js'
import type { OutboxMessageRow } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { byKind } from './kind-rules.js'
import type { Outbox } from './outbox.js'
import * as repo from './outbox.repository.js'
import { type Handover, mayHaveArrived } from './transports.js'
import { claimedByGoneWorker } from './worker-liveness.js'

// What the outbox writes down after each handover: "sent", "queued" again for a retry, "failed",
// or "uncertain" when the mail server may or may not have the message. Each in one transaction,
// after the network call has ended (never network I/O inside a transaction).

/** What the outbox needs of the application context (the context has it all). */
export interface OutboxCtx {
  readonly db: Database
  readonly clock: Clock
  readonly config: Config
  readonly log: Logger
  readonly outbox: Outbox
}

export interface Accepted {
  message: OutboxMessageRow
  attemptId: number
  handover: Handover
}

/**
 * The mail server took these messages: each is sent, its letters too, and what follows is queued,
 * all in one transaction (several handovers end at about the same time: one commit for them).
 */
export async function recordAccepted(ctx: OutboxCtx, accepted: readonly Accepted[]): Promise<void> {
  const now = ctx.clock.nowIso()
  // READ COMMITTED on PostgreSQL, as a claim (claim.ts): each statement names the rows it
  // changes, and those rows are this worker's ("sending", claimed by it).
  await ctx.db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      // A statement for the batch where one does: each is a round trip on PostgreSQL.
      await repo.markSent(
        trx,
        accepted.map(({ message, handover }) => ({
          id: message.id,
          response: handover.response,
          clearPayload: ctx.outbox.kinds[message.kind].clearPayloadWhenSent,
        })),
        now,
      )
      await repo.finishAttempts(
        trx,
        accepted.map(({ attemptId, handover }) => ({ id: attemptId, response: handover.response })),
        now,
        'accepted',
      )
      for (const { message, handover } of accepted)
        if (handover.rejected.length > 0)
          await ctx.outbox.kinds[message.kind].onAddressesRefused?.(
            trx,
            message,
            handover.rejected,
            now,
            handover.response,
          )
      for (const [kind, messages] of byKind(accepted.map((a) => a.message))) {
        const rules = ctx.outbox.kinds[kind]
        await rules.moveLetters?.(trx, messages, 'sent', now)
        await rules.afterSent?.(trx, messages, ctx.outbox.queueMany)
      }
    })
  for (const { message } of accepted)
    ctx.log.debug({ outbox: message.id, kind: message.kind }, 'message accepted by the mail server')
}

/**
 * A 5xx reply is final: the message fails and its refused addresses go to its kind's rule (a
 * mission's are flagged for organizers). Anything else (4xx, refused connection, timeout) is
 * retried with exponential backoff, 1 min, 4 min, 16 min ... up to 6 h between tries, until
 * OUTBOX_MAX_ATTEMPTS. A message the server may have (mayHaveArrived) becomes "uncertain".
 */
export async function recordFailure(
  ctx: OutboxCtx,
  message: OutboxMessageRow,
  attemptId: number,
  error: unknown,
): Promise<'retry' | 'failed'> {
  const rules = ctx.outbox.kinds[message.kind]
  const now = ctx.clock.nowIso()
  const code = (error as { responseCode?: number }).responseCode
  const response = describeError(error)
  if (mayHaveArrived(error)) {
    // The whole message went out and no answer came back: the server may have queued it.
    // Retrying would risk a second delivery under the same Message-ID (the crash rule applies).
    const why = `no reply after the whole message was sent: ${response}`
    await ctx.db.transaction().execute((trx) => markUncertain(ctx, trx, message, now, why))
    ctx.log.warn(
      { outbox: message.id, kind: message.kind },
      'delivery uncertain: no reply from the mail server',
    )
    return 'failed'
  }
  const permanent = typeof code === 'number' && code >= 500
  const retry = !permanent && message.attempts < ctx.config.mail.maxAttempts
  await ctx.db.transaction().execute(async (trx) => {
    await repo.finishAttempt(
      trx,
      attemptId,
      now,
      permanent ? 'permanent_failure' : 'temporary_failure',
      response,
    )
    const backoff = Math.min(60_000 * 4 ** (message.attempts - 1), 6 * 3_600_000)
    await repo.setOutboxMessage(trx, message.id, {
      status: retry ? 'queued' : 'failed',
      next_attempt_at: retry
        ? new Date(ctx.clock.now().getTime() + backoff).toISOString()
        : message.next_attempt_at,
      updated_at: now,
      last_response: response.slice(0, 500),
    })
    if (permanent)
      await rules.onAddressesRefused?.(
        trx,
        message,
        JSON.parse(message.recipients) as string[],
        now,
        response,
      )
    await rules.moveLetters?.(trx, [message], retry ? 'queued' : 'failed', now)
  })
  ctx.log.warn(
    { outbox: message.id, kind: message.kind, code, retry },
    'mail server did not take the message',
  )
  return retry ? 'retry' : 'failed'
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const e = error as Error & { code?: string; responseCode?: number; response?: string }
  return [e.responseCode, e.code, e.response ?? e.message].filter(Boolean).join(' ')
}

/**
 * At start, before the first pass, and now and then while a worker runs. Every message found
 * "sending" whose worker is gone (worker-liveness.ts) may have reached the mail server: it becomes
 * "uncertain" and is NOT sent again. To a mission, a duplicate is worse than a delay; organizers
 * see it and decide. To a writer or member, the same holds: the mail server never gets one
 * Message-ID twice, and what may be lost can be asked for again (a new confirmation link from the
 * letter's page, the reminder three days on carries the link too). A message another live worker
 * is handing over is left to it.
 */
export async function reconcileInterrupted(ctx: OutboxCtx): Promise<{ uncertain: number }> {
  const now = ctx.clock.nowIso()
  // @NOTE the messages first, then who is alive: a claim marks its messages and its worker alive
  // in one transaction, so a worker whose messages are read here is found alive below. Read the
  // other way round, a worker claiming in between looked gone (caught by two outbox:work at once).
  const sending = await repo.findSendingWithWorker(ctx.db)
  const live = {
    me: ctx.outbox.worker,
    inFlight: ctx.outbox.inFlight,
    aliveByClock: await repo.findWorkersAliveAt(ctx.db, now),
  }
  let uncertain = 0
  for (const { message, worker } of sending) {
    if (!claimedByGoneWorker(worker, message.id, live)) continue
    const marked = await ctx.db.transaction().execute(async (trx) => {
      // Read again: it may have been recorded since (this outbox's own, ended meanwhile).
      const current = await repo.findOutboxMessage(trx, message.id)
      if (current?.status !== 'sending') return false
      await markUncertain(ctx, trx, current, now, 'interrupted while being handed over')
      return true
    })
    if (marked) uncertain++
  }
  if (uncertain > 0) ctx.log.warn({ uncertain }, 'outbox: messages interrupted by a stop')
  return { uncertain }
}

/** A message the mail server may or may not have: its open attempt, itself and its letters uncertain. */
async function markUncertain(
  ctx: Pick<OutboxCtx, 'outbox'>,
  trx: Database,
  message: OutboxMessageRow,
  now: string,
  why: string,
): Promise<void> {
  for (const attempt of await repo.findAttempts(trx, message.id)) {
    if (attempt.finished_at === null) await repo.finishAttempt(trx, attempt.id, now, 'uncertain', why)
  }
  await repo.setOutboxMessage(trx, message.id, {
    status: 'uncertain',
    updated_at: now,
    last_response: why.slice(0, 500),
  })
  await ctx.outbox.kinds[message.kind].moveLetters?.(trx, [message], 'uncertain', now)
}
