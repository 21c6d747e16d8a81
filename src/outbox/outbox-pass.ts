import type Mail from 'nodemailer/lib/mailer/index.js'
import type { OutboxMessageRow } from '../db/schema.js'
import { acceptedBatches } from './accepted-batches.js'
import { withBounceEnvelope } from './bounce-address.js'
import { type Claimed, claimBatch, type OnStep } from './claim.js'
import { type Accepted, type OutboxCtx, recordFailure } from './handover-records.js'
import type { Handover, MailTransport } from './transports.js'

// The outbox: every message is written to the database before it is handed to the mail server
// ("sending") and after ("sent", "queued" again, or "failed"). A message found "sending" when a
// worker starts was being handed over when the process died: the server may or may not have it.
// @NOTE the rule, for every kind of message: once the mail server may have a message, it is never
// handed over again by itself (same Message-ID, same recipients: a second delivery). It becomes
// "uncertain" (handover-records.ts). A mission letter or digest goes again only when an organizer
// says so; a writer or member asks again for what may be lost (a new link).
// Several messages are in flight at once (OUTBOX_CONCURRENCY), each claimed only when a place is
// free, so a message is "sending" only while it is really being handed over, or, once the server
// took it, until its record is written (at most OUTBOX_CONCURRENCY more).

export interface PassResult {
  sent: number
  retried: number
  failed: number
}

export interface PassOptions {
  /** At most this many messages claimed in one pass. */
  max?: number
  /** Messages in flight at once; OUTBOX_CONCURRENCY by default. */
  concurrency?: number
  /** Tests: called at each step of a handover (claim.ts, HandoverStep); a throw there ends the pass. */
  onStep?: OnStep
}

/**
 * One drain: every message due, up to `max`, handed over with up to `concurrency` in flight.
 * What follows a sent message (a writer's copy) is due at once and goes in the same pass. A throw
 * from onStep (a test's "process killed here") stops the claiming; the handovers in flight end,
 * then the pass rejects with it.
 */
export async function drainOutbox(
  ctx: OutboxCtx,
  transport: MailTransport,
  options: PassOptions = {},
): Promise<PassResult> {
  const max = options.max ?? 500
  const concurrency = Math.max(1, options.concurrency ?? ctx.config.mail.concurrency)
  const result: PassResult = { sent: 0, retried: 0, failed: 0 }
  // Handovers under way (a place each), and accepted ones whose record is being written. A place
  // is free again once the mail server has answered: the record follows in a batch while the next
  // message is handed over (on PostgreSQL a record is a few round trips, and waiting for it kept
  // the connections idle). @NOTE at most `concurrency` wait for their record: claiming pauses
  // beyond that, so a kill leaves at most twice `concurrency` messages uncertain.
  const inFlight = new Set<Promise<void>>()
  const recording = new Set<Promise<void>>()
  const refillAt = Math.ceil(concurrency / 2)
  const record = acceptedBatches(ctx)
  let claimedSoFar = 0
  let emptySinceLastHandover = false
  // Handovers and records that have ended: a claim that found nothing proves the outbox empty
  // only if none ended while it ran. @NOTE on PostgreSQL a claim runs beside a record on another
  // connection: it may read the outbox before the record queues a writer's copy and return after
  // the record's end was seen, and taking its "nothing" as final ended the pass with the copy
  // left behind, to wait for the next pass.
  let ended = 0
  let stop: { error: unknown } | null = null
  const fail = (error: unknown) => {
    stop ??= { error }
  }
  while (!stop) {
    const room = Math.min(
      concurrency - inFlight.size,
      2 * concurrency - inFlight.size - recording.size,
      max - claimedSoFar,
    )
    if (room > 0 && !emptySinceLastHandover && (room >= refillAt || inFlight.size === 0)) {
      let batch: { claimed: Claimed[]; found: number }
      const endedBeforeClaim = ended
      try {
        batch = await claimBatch(ctx, room, options.onStep)
      } catch (error) {
        stop = { error }
        break
      }
      claimedSoFar += batch.claimed.length
      emptySinceLastHandover = batch.found === 0 && ended === endedBeforeClaim
      for (const claimed of batch.claimed) {
        const id = claimed.message.id
        // In flight from the claim's commit to its record: reconcileInterrupted leaves it alone.
        ctx.outbox.inFlight.add(id)
        const handover: Promise<void> = handOver(ctx, transport, claimed, result, options.onStep)
          .then((accepted) => {
            if (!accepted) {
              ctx.outbox.inFlight.delete(id)
              return
            }
            const recorded: Promise<void> = recordSent(accepted, result, record, options.onStep)
              .catch(fail)
              .finally(() => {
                ctx.outbox.inFlight.delete(id)
                recording.delete(recorded)
                // A sent message may have queued another (a writer's copy): look again.
                ended++
                emptySinceLastHandover = false
              })
            recording.add(recorded)
          })
          .catch((error: unknown) => {
            ctx.outbox.inFlight.delete(id)
            fail(error)
          })
          .finally(() => {
            inFlight.delete(handover)
            ended++
            emptySinceLastHandover = false
          })
        inFlight.add(handover)
      }
      if (batch.found > 0) continue
    }
    if (inFlight.size === 0 && recording.size === 0) {
      // Nothing under way: the pass ends once the outbox was found empty (or its max claimed),
      // else it looks again.
      if (emptySinceLastHandover || room <= 0) break
      continue
    }
    await Promise.race([...inFlight, ...recording])
  }
  await Promise.all(inFlight)
  await Promise.all(recording)
  if (stop) throw stop.error
  return result
}

/** Hands one message over; the accepted handover to record, or null when it was not taken (recorded already). */
async function handOver(
  ctx: OutboxCtx,
  transport: MailTransport,
  { message, attemptId }: Claimed,
  result: PassResult,
  onStep?: OnStep,
): Promise<Accepted | null> {
  await onStep?.('claimed', message)
  let handover: Handover
  try {
    handover = await transport.send(withBounceEnvelope(ctx.config, message, await composeMail(ctx, message)))
  } catch (error) {
    const outcome = await recordFailure(ctx, message, attemptId, error)
    result[outcome === 'retry' ? 'retried' : 'failed']++
    return null
  }
  // @NOTE outside the try: a crash here (the server has the message, the database does not
  // know yet) must leave the message "sending", never be taken for a failed send and retried.
  await onStep?.('accepted', message)
  return { message, attemptId, handover }
}

/** The accepted handover written down (in a batch with others), then counted as sent. */
async function recordSent(
  accepted: Accepted,
  result: PassResult,
  record: (accepted: Accepted) => Promise<void>,
  onStep?: OnStep,
): Promise<void> {
  await record(accepted)
  await onStep?.('recorded', accepted.message)
  result.sent++
}

/** The e-mail of a message: its kind renders it; sender, Message-ID and Auto-Submitted are the outbox's. */
async function composeMail(ctx: OutboxCtx, message: OutboxMessageRow): Promise<Mail.Options> {
  const rules = ctx.outbox.kinds[message.kind]
  const mail = await rules.render(ctx, message)
  return {
    from: ctx.config.mail.from,
    to: JSON.parse(message.recipients) as string[],
    messageId: message.message_id,
    ...mail,
    // @NOTE nodemailer encodes every header value and refuses line breaks in them; the input
    // checks refuse CR/LF before that. Nothing a supporter types becomes a header of its own.
    headers: {
      'Auto-Submitted': rules.audience === 'mission' ? 'no' : 'auto-generated',
      ...(mail.headers as Record<string, string> | undefined),
    },
  }
}
