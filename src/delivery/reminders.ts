import type { AppContext } from '../app-context.js'
import { changeLetterStatus, findAwaitingConfirmation } from '../letters/index.js'
import * as repo from './delivery.repository.js'
import { isPast } from './delivery.service.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'outbox'>

const DAY = 86_400_000
export const REMINDER_AFTER_DAYS = 3

/**
 * Sends the one reminder (3 days on) to writers who have not confirmed, and expires the letters
 * whose link has run out. A periodic job (delivery-jobs.ts).
 */
export async function remindAndExpire(ctx: Ctx): Promise<{ reminded: number; expired: number }> {
  const now = ctx.clock.nowIso()
  const remindBefore = new Date(ctx.clock.now().getTime() - REMINDER_AFTER_DAYS * DAY).toISOString()
  let reminded = 0
  let expired = 0
  for (const letter of await findAwaitingConfirmation(ctx.db, remindBefore, now)) {
    await ctx.db.transaction().execute(async (trx) => {
      if (isPast(ctx, letter.confirm_expires_at)) {
        await changeLetterStatus(trx, letter, 'expired', {}, now)
        await repo.clearPayloadsOfLetter(trx, letter.id)
        expired++
      } else if (!letter.reminded_at) {
        const messages = await repo.findMessagesOfLetter(trx, letter.id)
        const link = messages.findLast((m) => m.kind === 'confirmation' && m.payload !== null)?.payload
        if (link) {
          await ctx.outbox.queue(trx, {
            kind: 'reminder',
            letterId: letter.id,
            recipients: [letter.supporter_email ?? ''],
            payload: JSON.parse(link) as object,
          })
        }
        await changeLetterStatus(trx, letter, 'awaiting_confirmation', { reminded_at: now }, now)
        reminded++
      }
    })
  }
  return { reminded, expired }
}
