import { registerCanvassingJobs } from './canvassing/canvassing-jobs.js'
import type { AppContext } from './context.js'
import { registerDeliveryJobs } from './delivery/delivery-jobs.js'
import { registerDirectoryJobs } from './directory/directory-jobs.js'
import {
  createScheduler,
  drainOutbox,
  jobLeases,
  type MailTransport,
  type PassOptions,
  type PassResult,
  type Scheduler,
} from './outbox/index.js'
import { registerPrivacyJobs } from './privacy/privacy-jobs.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>

/**
 * The one scheduler of periodic jobs, each registered by the module that owns it; server.ts and
 * scripts/outbox-work.ts start it beside the outbox worker. Jobs that queue mail wake the worker.
 */
export function createJobScheduler(ctx: Ctx): Scheduler {
  const scheduler = createScheduler({
    tickMs: ctx.config.mail.workerIntervalMs,
    onError: (job, error) => ctx.log.error({ err: error, job: job.name }, 'periodic job failed'),
    afterRun: () => ctx.outbox.wake(),
    // The server and `outbox:work` (and several app instances) may all run it: each job once.
    leases: jobLeases(ctx.db, ctx.clock),
  })
  registerAllJobs(scheduler, ctx)
  return scheduler
}

function registerAllJobs(scheduler: Scheduler, ctx: Ctx): void {
  registerDeliveryJobs(scheduler, ctx)
  registerCanvassingJobs(scheduler, ctx)
  registerPrivacyJobs(scheduler, ctx)
  registerDirectoryJobs(scheduler, ctx)
}

/**
 * Every periodic job once, then a drain of the outbox: what a process's worker and scheduler do
 * over time, in one call (tests, `npm run outbox:work -- --once`, the bench's setup).
 */
export async function runJobsThenDrain(
  ctx: Ctx,
  transport: MailTransport,
  options: PassOptions = {},
): Promise<PassResult> {
  const scheduler = createScheduler({
    tickMs: ctx.config.mail.workerIntervalMs,
    // A failing job fails the call, as a test expects to see.
    onError: (_job, error) => {
      throw error
    },
  })
  registerAllJobs(scheduler, ctx)
  await scheduler.runAllOnce()
  return drainOutbox(ctx, transport, options)
}
