import type { AppContext } from '../app-context.js'
import { deleteOutboxFiles } from '../outbox/outbox-files.js'
import * as repo from './erasure.repository.js'

// An erasure request holds its address only as long as it must: until the erasure is done, or
// until its link expires unused. A periodic job (privacy-jobs.ts): two small queries on
// a table of a few rows when there is nothing to do.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log'>

const CANCELLED = 'cancelled: the erasure link expired unused'

/**
 * Finishes erasures whose .eml copies could not all be deleted (deletes them, then forgets the
 * address), and forgets the address of links that expired unused, with its message's recipients.
 */
export async function finishErasures(ctx: Ctx): Promise<{ finished: number; expired: number }> {
  let finished = 0
  for (const request of await repo.findUnfinishedErasures(ctx.db)) {
    if (!request.email) continue
    try {
      deleteOutboxFiles(ctx.config.mail.outboxDir, { containing: [request.email] })
    } catch (error) {
      ctx.log.warn({ err: error, request: request.id }, 'erasure: .eml copies still not deleted')
      continue
    }
    await repo.forgetErasureAddress(ctx.db, request.id)
    finished++
  }

  const now = ctx.clock.nowIso()
  const expired = await repo.findExpiredErasureRequests(ctx.db, now)
  for (const request of expired) {
    const email = request.email ?? ''
    const messageIds = await ctx.db.transaction().execute(async (trx) => {
      const messages = await repo.findErasureLinkMessages(trx, email)
      for (const message of messages) {
        await repo.scrubOutboxMessage(trx, message.id, {
          recipients: '[]',
          payload: null,
          updated_at: now,
          ...(message.status === 'queued' ? { status: 'failed' as const, last_response: CANCELLED } : {}),
        })
      }
      await repo.forgetErasureAddress(trx, request.id)
      return messages.map((m) => m.message_id)
    })
    // Only the link's own copy: the address's other mail is not ours to delete unasked. Should
    // this fail, the copy stays, holding a link that no longer works; the warning says so.
    try {
      deleteOutboxFiles(ctx.config.mail.outboxDir, { messageIds })
    } catch (error) {
      ctx.log.warn({ err: error, request: request.id }, 'erasure: expired link copy not deleted')
    }
  }
  return { finished, expired: expired.length }
}
