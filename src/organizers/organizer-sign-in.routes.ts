import type { errorResponseBuilderContext } from '@fastify/rate-limit'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ValidationError } from '../lib/errors.js'
import { acceptInvite, openInvite } from './organizer-accounts.service.js'
import { organizerPageData, verifyCsrf } from './organizer-auth.js'
import { endPreSession, organizerCookieNames, organizerCookieOptions } from './organizer-csrf.js'
import { signIn, signOut } from './organizers.service.js'

type Form = Record<string, unknown>
const TOKEN_PARAMS = { params: Type.Object({ token: Type.String({ maxLength: 100 }) }) }
const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60

/**
 * Where to send an organizer after signing in: a path of the organizers' area on this site, else
 * `/organizers`. `next` is parsed as a browser would (which drops tabs and newlines and reads `\`
 * as `/`, so "/\t/evil.com" is another host), and what is sent on is the parsed path written out
 * again, never the raw input.
 */
function safeNext(next: unknown, publicUrl: string): string {
  if (typeof next !== 'string') return '/organizers'
  const site = new URL(publicUrl)
  let url: URL
  try {
    url = new URL(next, site.origin)
  } catch {
    return '/organizers'
  }
  const inArea = url.pathname === '/organizers' || url.pathname.startsWith('/organizers/')
  return url.origin === site.origin && inArea ? url.pathname + url.search : '/organizers'
}

/**
 * The way into the organizers' area, open to strangers: sign in and out, and the welcome page of
 * invitations (the first admin's too). Registered inside the area (organizers-area.ts), so its
 * paths are relative to /organizers.
 */
export const organizerSignInRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const sessionCookie = organizerCookieNames(ctx.config).session
  const cookieOptions = organizerCookieOptions(ctx.config)
  // A new session means new CSRF tokens (they are bound to it); the pre-session secret ends, and
  // a session this browser held before is closed rather than left live in the database.
  const startSession = async (request: FastifyRequest, reply: FastifyReply, token: string) => {
    const previous = request.cookies[sessionCookie]
    if (previous) await signOut(ctx, previous)
    endPreSession(reply, ctx.config)
    reply.setCookie(sessionCookie, token, { ...cookieOptions, maxAge: SESSION_MAX_AGE_S })
  }

  // Sign-in and the invitation form each test a secret (a password, a link) and may run scrypt:
  // a few tries per client per quarter-hour, counted per route.
  const attemptsLimit = (what: string) => ({
    rateLimit: {
      max: ctx.config.rateLimits.logins,
      timeWindow: '15 minutes',
      errorResponseBuilder: (_request: FastifyRequest, context: errorResponseBuilderContext) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'too_many_requests',
        message: `Too many ${what} from here. Try again in ${context.after}.`,
      }),
    },
  })

  const loginPage = (request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>) =>
    reply.viewAsync('pages/organizers/login.hbs', {
      title: 'Organizers: sign in',
      ...organizerPageData(request, reply),
      ...data,
    })

  app.get('/login', async (request, reply) => {
    const next = safeNext((request.query as Form).next, ctx.config.publicUrl)
    if (request.organizer) return reply.redirect(next, 303)
    return loginPage(request, reply, { next })
  })

  app.post(
    '/login',
    {
      preValidation: verifyCsrf(app),
      config: attemptsLimit('sign-in attempts'),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form
      const next = safeNext(form.next, ctx.config.publicUrl)
      const result = await signIn(ctx, form.email, form.password)
      if (!result) {
        reply.code(401)
        return loginPage(request, reply, {
          next,
          email: typeof form.email === 'string' ? form.email.slice(0, 254) : '',
          failed: true,
        })
      }
      await startSession(request, reply, result.sessionToken)
      request.log.info({ organizerId: result.organizer.id }, 'organizer signed in')
      return reply.redirect(next, 303)
    },
  )

  // Signed in, signing out is a change like any other and needs the page's token. With no live
  // session (it expired while the page was open) there is nothing to protect: the cookie is cleared.
  const verifySignOut = async (request: FastifyRequest) => {
    if (request.organizer) await app.csrfProtection(request)
  }
  app.post('/logout', { preValidation: verifySignOut }, async (request, reply) => {
    const token = request.cookies[sessionCookie]
    if (token) await signOut(ctx, token)
    reply.clearCookie(sessionCookie, cookieOptions)
    return reply.redirect('/organizers/login?signedOut=1', 303)
  })

  const welcomePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    data: Record<string, unknown> = {},
  ) => {
    const invite = await openInvite(ctx, token)
    return reply.viewAsync('pages/organizers/welcome.hbs', {
      title: invite.purpose === 'setup' ? 'Create the first admin account' : 'Join the organizers',
      ...organizerPageData(request, reply),
      invite: { role: invite.role, setup: invite.purpose === 'setup', expiresAt: invite.expires_at },
      token,
      values: {},
      errors: {},
      ...data,
    })
  }

  app.get('/welcome/:token', { schema: TOKEN_PARAMS }, async (request, reply) =>
    welcomePage(request, reply, request.params.token),
  )

  app.post(
    '/welcome/:token',
    { schema: TOKEN_PARAMS, preValidation: verifyCsrf(app), config: attemptsLimit('attempts at this form') },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form
      try {
        const { sessionToken } = await acceptInvite(ctx, request.params.token, {
          name: form.name,
          email: form.email,
          password: form.password,
          passwordAgain: form.passwordAgain,
        })
        await startSession(request, reply, sessionToken)
        return reply.redirect('/organizers', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return welcomePage(request, reply, request.params.token, {
          errors: error.errors,
          errorList: Object.entries(error.errors).map(([id, message]) => ({ id, message })),
          values: { name: form.name, email: form.email },
        })
      }
    },
  )
}
