import type { AppContext } from '../app-context.js'
import type { Scheduler } from '../outbox/index.js'
import { applyDueEmailChanges, noticeEmailChanges } from './mission-email-delay.js'

/**
 * The directory's periodic jobs: a mission's e-mail address change is told to the admins first
 * (its delay starts then), and applied once due.
 */
export function registerDirectoryJobs(
  scheduler: Scheduler,
  ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>,
): void {
  const everyMs = ctx.config.mail.workerIntervalMs
  scheduler.register({
    name: 'mission e-mail change notices',
    everyMs,
    run: () =>
      noticeEmailChanges(ctx, (db, recipient, notice) =>
        ctx.outbox.queue(db, { kind: 'organizer_notice', recipients: [recipient], payload: notice }),
      ),
  })
  scheduler.register({ name: 'mission e-mail changes due', everyMs, run: () => applyDueEmailChanges(ctx) })
}
