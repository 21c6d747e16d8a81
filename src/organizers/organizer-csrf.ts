import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { ForbiddenError } from '../lib/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preValidation hook: refuses a change whose CSRF token does not fit this request's secret. */
    csrfProtection: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyReply {
    /** A CSRF token for this request's forms (a fresh salt each call: no fixed string to guess). */
    generateCsrf(): string
  }
}

const isHttps = (config: Pick<Config, 'publicUrl'>) => config.publicUrl.startsWith('https:')

/**
 * The organizers' cookie names. On https they carry the `__Host-` prefix: a browser keeps such a
 * cookie only if it is Secure, has Path=/ and no Domain, so a page on a sibling subdomain or on
 * plain http cannot plant or overwrite it (cookie tossing).
 */
export function organizerCookieNames(config: Pick<Config, 'publicUrl'>) {
  const prefix = isHttps(config) ? '__Host-' : ''
  return { session: `${prefix}cb_organizer`, csrf: `${prefix}cb_csrf` } as const
}

/** The organizers' cookies' attributes: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure on https. */
export function organizerCookieOptions(config: Pick<Config, 'publicUrl'>) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: isHttps(config) }
}

/** A form from an old page, from another site, from another session, or without its token. */
export class CsrfError extends ForbiddenError {
  readonly field = '_csrf'

  constructor() {
    super(
      'This form is out of date or did not come from this site (its CSRF token is missing or wrong). Reload the page and send it again.',
      'csrf_invalid',
    )
  }
}

// Each signed-in request's secret, derived from its session token (bound in organizer-auth's
// onRequest hook once the session is found live), and a pre-session secret made during a request.
const sessionSecrets = new WeakMap<FastifyRequest, string>()
const madeSecrets = new WeakMap<FastifyRequest, string>()

const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/
const mac = (secret: string, salt: string) => createHmac('sha256', secret).update(salt).digest('base64url')

/**
 * A signed-in request's CSRF secret: an HMAC keyed by the session token (256 random bits that
 * only the HttpOnly cookie holds). Tokens therefore fit one session only, and a new session (each
 * sign-in) means new tokens; nothing more is stored.
 */
export function bindCsrfToSession(request: FastifyRequest, sessionToken: string): void {
  sessionSecrets.set(request, mac(sessionToken, 'code-blue organizer csrf v1'))
}

function tokenFor(secret: string): string {
  const salt = randomBytes(12).toString('base64url')
  return `${salt}.${mac(secret, salt)}`
}

function fits(secret: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > 100) return false
  const [salt, signature, extra] = token.split('.')
  if (!salt || !signature || extra !== undefined) return false
  const expected = Buffer.from(mac(secret, salt))
  const actual = Buffer.from(signature)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/**
 * CSRF tokens for organizers' forms (`_csrf`) and JSON calls (`x-csrf-token`). Signed in, the
 * secret is the session's (above), and nothing else is accepted. Before a session exists (the
 * sign-in and invitation forms: login CSRF), it is a random secret in an HttpOnly cookie of its
 * own, which the answer that starts a session clears (`endPreSession`).
 */
export function registerOrganizerCsrf(app: FastifyInstance, config: Pick<Config, 'publicUrl'>) {
  const cookieName = organizerCookieNames(config).csrf
  const options = organizerCookieOptions(config)
  const preSessionSecret = (request: FastifyRequest) => {
    const stored = request.cookies[cookieName]
    return madeSecrets.get(request) ?? (stored && SECRET_PATTERN.test(stored) ? stored : undefined)
  }
  const secretOf = (request: FastifyRequest) =>
    request.organizer ? sessionSecrets.get(request) : preSessionSecret(request)

  app.decorateReply('generateCsrf', function generateCsrf(this: FastifyReply): string {
    let secret = secretOf(this.request)
    if (!secret) {
      secret = randomBytes(32).toString('base64url')
      madeSecrets.set(this.request, secret)
      this.setCookie(cookieName, secret, options)
    }
    return tokenFor(secret)
  })

  app.decorate('csrfProtection', async (request: FastifyRequest) => {
    const secret = secretOf(request)
    const body = request.body as Record<string, unknown> | null | undefined
    const token = typeof body?._csrf === 'string' ? body._csrf : request.headers['x-csrf-token']
    if (!secret || !fits(secret, token)) throw new CsrfError()
  })
}

/** With the answer that starts a session: the pre-session secret (and its tokens) end. */
export function endPreSession(reply: FastifyReply, config: Pick<Config, 'publicUrl'>): void {
  reply.clearCookie(organizerCookieNames(config).csrf, organizerCookieOptions(config))
}
