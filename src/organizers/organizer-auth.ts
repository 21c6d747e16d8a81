import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { AppContext } from '../app-context.js'
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js'
import { bindCsrfToSession, organizerCookieNames, registerOrganizerCsrf } from './organizer-csrf.js'
import { organizerForSession, type SignedInOrganizer } from './organizers.service.js'
import { can, type Permission } from './permissions.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The organizer signed in with this request's session cookie, or null. */
    organizer: SignedInOrganizer | null
  }
}

/**
 * Who is signed in (`request.organizer`), and CSRF tokens for every state-changing organizer
 * form and JSON call, bound to the session (organizer-csrf.ts): `_csrf` in each form, or the
 * `x-csrf-token` header.
 */
export const organizerAuthPlugin = fp(
  async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
    registerOrganizerCsrf(app, ctx.config)
    const sessionCookie = organizerCookieNames(ctx.config).session
    app.decorateRequest('organizer', null)
    app.addHook('onRequest', async (request) => {
      const token = request.cookies[sessionCookie]
      request.organizer = token ? await organizerForSession(ctx, token) : null
      if (request.organizer && token) bindCsrfToSession(request, token)
    })
  },
  { name: 'organizer-auth', dependencies: ['@fastify/cookie'] },
)

/** onRequest hook for organizers' pages: strangers are sent to sign in, and come back after. */
export async function requireOrganizerPage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.organizer) return
  const next = request.method === 'GET' ? request.url : '/organizers'
  await reply.redirect(`/organizers/login?next=${encodeURIComponent(next)}`, 303)
}

/** onRequest hook for organizers' JSON: 401 before anything else is read. */
export async function requireOrganizerApi(request: FastifyRequest): Promise<void> {
  if (!request.organizer) {
    throw new UnauthorizedError(
      'This is for organizers: sign in at /organizers/login and send the session cookie.',
    )
  }
}

/**
 * onRequest hook, after requireOrganizer*: only a role with `permission` passes (permissions.ts);
 * the others get a 403 naming what is missing, page or JSON.
 */
export function requirePermission(permission: Permission) {
  return async function permissionGuard(request: FastifyRequest): Promise<void> {
    const role = request.organizer?.role
    if (!can(role, permission))
      throw new ForbiddenError(
        `Your role (${role ?? 'none'}) does not allow this: it needs the permission “${permission}”. An admin can give you another role.`,
      )
  }
}

/**
 * A page inside the organizers' area (organizers-area.ts) that needs `permission`: the area has
 * already sent strangers to sign in, so only the role is checked here.
 */
export function permitted(permission: Permission) {
  return { onRequest: requirePermission(permission) }
}

/** A form inside the organizers' area that needs `permission`: allowed, then a valid CSRF token. */
export function permittedForm(app: FastifyInstance, permission: Permission) {
  return { onRequest: requirePermission(permission), preValidation: verifyCsrf(app) }
}

/** The guards of an organizers' JSON call that needs `permission` (401, then 403). */
export function organizerApi(permission: Permission) {
  return { onRequest: [requireOrganizerApi, requirePermission(permission)] }
}

/** The guards of an organizers' JSON change that needs `permission`, with its CSRF token. */
export function organizerApiChangeWith(app: FastifyInstance, permission: Permission) {
  return { ...organizerApiChange(app), ...organizerApi(permission) }
}

/** preValidation hook (the body is parsed by then): refuses a change without a valid CSRF token. */
export function verifyCsrf(app: FastifyInstance): preValidationHookHandler {
  return app.csrfProtection
}

/** The guards of an organizers' JSON call that changes something. */
export function organizerApiChange(app: FastifyInstance) {
  return { onRequest: requireOrganizerApi, preValidation: verifyCsrf(app) }
}

/** What every organizers' page template needs: who is signed in, and a CSRF token for its forms. */
export function organizerPageData(request: FastifyRequest, reply: FastifyReply) {
  return { organizer: request.organizer, csrfToken: reply.generateCsrf() }
}

/** The signed-in organizer, for handlers behind requireOrganizer* (a bug if absent). */
export function signedIn(request: FastifyRequest): SignedInOrganizer {
  if (!request.organizer) throw new UnauthorizedError('Sign in first.')
  return request.organizer
}
