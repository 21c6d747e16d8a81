import type { AppContext } from '../context.js'
import type { LetterRow, LetterStatus, OutboxMessageRow } from '../db/schema.js'
import { applyDueEmailChanges, noticeEmailChanges } from '../directory/mission-email-delay.js'
import { flagFailingMissionEmails } from '../directory/mission-email-failures.js'
import {
  changeLetterStatus,
  findLetterRowById,
  findLettersByOutboxId,
} from '../letters/letters-delivery.service.js'
import { nextMessageToSend, updateMailOf, whyUpdateMayNotGo } from '../members/update-sending.js'
import { withBounceEnvelope } from './bounce-address.js'
import { readBouncesWhenDue } from './bounce-mailbox.js'
import * as repo from './delivery.repository.js'
import { outboxEvents, queueMessage, remindAndExpire } from './delivery.service.js'
import {
  buildDigestMail,
  buildLetterMail,
  buildMemberMail,
  buildOrganizerNoticeMail,
} from './mail-content.js'
import { queueReplyRequests } from './reply-requests.js'
import { applyRetention } from './retention.js'
import { type Handover, type MailTransport, mayHaveArrived } from './transports.js'

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log'>

// The outbox: every message is written to the database before it is handed to the mail server
// ("sending") and after ("sent", "queued" again, or "failed"). A message found "sending" when a
// worker starts was being handed over when the process died: the server may or may not have it.
// @NOTE the rule, for every kind of message: once the mail server may have a message, it is never
// handed over again by itself (same Message-ID, same recipients: a second delivery). It becomes
// "uncertain" (markUncertain). A mission letter or digest goes again only when an organizer says
// so (outbox-resolve.ts); a writer or member asks again for what may be lost (a new link).

export interface PassResult {
  sent: number
  retried: number
  failed: number
}

/**
 * The steps of a handover, for tests that stop the process at each: 'claiming' inside the
 * transaction that marks the message "sending" (before it commits), 'claimed' once that is
 * committed (before the mail server is called), 'accepted' once the server took the message
 * (before that is recorded), 'recorded' once "sent" is committed.
 */
export type HandoverStep = 'claiming' | 'claimed' | 'accepted' | 'recorded'

export interface PassOptions {
  /** At most this many messages in one pass. */
  max?: number
  /** Tests: called at each step of a handover (see HandoverStep); a throw there ends the pass. */
  onStep?: (step: HandoverStep, message: OutboxMessageRow) => void | Promise<void>
}

/**
 * One pass: reminders and expiries, "did the mission reply?" questions, retention (personal
 * data removed RETENTION_DAYS after delivery), digests whose day is over, then every message due.
 */
export async function runOutboxOnce(
  ctx: Ctx,
  transport: MailTransport,
  options: PassOptions = {},
): Promise<PassResult> {
  await remindAndExpire(ctx)
  await queueReplyRequests(ctx)
  await applyRetention(ctx)
  await readBouncesWhenDue(ctx) // BOUNCE_IMAP_URL's mailbox, at most every BOUNCE_CHECK_INTERVAL_MS
  // Mission e-mail address changes: admins told first (the delay starts then), then those due.
  await noticeEmailChanges(ctx, (db, recipient, notice) =>
    queueMessage(ctx, db, { kind: 'organizer_notice', recipients: [recipient], payload: notice }),
  )
  await applyDueEmailChanges(ctx)
  await repo.queueDigestsBefore(ctx.db, ctx.clock.today(), ctx.clock.nowIso())
  const result: PassResult = { sent: 0, retried: 0, failed: 0 }
  for (let n = 0; n < (options.max ?? 500); n++) {
    const claimed = await claimNextMessage(ctx, options)
    if (!claimed) break
    const { message, attemptId } = claimed
    await options.onStep?.('claimed', message)
    let handover: Handover
    try {
      handover = await transport.send(withBounceEnvelope(ctx.config, message, await buildMail(ctx, message)))
    } catch (error) {
      const outcome = await recordFailure(ctx, message, attemptId, error)
      result[outcome === 'retry' ? 'retried' : 'failed']++
      continue
    }
    // @NOTE outside the try: a crash here (the server has the message, the database does not
    // know yet) must leave the message "sending", never be taken for a failed send and retried.
    await options.onStep?.('accepted', message)
    await recordAccepted(ctx, message, attemptId, handover)
    await options.onStep?.('recorded', message)
    result.sent++
  }
  return result
}

