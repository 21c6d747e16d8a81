import type { AppContext } from '../app-context.js'
import type { Scheduler } from '../outbox/index.js'
import { answerErasureAsks } from './erasure.service.js'
import { finishErasures } from './erasure-sweep.js'

/** The privacy module's periodic jobs: erasures to finish, and erasure links asked for on the form. */
export function registerPrivacyJobs(
  scheduler: Scheduler,
  ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>,
): void {
  const everyMs = ctx.config.mail.workerIntervalMs
  scheduler.register({ name: 'erasure sweep', everyMs, run: () => finishErasures(ctx) })
  // Looked up here, never while the form's request waits (the answer would tell who wrote).
  scheduler.register({ name: 'erasure links asked for', everyMs, run: () => answerErasureAsks(ctx) })
}
