import type { OutboxCtx } from './handover-records.js'
import { reconcileInterrupted } from './handover-records.js'
import { drainOutbox } from './outbox-pass.js'
import type { MailTransport } from './transports.js'

export interface OutboxWorker {
  /** Run a pass now (after a confirmation). */
  wake(): void
  /** Stop after the pass under way, if any. */
  stop(): Promise<void>
}

const RECONCILE_EVERY_MS = 30_000

/**
 * The worker: reconciles what a stop interrupted, then drains the outbox every `intervalMs`, and
 * at once when ctx.outbox.wake() is called. One pass at a time; a wake during a pass runs another
 * right after it.
 */
export async function startOutboxWorker(
  ctx: OutboxCtx,
  transport: MailTransport,
  intervalMs: number,
): Promise<OutboxWorker> {
  await reconcileInterrupted(ctx)
  // Another worker on the database may die meanwhile: what it left "sending" is found here.
  let lastReconciled = Date.now()
  const reconcileNowAndThen = async () => {
    if (Date.now() - lastReconciled < RECONCILE_EVERY_MS) return
    lastReconciled = Date.now()
    await reconcileInterrupted(ctx)
  }
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  const pass = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = reconcileNowAndThen()
      .then(() => drainOutbox(ctx, transport))
      .then(() => undefined)
      .catch((error: unknown) => ctx.log.error({ err: error }, 'outbox pass failed'))
      .finally(() => {
        running = null
        if (again && !stopped) {
          again = false
          pass()
        }
      })
  }
  const timer = setInterval(pass, intervalMs)
  timer.unref()
  const stopListening = ctx.outbox.onWake(pass)
  pass()
  return {
    wake: pass,
    async stop() {
      stopped = true
      clearInterval(timer)
      stopListening()
      await running
    },
  }
}
