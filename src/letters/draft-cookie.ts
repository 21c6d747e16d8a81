import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { newLinkToken } from '../lib/tokens.js'
import { DRAFT_LIFE_DAYS } from './letter-states.js'

// The cookie that remembers, in the writing browser only, the draft it wrote to a state:
// "draft_fra=<letter id>.<secret>". The letter stores the secret's digest. The id alone is in
// every link to the letter, so it proves nothing; the secret proves this browser wrote the draft.

/** The cookie's life: a draft's (a week), so a shared computer does not reopen it for a month. */
export const DRAFT_COOKIE_SECONDS = DRAFT_LIFE_DAYS * 86_400

const PREFIX = 'draft_'
const VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

export interface DraftClaim {
  letterId: string
  secret: string
}

/** A new secret for a draft about to be written, and the digest the letter keeps. */
export function newDraftSecret(): { secret: string; hash: string } {
  const { token, hash } = newLinkToken()
  return { secret: token, hash }
}

/** What this browser's cookie for the state claims, if it is well formed. */
export function readDraftCookie(request: FastifyRequest, iso3: string): DraftClaim | null {
  const match = VALUE.exec(request.cookies[cookieName(iso3)] ?? '')
  return match ? { letterId: match[1]!, secret: match[2]! } : null
}

/** The secret this browser holds for `letterId`, in whichever state's cookie, if it holds one. */
export function draftSecretFor(request: FastifyRequest, letterId: string): string | undefined {
  for (const [name, value] of Object.entries(request.cookies)) {
    const match = name.startsWith(PREFIX) ? VALUE.exec(value ?? '') : null
    if (match?.[1] === letterId) return match[2]
  }
  return undefined
}

export function setDraftCookie(
  reply: FastifyReply,
  ctx: Pick<AppContext, 'config'>,
  iso3: string,
  claim: DraftClaim,
): void {
  reply.setCookie(cookieName(iso3), `${claim.letterId}.${claim.secret}`, {
    ...attributes(ctx),
    maxAge: DRAFT_COOKIE_SECONDS,
  })
}

export function clearDraftCookie(reply: FastifyReply, ctx: Pick<AppContext, 'config'>, iso3: string): void {
  reply.clearCookie(cookieName(iso3), attributes(ctx))
}

/**
 * Clears whichever of this browser's draft cookies points at `letterId`: the letter is on its way
 * (or gone), so there is no draft left to reopen.
 */
export function forgetDraft(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Pick<AppContext, 'config'>,
  letterId: string,
): void {
  for (const [name, value] of Object.entries(request.cookies)) {
    if (name.startsWith(PREFIX) && value?.startsWith(`${letterId}.`))
      clearDraftCookie(reply, ctx, name.slice(PREFIX.length))
  }
}

function cookieName(iso3: string): string {
  return `${PREFIX}${iso3.toLowerCase()}`
}

function attributes(ctx: Pick<AppContext, 'config'>) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.publicUrl.startsWith('https:'),
  }
}
