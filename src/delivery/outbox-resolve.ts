import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { LetterRow, OutboxMessageRow } from '../db/schema.js'
import { changeLetterStatus, findLetterRowByReference } from '../letters/index.js'
import { ConflictError, NotFoundError } from '../lib/errors.js'
import { type Actor, COMMAND_LINE_ACTOR, recordAudit } from '../organizers/index.js'
import { outboxRepository } from '../outbox/index.js'
import * as repo from './delivery.repository.js'
import type { MissionCheck } from './mission-check-input.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

export type ResolveAction = 'sent' | 'resend'

/** A letter whose e-mail needs an organizer, as the settling form shows it. */
export interface DeliveryToSettle {
  reference: string
  stateIso3: string
  letterStatus: string
  messageStatus: 'uncertain' | 'failed'
  attempts: number
  lastResponse: string | null
  updatedAt: string
}

/** The uncertain or failed delivery of the letter `reference`; 404 or 409 (naming why) otherwise. */
export async function findDeliveryToSettle(
  ctx: Pick<AppContext, 'db'>,
  reference: string,
): Promise<DeliveryToSettle> {
  const { letter, message } = await requireSettleable(ctx.db, reference)
  return {
    reference: letter.reference,
    stateIso3: letter.state_iso3,
    letterStatus: letter.status,
    messageStatus: message.status as DeliveryToSettle['messageStatus'],
    attempts: message.attempts,
    lastResponse: message.last_response,
    updatedAt: message.updated_at,
  }
}

/**
 * An organizer settles a letter whose delivery is uncertain or failed: 'sent' records that the
 * mission has it (they checked), 'resend' queues it again (they checked it did not arrive, or
 * fixed the address). Nothing else ever sends an uncertain letter again. Audited under `actor`
 * (the command line's by default) with the mission's check, in the transaction of the change.
 */
export async function resolveDelivery(
  ctx: Ctx,
  reference: string,
  action: ResolveAction,
  options: { actor?: Actor; check?: MissionCheck | null } = {},
): Promise<string> {
  const now = ctx.clock.nowIso()
  const settled = await ctx.db.transaction().execute(async (trx) => {
    // Read in the transaction: two organizers settling the same letter at once cannot both do it.
    const { letter, message } = await requireSettleable(trx, reference)
    // The mail server refused a failed e-mail: it cannot have reached the mission that way.
    if (action === 'sent' && message.status === 'failed')
      throw new ConflictError(
        `Letter ${letter.reference}'s e-mail failed (the mail server refused it), so it cannot be recorded as delivered: send it again once the mission's address is checked.`,
      )
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
    await recordAudit(trx, options.actor ?? COMMAND_LINE_ACTOR, now, {
      action: action === 'sent' ? 'delivery.resolve_sent' : 'delivery.resolve_resend',
      subjectType: 'letter',
      subjectId: letter.reference,
      summary:
        action === 'sent'
          ? `Recorded the ${message.status} e-mail of letter ${letter.reference} (${letter.state_iso3}) as delivered`
          : `Queued the ${message.status} e-mail of letter ${letter.reference} (${letter.state_iso3}) to be sent again`,
      details: { was: message.status, attempts: message.attempts, check: options.check ?? null },
    })
    return letter
  })
  return action === 'sent'
    ? `${settled.reference}: recorded as delivered`
    : `${settled.reference}: queued to be sent again`
}

async function requireSettleable(
  db: Database,
  reference: string,
): Promise<{ letter: LetterRow; message: OutboxMessageRow }> {
  const letter = await findLetterRowByReference(db, reference.trim().toUpperCase())
  if (!letter) throw new NotFoundError(`No letter has the reference ${reference}.`)
  const message = letter.outbox_id === null ? undefined : await repo.findOutboxMessage(db, letter.outbox_id)
  if (!message || (message.status !== 'uncertain' && message.status !== 'failed')) {
    throw new ConflictError(
      `Letter ${letter.reference} is ${letter.status}: only an uncertain or failed delivery can be settled.`,
    )
  }
  return { letter, message }
}
