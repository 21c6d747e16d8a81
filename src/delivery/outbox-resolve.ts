import type { AppContext } from '../app-context.js'
import { changeLetterStatus, findLetterRowByReference } from '../letters/index.js'
import { ConflictError, NotFoundError } from '../lib/errors.js'
import { outboxRepository } from '../outbox/index.js'
import * as repo from './delivery.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/**
 * An organizer settles a letter whose delivery is uncertain or failed: 'sent' records that the
 * mission has it (they checked), 'resend' queues it again (they checked it did not arrive, or
 * fixed the address). Nothing else ever sends an uncertain letter again.
 */
export async function resolveDelivery(
  ctx: Ctx,
  reference: string,
  action: 'sent' | 'resend',
): Promise<string> {
  const letter = await findLetterRowByReference(ctx.db, reference.trim().toUpperCase())
  if (!letter) throw new NotFoundError(`No letter has the reference ${reference}.`)
  const message =
    letter.outbox_id === null ? undefined : await repo.findOutboxMessage(ctx.db, letter.outbox_id)
  if (!message || (message.status !== 'uncertain' && message.status !== 'failed')) {
    throw new ConflictError(
      `Letter ${letter.reference} is ${letter.status}: only an uncertain or failed delivery can be settled.`,
    )
  }
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    if (action === 'sent') {
      await outboxRepository.updateOutboxMessage(trx, message.id, {
        status: 'sent',
        sent_at: now,
        updated_at: now,
        last_response: 'recorded as delivered by an organizer',
      })
      await changeLetterStatus(trx, letter, 'sent', { sent_at: now, message_id: message.message_id }, now)
    } else {
      await outboxRepository.updateOutboxMessage(trx, message.id, {
        status: 'queued',
        next_attempt_at: now,
        updated_at: now,
      })
      await changeLetterStatus(trx, letter, 'queued', {}, now)
    }
  })
  return action === 'sent'
    ? `${letter.reference}: recorded as delivered`
    : `${letter.reference}: queued to be sent again`
}
