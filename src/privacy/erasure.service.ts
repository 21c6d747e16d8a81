import type { AppContext } from '../app-context.js'
import { DEFAULT_LANGUAGE, type SiteLanguage } from '../i18n/index.js'
import {
  eraseLettersOfAddress,
  findLettersOfAddress,
  hasLettersOfAddress,
  type RedactedLetter,
} from '../letters/index.js'
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../lib/errors.js'
import { isPlausibleEmail } from '../lib/text-safety.js'
import { hashToken, newLinkToken } from '../lib/tokens.js'
import { recordAudit, SHELL_ACTOR } from '../organizers/index.js'
import { deleteOutboxFiles } from '../outbox/outbox-files.js'
import * as repo from './erasure.repository.js'
import { scrubOutbox } from './erasure-scrub.js'

// "Erase my data": whoever can read the mail of an address may erase everything the campaign
// holds under it. The request is answered the same way whether or not the address is known, so
// the form tells nobody who wrote a letter or joined; only the mailbox's owner learns, by the link.
// Nor does the answer's time tell: the request only records the ask (the same single write for
// any address); the outbox pass looks the address up afterwards and queues the link if known.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log' | 'outbox'>

const HOUR = 3_600_000
export const ERASURE_LINK_HOURS = 48
/** A second link to the same address within this many minutes is not sent (nobody is mail-bombed). */
export const ERASURE_RESEND_MINUTES = 15

const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** Asks answered per outbox pass: a flood of asks waits for later passes, mail goes on. */
export const ERASURE_ASKS_PER_PASS = 200

/**
 * The form's request (field `email`): recorded, for the outbox pass to answer. Throws a
 * ValidationError naming `email` for an address that is not one (that check does not depend on
 * what the campaign holds).
 */
export async function requestErasure(
  ctx: Ctx,
  body: unknown,
  language: SiteLanguage = DEFAULT_LANGUAGE,
): Promise<void> {
  const email = parseEmail(body)
  await repo.insertErasureAsk(ctx.db, email, ctx.clock.nowIso(), language)
  // After this turn: the pass that answers the ask must not run before the answer is sent.
  setImmediate(() => ctx.outbox.wake())
}

/**
 * The outbox pass's side of the form: for each ask waiting, if any letter or membership holds
 * the address, a link is queued to it (one per address in ERASURE_RESEND_MINUTES); then the ask
 * is forgotten, with the address of anyone the campaign does not know. Returns the links queued.
 */
export async function answerErasureAsks(ctx: Ctx, limit = ERASURE_ASKS_PER_PASS): Promise<number> {
  let queued = 0
  for (const ask of await repo.findErasureAsks(ctx.db, limit)) {
    const now = ctx.clock.now()
    const since = new Date(now.getTime() - ERASURE_RESEND_MINUTES * 60_000).toISOString()
    const send =
      (await isKnownAddress(ctx, ask.email)) &&
      !(await repo.findRecentErasureRequest(ctx.db, ask.email, since))
    await ctx.db.transaction().execute(async (trx) => {
      if (send) await queueErasureLink(ctx, trx, ask.email, now, ask.site_language)
      await repo.deleteErasureAsk(trx, ask.id)
    })
    if (send) queued++
  }
  return queued
}

async function isKnownAddress(ctx: Ctx, email: string): Promise<boolean> {
  return (
    (await hasLettersOfAddress(ctx.db, email)) || (await repo.findMembersByEmails(ctx.db, [email])).length > 0
  )
}

async function queueErasureLink(
  ctx: Ctx,
  trx: Ctx['db'],
  email: string,
  now: Date,
  language: SiteLanguage,
): Promise<void> {
  const expiresAt = new Date(now.getTime() + ERASURE_LINK_HOURS * HOUR).toISOString()
  const { token, hash } = newLinkToken()
  await repo.insertErasureRequest(trx, {
    token_hash: hash,
    email,
    requested_at: now.toISOString(),
    expires_at: expiresAt,
  })
  await ctx.outbox.queue(trx, {
    kind: 'erasure_link',
    recipients: [email],
    // @NOTE the only copy of the token; the worker clears it once the mail server has it.
    payload: { url: `${ctx.config.publicUrl}/privacy/erase/${token}`, expires: expiresAt, lang: language },
  })
}

/** What the link's page lists before anything is erased. */
export interface ErasurePreview {
  letters: RedactedLetter[]
  memberships: { kind: string; status: string }[]
  expiresAt: string
}

