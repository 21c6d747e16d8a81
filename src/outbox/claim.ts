import type { OutboxMessageRow } from '../db/schema.js'
import type { OutboxCtx } from './handover-records.js'
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
  return ctx.db.transaction().execute(async (trx) => {
    const first = await repo.claimDueFirst(trx, now, room)
    const left = room - first.length
    const allowance = left > 0 ? await updateAllowance(ctx, trx, now) : 0
    const found = [...first, ...(await repo.claimDueUpdates(trx, now, Math.min(left, allowance)))]
    // Known alive a while longer: no other worker takes what this one is handing over for gone.
    if (found.length > 0)
      await repo.markWorkerAlive(
        trx,
        ctx.outbox.worker,
        new Date(Date.parse(now) + WORKER_ALIVE_MS).toISOString(),
      )
    const claimed: Claimed[] = []
    for (const message of found) {
      const rules = ctx.outbox.kinds[message.kind]
      const refusal = (await rules.refusal?.(trx, message)) ?? null
      if (refusal) {
        await repo.setOutboxMessage(trx, message.id, {
          status: 'failed',
          attempts: message.attempts - 1, // never handed over: the claim's count is undone
          updated_at: now,
          last_response: `not sent: ${refusal}`,
        })
        continue
      }
      const attemptId = await repo.insertAttempt(trx, message.id, message.attempts, now, ctx.outbox.worker)
      await rules.moveLetters?.(trx, message, 'sending', now)
      await onStep?.('claiming', message)
      claimed.push({ message, attemptId })
    }
    return { claimed, found: found.length }
  })
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
  return Math.max(
    0,
    ctx.config.members.updatesPerMinute - (await repo.countUpdatesSentSinceOrSending(db, since)),
  )
}
