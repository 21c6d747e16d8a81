import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../src/context.js'
import type { OrganizerRole } from '../../src/db/schema.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { acceptInvite, inviteOrganizer } from '../../src/organizers/organizer-accounts.service.js'
import { organizerCookieNames } from '../../src/organizers/organizer-csrf.js'
import type { SignedInOrganizer } from '../../src/organizers/organizers.service.js'

export interface OrganizerSession {
  readonly organizer: SignedInOrganizer
  /** The Cookie header: the session (the CSRF tokens are bound to it). */
  readonly cookie: string
  /** The token for `_csrf` form fields and the x-csrf-token header. */
  readonly csrfToken: string
  /** Headers for a signed-in JSON change (cookie + x-csrf-token). */
  readonly apiHeaders: Record<string, string>
}

let counter = 0

/** Creates an organizer through a real invitation (no browser): the account and a session token. */
export async function createOrganizer(
  ctx: AppContext,
  options: { role?: OrganizerRole; name?: string } = {},
): Promise<{ organizer: SignedInOrganizer; sessionToken: string }> {
  counter += 1
  const role = options.role ?? 'organizer'
  const invite = await inviteOrganizer(ctx, SHELL_ACTOR, { role })
  const token = invite.url.split('/').pop() ?? ''
  return acceptInvite(ctx, token, {
    name: options.name ?? `Test ${role} ${counter}`,
    email: `${role}${counter}-${Date.now()}@example.org`,
    password: 'correct horse battery staple',
    passwordAgain: 'correct horse battery staple',
  })
}

/** Creates an organizer through a real invitation and signs it in, as a browser would. */
export async function signInOrganizer(
  app: FastifyInstance,
  ctx: AppContext,
  options: { role?: OrganizerRole; name?: string } = {},
): Promise<OrganizerSession> {
  const { organizer, sessionToken } = await createOrganizer(ctx, options)
  const session = `${organizerCookieNames(ctx.config).session}=${sessionToken}`
  const response = await app.inject({
    method: 'GET',
    url: '/api/organizers/csrf',
    headers: { cookie: session },
  })
  if (response.statusCode !== 200) throw new Error(`csrf: ${response.statusCode} ${response.body}`)
  const cookie = nextCookie(session, response)
  const csrfToken = (response.json() as { token: string }).token
  return { organizer, cookie, csrfToken, apiHeaders: { cookie, 'x-csrf-token': csrfToken } }
}

/** The value of a form's hidden _csrf field in a page. */
export function csrfFieldOf(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null
}

interface SetCookies {
  readonly cookies: ReadonlyArray<{ name: string; value: string; expires?: Date }>
}

/** The Cookie header a browser sends after `response`: `cookie`, with what it set or cleared. */
export function nextCookie(cookie: string, response: SetCookies): string {
  const jar = new Map(
    cookie
      .split(';')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  )
  for (const set of response.cookies) {
    const cleared = set.value === '' || (set.expires !== undefined && set.expires.getTime() <= Date.now())
    if (cleared) jar.delete(set.name)
    else jar.set(set.name, set.value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** A browser's visit to a form page: the page, the Cookie header it sends next, the form's CSRF field. */
export async function openForm(app: FastifyInstance, url: string, cookie = '') {
  const page = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })
  return { page, cookie: nextCookie(cookie, page), csrf: csrfFieldOf(page.body) ?? '' }
}

/**
 * Sends an invitation or setup form opened with openForm, as a browser would: the account's name,
 * e-mail and password (typed twice) with the form's CSRF field and cookies.
 */
export function sendAccountForm(
  app: FastifyInstance,
  link: string,
  form: { cookie: string; csrf: string },
  account: { name: string; email: string; password: string },
) {
  return app.inject({
    method: 'POST',
    url: link,
    headers: { cookie: form.cookie },
    payload: { _csrf: form.csrf, ...account, passwordAgain: account.password },
  })
}
