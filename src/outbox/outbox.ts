import type { Config } from '../config.js'
import type { Database } from '../db/connection.js'
import type { NewOutboxMessageRow, OutboxMessageRow } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'
import { newMessageId } from '../lib/tokens.js'
import { leaseHolderName } from './job-leases.js'
import type { KindTable, QueueRequest } from './kind-rules.js'
import { insertOutboxMessage, insertOutboxMessages } from './outbox.repository.js'

/** The outbox on the application context: what every module uses to send e-mail. */
export interface Outbox {
  /** Every kind's rules (kind-rules.ts), assembled once by the composition root. */
  readonly kinds: KindTable
  /** The domain of our Message-IDs: the sender address's. */
  readonly messageIdDomain: string
  /** This outbox's name in the attempts it claims ("host:pid:random"; worker-liveness.ts). */
  readonly worker: string
  /** The messages this outbox is handing over now (outbox-pass.ts keeps it). */
  readonly inFlight: Set<number>
  /**
   * Until when a worker of this outbox is known alive in the database (ms; 0: not yet written),
   * as claim.ts last wrote it, with that worker's name.
   */
  readonly liveness: { worker: string; aliveUntil: number }
  /**
   * Writes a message to the outbox inside the caller's transaction, due at once (or at the start
   * of its day, for a capped mission). Call wake() after the commit.
   */
  queue(db: Database, request: QueueRequest): Promise<OutboxMessageRow>
  /** As queue, several messages in one statement (what follows a batch of handovers). */
  queueMany(db: Database, requests: readonly QueueRequest[]): Promise<void>
  /** Tells a running worker there is mail to send now. @NOTE call it after the commit. */
  wake(): void
  /** The worker's side of wake(): returns a function that stops listening. */
  onWake(listener: () => void): () => void
}

/** The domain of the sender's address, for Message-IDs. */
export function messageIdDomainOf(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost'
}

export function createOutbox(config: Pick<Config, 'mail'>, clock: Clock, kinds: KindTable): Outbox {
  const throttled = Object.entries(kinds)
    .filter(([, rules]) => rules.priority === 'throttled')
    .map(([kind]) => kind)
  if (throttled.join() !== 'member_update')
    throw new Error(`the outbox throttles member_update alone (its indexes say so), not: ${throttled.join()}`)
  const listeners = new Set<() => void>()
  const messageIdDomain = messageIdDomainOf(config.mail.from)
  const newRow = (request: QueueRequest): NewOutboxMessageRow => {
    const now = clock.nowIso()
    const today = clock.today()
    const dueAt = request.sendDay && request.sendDay > today ? `${request.sendDay}T00:00:00.000Z` : now
    return {
      kind: request.kind,
      status: 'queued',
      letter_id: request.letterId ?? null,
      member_id: request.memberId ?? null,
      update_id: request.updateId ?? null,
      state_iso3: request.stateIso3 ?? null,
      digest_key: null,
      recipients: JSON.stringify(request.recipients),
      message_id: newMessageId(messageIdDomain),
      attempts: 0,
      send_day: request.sendDay ?? null,
      next_attempt_at: dueAt,
      payload: request.payload ? JSON.stringify(request.payload) : null,
      last_response: null,
      created_at: now,
      updated_at: now,
      sent_at: null,
    }
  }
  return {
    kinds,
    messageIdDomain,
    worker: leaseHolderName(),
    inFlight: new Set(),
    liveness: { worker: '', aliveUntil: 0 },
    queue(db, request) {
      return insertOutboxMessage(db, newRow(request))
    },
    async queueMany(db, requests) {
      await insertOutboxMessages(db, requests.map(newRow))
    },
    wake() {
      for (const listener of listeners) listener()
    },
    onWake(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
