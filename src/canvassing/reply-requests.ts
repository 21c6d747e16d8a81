import type { AppContext } from '../app-context.js'
import type { LetterRow, ReplyAnswer } from '../db/schema.js'
import { addresseeStateNameOf } from '../letters/index.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { hashToken, newLinkToken } from '../lib/tokens.js'
import { recordSupporterAnswer } from './engagements.service.js'
import * as repo from './reply-requests.repository.js'

// "Did the mission reply?": missions answer a letter's writer, not the campaign, so the campaign
// asks the writer, once, 14 days after delivery. The answers feed the replies table (canvassing).

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'outbox'>

const DAY = 86_400_000
export const REPLY_REQUEST_AFTER_DAYS = 14
/**
 * Past this, the question comes too late to be useful and is not asked: this also keeps letters
 * delivered before the question existed from being asked all at once.
 */
export const REPLY_REQUEST_UNTIL_DAYS = 45
/** Questions queued per call: one call (one outbox pass) stays a short transaction. */
export const REPLY_REQUEST_BATCH = 200
export const REPLY_ANSWERS: readonly ReplyAnswer[] = ['replied', 'acknowledged', 'no_reply']

const TOKEN = /^[A-Za-z0-9_-]{43}$/

/**
 * Queues the question to the writers of letters delivered 14 to 45 days ago and not asked yet
 * (at most `limit`); the outbox sends them. Returns how many were queued. A periodic job
 * (canvassing-jobs.ts).
 */
export async function queueReplyRequests(ctx: Ctx, limit = REPLY_REQUEST_BATCH): Promise<number> {
  const daysAgo = (days: number) => new Date(ctx.clock.now().getTime() - days * DAY).toISOString()
  const due = await repo.findLettersDueForReplyRequest(
    ctx.db,
    daysAgo(REPLY_REQUEST_UNTIL_DAYS),
    daysAgo(REPLY_REQUEST_AFTER_DAYS),
    limit,
  )
  if (due.length === 0) return 0
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    let queued = 0
    for (const letter of due) {
      const { token, hash } = newLinkToken()
      // A worker in the server and one run from the shell may both see the letter: one asks.
      if (!(await repo.markReplyRequested(trx, letter.id, hash, now))) continue
      await ctx.outbox.queue(trx, {
        kind: 'reply_request',
        letterId: letter.id,
        recipients: [letter.supporter_email],
        // @NOTE the only copy of the token; the worker clears it once the mail server has it.
        payload: { url: `${ctx.config.publicUrl}/replies/${token}` },
      })
      queued++
    }
    return queued
  })
}

/** What the answer page shows about the letter a link is for (nothing about its writer). */
export interface ReplyQuestion {
  stateName: string
  reference: string
  sentAt: string | null
  /** The writer's answer so far (they may change it), null before the first. */
  answer: ReplyAnswer | null
  answeredAt: string | null
}

/** The question behind a link; 404 for a link we did not send. */
export async function findReplyQuestion(ctx: Pick<Ctx, 'db'>, token: string): Promise<ReplyQuestion> {
  return toQuestion(await letterOfToken(ctx, token))
}

/**
 * Records the writer's answer (form field `answer`): on the letter, and as the letter's
 * engagement with its state, in one transaction. Answering again replaces the answer.
 */
export async function answerReplyRequest(ctx: Ctx, token: string, body: unknown): Promise<ReplyQuestion> {
  const letter = await letterOfToken(ctx, token)
  const answer = parseAnswer(body)
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    await repo.saveReplyAnswer(trx, letter.id, answer, now)
    await recordSupporterAnswer(ctx, trx, { letterId: letter.id, iso3: letter.state_iso3, answer })
  })
  return { ...toQuestion(letter), answer, answeredAt: now }
}

/** `raw` if it is one of the three answers, else null (a link's query string may hold anything). */
export function asReplyAnswer(raw: unknown): ReplyAnswer | null {
  return typeof raw === 'string' && (REPLY_ANSWERS as readonly string[]).includes(raw)
    ? (raw as ReplyAnswer)
    : null
}

function parseAnswer(body: unknown): ReplyAnswer {
  const raw = body && typeof body === 'object' ? (body as { answer?: unknown }).answer : undefined
  const answer = asReplyAnswer(raw)
  if (!answer)
    throw new ValidationError({
      answer: 'Choose one of the three answers: replied, acknowledged only, or no reply yet.',
    })
  return answer
}

async function letterOfToken(ctx: Pick<Ctx, 'db'>, token: string): Promise<LetterRow> {
  const letter = TOKEN.test(token)
    ? await repo.findLetterByReplyTokenHash(ctx.db, hashToken(token))
    : undefined
  if (!letter)
    throw new NotFoundError(
      'This link is not valid. Please use the link in the e-mail that asked whether the mission replied.',
    )
  return letter
}

function toQuestion(letter: LetterRow): ReplyQuestion {
  return {
    stateName: addresseeStateNameOf(letter),
    reference: letter.reference,
    sentAt: letter.sent_at,
    answer: letter.reply_answer,
    answeredAt: letter.reply_answered_at,
  }
}