/** Marks the oldest due message "sending" (and its letters), in one transaction. */
async function claimNextMessage(
  ctx: Ctx,
  options: PassOptions,
): Promise<{ message: OutboxMessageRow; attemptId: number } | null> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const due = await nextSendable(ctx, trx, now)
    if (!due) return null
    const message = await repo.updateOutboxMessage(trx, due.id, {
      status: 'sending',
      attempts: due.attempts + 1,
      updated_at: now,
    })
    const attemptId = await repo.insertAttempt(trx, message.id, message.attempts, now)
    for (const letter of await lettersCarried(trx, message))
      await changeLetterStatus(trx, letter, 'sending', {}, now)
    await options.onStep?.('claiming', message)
    return { message, attemptId }
  })
}

/**
 * The next message due, other kinds before campaign updates and those within UPDATES_PER_MINUTE
 * (members/update-sending.ts). An update whose member left since it was queued is marked failed,
 * never handed over (attempts stay 0), with the reason, and the next message is taken instead.
 */
async function nextSendable(ctx: Ctx, trx: Ctx['db'], now: string): Promise<OutboxMessageRow | undefined> {
  for (;;) {
    const due = await nextMessageToSend(ctx, trx, now)
    const refusal = due ? await whyUpdateMayNotGo(trx, due) : null
    if (!due || !refusal) return due
    await repo.updateOutboxMessage(trx, due.id, {
      status: 'failed',
      updated_at: now,
      last_response: `not sent: ${refusal}`,
    })
  }
}

/** The letters whose delivery this message is: its letter, or a digest's letters. */
async function lettersCarried(db: Ctx['db'], message: OutboxMessageRow): Promise<LetterRow[]> {
  if (message.kind === 'digest') return findLettersByOutboxId(db, message.id)
  if (message.kind !== 'mission_letter' || message.letter_id === null) return []
  const letter = await findLetterRowById(db, message.letter_id)
  return letter ? [letter] : []
}

async function buildMail(ctx: Ctx, message: OutboxMessageRow) {
  if (message.kind === 'member_confirmation' || message.kind === 'erasure_link')
    return buildMemberMail(ctx.config, message)
  if (message.kind === 'member_update')
    return buildMemberMail(ctx.config, message, await updateMailOf(ctx, message))
  if (message.kind === 'organizer_notice') return buildOrganizerNoticeMail(ctx.config, message)
  if (message.kind === 'digest')
    return buildDigestMail(ctx.config, message, await findLettersByOutboxId(ctx.db, message.id))
  const letter = message.letter_id === null ? undefined : await findLetterRowById(ctx.db, message.letter_id)
  if (!letter)
    throw Object.assign(new Error(`outbox message ${message.id} has no letter`), { responseCode: 554 })
  return buildLetterMail(ctx.config, message, letter)
}

async function recordAccepted(
  ctx: Ctx,
  message: OutboxMessageRow,
  attemptId: number,
  handover: Handover,
): Promise<void> {
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateOutboxMessage(trx, message.id, {
      status: 'sent',
      sent_at: now,
      updated_at: now,
      last_response: handover.response.slice(0, 500),
      // A reply request's, a member confirmation's or an erasure link's payload is the only copy
      // of its link's token: once sent, it has served.
      ...(message.kind === 'reply_request' ||
      message.kind === 'member_confirmation' ||
      message.kind === 'erasure_link'
        ? { payload: null }
        : {}),
    })
    await repo.finishAttempt(trx, attemptId, now, 'accepted', handover.response)
    if (handover.rejected.length > 0 && message.state_iso3) {
      await flagFailingMissionEmails(trx, message.state_iso3, handover.rejected, now, handover.response)
    }
    for (const letter of await lettersCarried(trx, message)) {
      await changeLetterStatus(trx, letter, 'sent', { sent_at: now, message_id: message.message_id }, now)
      // Once delivered, the writer gets a copy of what was sent on their behalf.
      if (letter.supporter_email) {
        await queueMessage(ctx, trx, {
          kind: 'supporter_copy',
          letterId: letter.id,
          recipients: [letter.supporter_email],
        })
      }
    }
  })
  ctx.log.info({ outbox: message.id, kind: message.kind }, 'message accepted by the mail server')
}

/**
 * A 5xx reply is final: the message fails and, for a mission, its addresses are flagged for
 * organizers. Anything else (4xx, refused connection, timeout) is retried with exponential
 * backoff, 1 min, 4 min, 16 min ... up to 6 h between tries, until OUTBOX_MAX_ATTEMPTS.
 */
