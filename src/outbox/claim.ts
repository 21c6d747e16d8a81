import type { OutboxMessageRow } from '../db/schema.js'
import type { OutboxCtx } from './handover-records.js'
import { byKind } from './kind-rules.js'
import * as repo from './outbox.repository.js'
import { WORKER_ALIVE_MS } from './worker-liveness.js'

const MINUTE = 60_000

/**
 * The steps of a handover, for tests that stop the process at each: 'claiming' inside the
 * transaction that marks the message "sending" (before it commits), 'claimed' once that is
 * committed (before the mail server is called), 'accepted' once the server took the message
 * (before that is recorded), 'recorded' once "sent" is committed.
 */
export type HandoverStep = 'claiming' | 'claimed' | 'accepted' | 'recorded'

export type OnStep = (step: HandoverStep, message: OutboxMessageRow) => void | Promise<void>

export interface Claimed {
  message: OutboxMessageRow
  attemptId: number
}

/**
 * Claims up to `room` due messages in one transaction: messages of every 'first' kind, oldest
 * due first, then throttled ones (updates to members) within what is left of the minute's
 * allowance. Each is marked "sending" with an open attempt and its letters "sending"; one its
 * kind refuses (a member who left) is failed unsent instead. `found` counts both, so that a batch
 * wholly refused is not taken for an empty outbox.
 */
export async function claimBatch(
  ctx: OutboxCtx,
  room: number,
  onStep?: OnStep,
): Promise<{ claimed: Claimed[]; found: number }> {
  const now = ctx.clock.nowIso()
  const aliveUntil = Date.parse(now) + WORKER_ALIVE_MS
  let markedAlive = false
  // @NOTE READ COMMITTED on PostgreSQL (SQLite runs one writer at a time: nothing changes there).
  // Under SERIALIZABLE a claim and a record written beside it conflict by nature (the record
  // queues writers' copies, new rows the claim's "what is due" would have read) and one of them
  // was aborted and run again. Nothing here needs more: the claim takes its rows with FOR UPDATE
  // SKIP LOCKED, each later statement names the rows claimed, and the one count that decides
  // (the updates' allowance) is taken under a lock of its own (updateAllowance).
  const batch = await ctx.db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      markedAlive = false
      const first = await repo.claimDueFirst(trx, now, room)
      const left = room - first.length
      const allowance = left > 0 ? await updateAllowance(ctx, trx, now) : 0
      const found = [...first, ...(await repo.claimDueUpdates(trx, now, Math.min(left, allowance)))]
      // Known alive a while longer: no other worker takes what this one is handing over for gone.
      // Written again once half of the time it last wrote has passed, not at every claim: a
      // message claimed now is handed over within SMTP's time-out (75 s), well inside what is left.
      if (found.length > 0 && !stillAlive(ctx.outbox, Date.parse(now))) {
        await repo.markWorkerAlive(trx, ctx.outbox.worker, new Date(aliveUntil).toISOString())
        markedAlive = true
      }
      const going: OutboxMessageRow[] = []
      for (const message of found) {
        const refusal = (await ctx.outbox.kinds[message.kind].refusal?.(trx, message)) ?? null
        if (!refusal) {
          going.push(message)
          continue
        }
        await repo.setOutboxMessage(trx, message.id, {
          status: 'failed',
          attempts: message.attempts - 1, // never handed over: the claim's count is undone
          updated_at: now,
          last_response: `not sent: ${refusal}`,
        })
      }
      // A statement for the batch, not one per message: each is a round trip on PostgreSQL.
      const attemptIds = await repo.insertAttempts(trx, going, now, ctx.outbox.worker)
      for (const [kind, messages] of byKind(going))
        await ctx.outbox.kinds[kind].moveLetters?.(trx, messages, 'sending', now)
      const claimed: Claimed[] = []
      for (const message of going) {
        await onStep?.('claiming', message)
        claimed.push({ message, attemptId: attemptIds.get(message.id)! })
      }
      return { claimed, found: found.length }
    })
  // Only once committed: a transaction run again, or rolled back, wrote nothing.
  if (markedAlive) Object.assign(ctx.outbox.liveness, { worker: ctx.outbox.worker, aliveUntil })
  return batch
}

/** This outbox's worker was written alive until more than half the time from now. */
function stillAlive(outbox: OutboxCtx['outbox'], now: number): boolean {
  const { worker, aliveUntil } = outbox.liveness
  return worker === outbox.worker && aliveUntil - now >= WORKER_ALIVE_MS / 2
}

/**
 * How many more updates may be claimed now: UPDATES_PER_MINUTE less those the mail server
 * accepted in the rolling minute ending now and those being handed over (each may be accepted
 * within the coming minute). Counted in the database, so the limit holds across passes, restarts,
 * several messages in flight, and a worker in the server beside one run from the shell.
 * @NOTE why this is enough: every update accepted in a minute (t-60 s, t] was claimed by the
 * last claim c <= t; at c it was either already accepted after t-60 s >= c-60 s, in flight, or
 * claimed then, and those three together were held under the limit.
 */
async function updateAllowance(ctx: OutboxCtx, db: OutboxCtx['db'], now: string): Promise<number> {
  const since = new Date(Date.parse(now) - MINUTE).toISOString()
  // Two workers claiming at once must not both count the same room (READ COMMITTED, above).
  await repo.lockUpdateAllowance(db)
  return Math.max(
    0,
    ctx.config.members.updatesPerMinute - (await repo.countUpdatesSentSinceOrSending(db, since)),
  )
}
