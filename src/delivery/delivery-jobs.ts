import type { AppContext } from '../app-context.js'
import type { Scheduler } from '../outbox/index.js'
import { readBouncesWhenDue } from './bounce-mailbox.js'
import { queueDigestsDue } from './digests.js'
import { remindAndExpire } from './reminders.js'
import { applyRetention } from './retention.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>

/** Delivery's periodic jobs, each as often as the outbox looks for mail (OUTBOX_INTERVAL_MS). */
export function registerDeliveryJobs(scheduler: Scheduler, ctx: Ctx): void {
  const everyMs = ctx.config.mail.workerIntervalMs
  scheduler.register({ name: 'reminders and expiries', everyMs, run: () => remindAndExpire(ctx) })
  // Personal data removed RETENTION_DAYS after delivery, a batch at a time.
  scheduler.register({ name: 'retention', everyMs, run: () => applyRetention(ctx) })
  // BOUNCE_IMAP_URL's mailbox, at most every BOUNCE_CHECK_INTERVAL_MS.
  scheduler.register({
    name: 'bounce mailbox',
    everyMs: ctx.config.bounces.checkIntervalMs,
    run: () => readBouncesWhenDue(ctx),
  })
  scheduler.register({ name: 'digests whose day is over', everyMs, run: () => queueDigestsDue(ctx) })
}
