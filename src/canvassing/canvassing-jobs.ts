import type { AppContext } from '../app-context.js'
import type { Scheduler } from '../outbox/index.js'
import { queueReplyRequests } from './reply-requests.js'

/** Canvassing's periodic job: "did the mission reply?", asked of writers weeks after delivery. */
export function registerCanvassingJobs(
  scheduler: Scheduler,
  ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'outbox'>,
): void {
  scheduler.register({
    name: 'reply requests',
    everyMs: ctx.config.mail.workerIntervalMs,
    run: () => queueReplyRequests(ctx),
  })
}