async function recordFailure(
  ctx: Ctx,
  message: OutboxMessageRow,
  attemptId: number,
  error: unknown,
): Promise<'retry' | 'failed'> {
  const now = ctx.clock.nowIso()
  const code = (error as { responseCode?: number }).responseCode
  const response = describeError(error)
  if (mayHaveArrived(error)) {
    // The whole message went out and no answer came back: the server may have queued it.
    // Retrying would risk a second delivery under the same Message-ID (the crash rule applies).
    const why = `no reply after the whole message was sent: ${response}`
    await ctx.db.transaction().execute((trx) => markUncertain(trx, message, now, why))
    ctx.log.warn(
      { outbox: message.id, kind: message.kind },
      'delivery uncertain: no reply from the mail server',
    )
    return 'failed'
  }
  const permanent = typeof code === 'number' && code >= 500
  const retry = !permanent && message.attempts < ctx.config.mail.maxAttempts
  await ctx.db.transaction().execute(async (trx) => {
    await repo.finishAttempt(
      trx,
      attemptId,
      now,
      permanent ? 'permanent_failure' : 'temporary_failure',
      response,
    )
    const next = retry
      ? new Date(
          ctx.clock.now().getTime() + Math.min(60_000 * 4 ** (message.attempts - 1), 6 * 3_600_000),
        ).toISOString()
      : message.next_attempt_at
    await repo.updateOutboxMessage(trx, message.id, {
      status: retry ? 'queued' : 'failed',
      next_attempt_at: next,
      updated_at: now,
      last_response: response.slice(0, 500),
    })
    if (permanent && message.state_iso3) {
      await flagFailingMissionEmails(
        trx,
        message.state_iso3,
        JSON.parse(message.recipients) as string[],
        now,
        response,
      )
    }
    const to: LetterStatus = retry ? 'queued' : 'failed'
    for (const letter of await lettersCarried(trx, message))
      await changeLetterStatus(trx, letter, to, {}, now)
  })
  ctx.log.warn(
    { outbox: message.id, kind: message.kind, code, retry },
    'mail server did not take the message',
  )
  return retry ? 'retry' : 'failed'
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const e = error as Error & { code?: string; responseCode?: number; response?: string }
  return [e.responseCode, e.code, e.response ?? e.message].filter(Boolean).join(' ')
}

/**
 * At start, before the first pass. Every message found "sending" may have reached the mail
 * server: it becomes "uncertain" and is NOT sent again. To a mission, a duplicate is worse than a
 * delay; organizers see it and decide. To a writer or member, the same holds: the mail server never
 * gets one Message-ID twice, and what may be lost can be asked for again (a new confirmation link
 * from the letter's page, the reminder three days on carries the link too).
 */
export async function reconcileInterrupted(ctx: Ctx): Promise<{ uncertain: number }> {
  const now = ctx.clock.nowIso()
  let uncertain = 0
  for (const message of await repo.findMessagesByStatus(ctx.db, 'sending')) {
    await ctx.db
      .transaction()
      .execute((trx) => markUncertain(trx, message, now, 'interrupted while being handed over'))
    uncertain++
  }
  if (uncertain > 0) ctx.log.warn({ uncertain }, 'outbox: messages interrupted by a stop')
  return { uncertain }
}

/** A message the mail server may or may not have: its open attempt, itself and its letters uncertain. */
async function markUncertain(
  trx: Ctx['db'],
  message: OutboxMessageRow,
  now: string,
  why: string,
): Promise<void> {
  for (const attempt of await repo.findAttempts(trx, message.id)) {
    if (attempt.finished_at === null) await repo.finishAttempt(trx, attempt.id, now, 'uncertain', why)
  }
  await repo.updateOutboxMessage(trx, message.id, {
    status: 'uncertain',
    updated_at: now,
    last_response: why.slice(0, 500),
  })
  for (const letter of await lettersCarried(trx, message))
    await changeLetterStatus(trx, letter, 'uncertain', {}, now)
}

export interface OutboxWorker {
  /** Run a pass now (after a confirmation). */
  wake(): void
  /** Stop after the pass under way, if any. */
  stop(): Promise<void>
}

/** The worker inside the server: a pass every `intervalMs`, and at once when woken. */
export async function startOutboxWorker(
  ctx: Ctx,
  transport: MailTransport,
  intervalMs: number,
): Promise<OutboxWorker> {
  await reconcileInterrupted(ctx)
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  const pass = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = runOutboxOnce(ctx, transport)
      .then(() => undefined)
      .catch((error: unknown) => ctx.log.error({ err: error }, 'outbox pass failed'))
      .finally(() => {
        running = null
        if (again && !stopped) {
          again = false
          pass()
        }
      })
  }
  const timer = setInterval(pass, intervalMs)
  timer.unref()
  outboxEvents.on('wake', pass)
  pass()
  return {
    wake: pass,
    async stop() {
      stopped = true
      clearInterval(timer)
      outboxEvents.off('wake', pass)
      await running
    },
  }
}
