import type { AppContext } from '../app-context.js'
import { removePersonalDataDeliveredBefore } from '../letters/index.js'
import { deleteOutboxFiles } from '../outbox/outbox-files.js'
import * as repo from './delivery.repository.js'
import { clearRemovedLines } from './moderation.repository.js'

// Retention (RETENTION_DAYS, 365 by default): a letter delivered that many days ago loses its
// writer's own paragraph and postal address (address lines and city), in the database and in the
// .eml copies of its messages. The name, e-mail and country stay: the letter is still theirs, and
// they may still erase it all.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log'>

const DAY = 86_400_000
/** Letters redacted per call: one call (one outbox pass) stays a short transaction. */
export const RETENTION_BATCH = 200

/**
 * The first instant whose letters are not due yet: a letter delivered on day D (UTC) is due from
 * the start of day D + `days`, and is due all of that day.
 */
export function retentionCutoff(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY).toISOString()
}

/** One retention step, a periodic job (delivery-jobs.ts): at most `limit` letters. */
export async function applyRetention(ctx: Ctx, limit = RETENTION_BATCH): Promise<number> {
  const before = retentionCutoff(ctx.clock.today(), ctx.config.members.retentionDays)
  const now = ctx.clock.nowIso()
  const { count, messageIds } = await ctx.db.transaction().execute(async (trx) => {
    const letters = await removePersonalDataDeliveredBefore(trx, before, now, limit)
    await clearRemovedLines(
      trx,
      letters.map((l) => l.id),
    )
    const ids = new Set<string>()
    for (const letter of letters) {
      for (const message of await repo.findMessagesOfLetter(trx, letter.id)) ids.add(message.message_id)
      const carrier =
        letter.outboxId === null ? undefined : await repo.findOutboxMessage(trx, letter.outboxId)
      if (carrier) ids.add(carrier.message_id)
    }
    return { count: letters.length, messageIds: [...ids] }
  })
  if (count > 0) {
    // After the commit (file I/O): should it fail, the letters are redacted all the same and the
    // copies stay until an organizer deletes them; the warning says how many letters.
    try {
      deleteOutboxFiles(ctx.config.mail.outboxDir, { messageIds })
    } catch (error) {
      ctx.log.warn({ err: error, letters: count }, 'retention: .eml copies not deleted')
    }
    ctx.log.info({ letters: count }, 'retention: personal paragraphs and addresses removed')
  }
  return count
}