/** What a link would erase; 404 unknown, 410 expired, 409 already used. */
export async function previewErasure(ctx: Ctx, token: string): Promise<ErasurePreview> {
  const request = await usableRequest(ctx, ctx.db, token)
  const email = request.email ?? ''
  const members = await repo.findMembersByEmails(ctx.db, [email])
  return {
    letters: await findLettersOfAddress(ctx.db, email),
    memberships: members.map((m) => ({ kind: m.kind, status: m.status })),
    expiresAt: request.expires_at,
  }
}

export interface ErasureResult {
  letters: number
  members: number
  messages: number
  attempts: number
  bounces: number
  files: number
}

/**
 * Erases every trace of the link's address, in one transaction: letters (kept, counted, without
 * the person), memberships, the outbox's messages and answers; then deletes the .eml copies.
 */
export async function eraseByLink(ctx: Ctx, token: string): Promise<ErasureResult> {
  const now = ctx.clock.nowIso()
  const done = await ctx.db.transaction().execute(async (trx) => {
    // Read inside the transaction: two presses of the button erase once.
    const request = await usableRequest(ctx, trx, token)
    const email = request.email ?? ''
    const letters = await eraseLettersOfAddress(trx, email, now)
    const members = await repo.findMembersByEmails(trx, [email])
    for (const member of members) await repo.eraseMember(trx, member.id, now)
    const memberIds = members.map((m) => m.id)
    const outbox = await scrubOutbox(trx, email, letters, memberIds, now)
    await repo.clearSupporterEngagementTexts(
      trx,
      letters.map((l) => l.id),
    )
    await repo.clearReviewRemovedLines(
      trx,
      letters.map((l) => l.id),
    )
    await repo.closeOtherErasureRequests(trx, email, request.id, now)
    // @NOTE this request keeps the address until the .eml copies are gone (below): it is what a
    // later pass needs to finish the job if deleting them fails.
    await repo.completeErasureRequest(trx, request.id, now)
    const counts = {
      letters: letters.length,
      members: members.length,
      messages: outbox.messages,
      attempts: outbox.attempts,
      bounces: outbox.bounces,
    }
    await recordAudit(trx, SHELL_ACTOR, now, {
      action: 'privacy.erase',
      subjectType: 'erasure_request',
      subjectId: String(request.id),
      summary: `Erased at the person's request, from the link e-mailed to them: ${counts.letters} letters, ${counts.members} memberships, ${counts.messages} outbox messages`,
      details: counts,
    })
    return { request, email, counts, messageIds: outbox.messageIds }
  })
  const files = finishErasure(ctx, done.request.id, done.email, done.messageIds)
  return { ...done.counts, files: await files }
}

/**
 * After the commit, outside the transaction (file I/O): deletes the .eml copies, then forgets
 * the address. If deleting fails (or the process stops first), the address stays on the request
 * and `finishErasures` (each outbox pass) deletes the files still holding it, then forgets it.
 */
async function finishErasure(ctx: Ctx, id: number, email: string, messageIds: string[]): Promise<number> {
  try {
    const files = deleteOutboxFiles(ctx.config.mail.outboxDir, { messageIds, containing: [email] })
    await repo.forgetErasureAddress(ctx.db, id)
    return files
  } catch (error) {
    ctx.log.warn({ err: error, request: id }, 'erasure: .eml copies not deleted yet; the next pass retries')
    return 0
  }
}

async function usableRequest(ctx: Ctx, db: Ctx['db'], token: string) {
  const request = TOKEN.test(token)
    ? await repo.findErasureRequestByTokenHash(db, hashToken(token))
    : undefined
  if (!request)
    throw new NotFoundError(
      'This link is not valid. Please use the link in the latest e-mail we sent you, or ask for a new one.',
    )
  if (request.completed_at)
    throw new ConflictError('This link has been used: the data held under this address was erased.')
  if (request.expires_at <= ctx.clock.nowIso() || !request.email)
    throw new GoneError(
      `This link has expired: links work for ${ERASURE_LINK_HOURS} hours. Ask for a new one at /privacy/erase.`,
    )
  return request
}

function parseEmail(body: unknown): string {
  const raw = body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined
  const email = typeof raw === 'string' ? raw.trim() : ''
  if (email === '') throw new ValidationError({ email: 'Give the e-mail address the campaign knows you by.' })
  if (!isPlausibleEmail(email))
    throw new ValidationError({
      email: 'This does not look like an e-mail address: check it for typing errors.',
    })
  return email.toLowerCase()
}
