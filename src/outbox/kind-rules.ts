import type Mail from 'nodemailer/lib/mailer/index.js'
import type { Config } from '../config.js'
import type { Database } from '../db/connection.js'
import type { OutboxKind, OutboxMessageRow } from '../db/schema.js'
import type { Clock } from '../lib/clock.js'

// Message kinds are data: one row per kind says everything the outbox needs to know of it, so the
// worker has no switch on kind. The rows are written by the modules that own each kind and put
// together in one table by the composition root (src/outbox-kinds.ts): the outbox imports none.

/** What a message's letters become as the message moves (the letters' own state machine guards it). */
export type CarriedStatus = 'sending' | 'sent' | 'queued' | 'failed' | 'uncertain'

/** What rendering may read: the database (outside any transaction) and the configuration. */
export interface RenderContext {
  readonly db: Database
  readonly config: Config
  readonly clock: Clock
}

export interface KindRules {
  /**
   * Who reads it. A mission's mail is written by a person ("Auto-Submitted: no"); every other
   * message is automatic ("auto-generated"), so no out-of-office answers it.
   */
  readonly audience: 'mission' | 'writer' | 'member' | 'organizer'
  /**
   * 'first': in the order due. 'throttled': after every message of a 'first' kind, and never more
   * than UPDATES_PER_MINUTE accepted in a rolling minute (a throttled message with no member, an
   * organizer's test, goes first). @NOTE the partial indexes of migration 0008 name the throttled
   * kind: createOutbox refuses a table whose throttled kinds are not exactly `member_update`.
   */
  readonly priority: 'first' | 'throttled'
  /** The e-mail: recipients, subject, text, HTML, attachments (From and Message-ID are added). */
  render(ctx: RenderContext, message: OutboxMessageRow): Promise<Mail.Options>
  /** The payload is the only copy of a link's token: cleared once the mail server has it. */
  readonly clearPayloadWhenSent: boolean
  /**
   * Why the message must not go after all, read in the claim's transaction, or null. A refused
   * message is failed unsent (attempts unchanged) with the reason.
   */
  refusal?(db: Database, message: OutboxMessageRow): Promise<string | null>
  /**
   * Moves the letters whose delivery these messages (all of this kind) are, a mission letter's or
   * a digest's, along with them, in the outbox's transaction; `sent` also records when and under
   * which Message-ID. @NOTE several messages at once: the outbox claims and records in batches,
   * and a statement per batch rather than per message is most of the drain's speed on PostgreSQL.
   */
  moveLetters?(
    db: Database,
    messages: readonly OutboxMessageRow[],
    to: CarriedStatus,
    now: string,
  ): Promise<void>
  /**
   * What follows once the mail server has these messages (all of this kind), in the same
   * transaction: a writer's copy.
   */
  afterSent?(
    db: Database,
    messages: readonly OutboxMessageRow[],
    queue: QueueManyInTransaction,
  ): Promise<void>
  /**
   * Addresses the mail server refused (at once, or with a final 5xx): a mission's are flagged for
   * organizers by the directory.
   */
  onAddressesRefused?(
    db: Database,
    message: OutboxMessageRow,
    addresses: string[],
    now: string,
    response: string,
  ): Promise<void>
}

export type QueueInTransaction = (db: Database, request: QueueRequest) => Promise<OutboxMessageRow>
/** Several messages written in one statement, inside the caller's transaction. */
export type QueueManyInTransaction = (db: Database, requests: readonly QueueRequest[]) => Promise<void>

/** Every kind's rules: adding a kind to the schema fails to compile until its row exists. */
export type KindTable = Readonly<Record<OutboxKind, KindRules>>

/** A failure the mail server never saw: final at once (5xx-like), never retried. */
export function unsendable(reason: string): Error {
  return Object.assign(new Error(reason), { responseCode: 554 })
}

/** A message to write to the outbox (a digest is gathered by its own module, not queued here). */
export interface QueueRequest {
  kind: Exclude<OutboxKind, 'digest'>
  /** The letter the message is about; none for a member's messages. */
  letterId?: number | null
  /** The member a message is for (confirmation, campaign update), and the update it carries. */
  memberId?: number | null
  updateId?: number | null
  recipients: string[]
  stateIso3?: string
  /** A capped mission's day: due at its start. */
  sendDay?: string
  payload?: object
}

/** Messages grouped by kind, each kind's in the order given: a kind's rules take its messages at once. */
export function byKind(messages: readonly OutboxMessageRow[]): Map<OutboxKind, OutboxMessageRow[]> {
  const groups = new Map<OutboxKind, OutboxMessageRow[]>()
  for (const message of messages) {
    const group = groups.get(message.kind)
    if (group) group.push(message)
    else groups.set(message.kind, [message])
  }
  return groups
}
