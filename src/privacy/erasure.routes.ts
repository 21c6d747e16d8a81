import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { stateNameIn } from '../directory/index.js'
import { formatDate } from '../i18n/index.js'
import { AppError, ValidationError } from '../lib/errors.js'
import { ERASURE_LINK_HOURS, eraseByLink, previewErasure, requestErasure } from './erasure.service.js'

// Checked by the service (404 for anything that is not a link we sent), as for replies: a
// truncated link gets the same "not valid" page as a wrong one.
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
const FormBody = Type.Record(Type.String(), Type.Unknown())

/** Erasure on request: the form, the same answer for every address, the link's page and button. */
export const erasureRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const limit = { rateLimit: { max: ctx.config.rateLimits.sends, timeWindow: '1 hour' } }

  app.get('/privacy/erase', async (request, reply) => form(request, reply, '', {}))

  app.post('/privacy/erase', { config: limit, schema: { body: FormBody } }, async (request, reply) => {
    try {
      await requestErasure(ctx, request.body, request.siteLanguage)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const typed = typeof request.body.email === 'string' ? request.body.email : ''
      return form(request, reply.code(422), typed, emailErrorIn(request, typed, error.errors))
    }
    // @NOTE the address is not carried to the next page: it would sit in the URL and the logs.
    return reply.redirect('/privacy/erase/sent', 303)
  })

  app.get('/privacy/erase/sent', async (request, reply) =>
    reply.viewAsync('pages/members/erase-sent.hbs', {
      title: request.t('privacy.sent.title'),
      hours: ERASURE_LINK_HOURS,
    }),
  )

  // @NOTE opening the link (a GET) only shows what would go: mail scanners open every link in a
  // message, and must not erase anybody by doing so. The page's button (a POST) erases.
  app.get('/privacy/erase/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    // Set first: an error page (404, 409, 410) for this address needs them as much.
    private_(reply)
    const language = request.siteLanguage
    const preview = await inLanguage(request, () => previewErasure(ctx, request.params.token))
    return reply.viewAsync('pages/members/erase-confirm.hbs', {
      title: request.t('privacy.confirm.title'),
      token: request.params.token,
      letters: preview.letters.map((letter) => ({
        ...letter,
        stateLabel: stateNameIn(language, letter.stateIso3, letter.stateName),
        delivered: letter.deliveredAt ? formatDate(language, letter.deliveredAt) : null,
      })),
      letterCount: preview.letters.length,
      memberships: preview.memberships,
      nothing: preview.letters.length === 0 && preview.memberships.length === 0,
      expires: { date: formatDate(language, preview.expiresAt), time: preview.expiresAt.slice(11, 16) },
    })
  })

  app.post(
    '/privacy/erase/:token',
    { config: limit, schema: { params: TokenParams } },
    async (request, reply) => {
      private_(reply)
      await inLanguage(request, () => eraseByLink(ctx, request.params.token))
      return reply.redirect('/privacy/erased', 303)
    },
  )

  app.get('/privacy/erased', async (request, reply) =>
    reply.viewAsync('pages/members/erase-done.hbs', { title: request.t('privacy.done.title') }),
  )
}

function form(request: FastifyRequest, reply: FastifyReply, email: string, errors: Record<string, string>) {
  return reply.viewAsync('pages/members/erase.hbs', {
    title: request.t('privacy.erase.title'),
    email,
    errors,
  })
}

/**
 * The form's one message in the page's language. The service refuses an address in two ways
 * (none given, or not one): the page says which, as the service does in English.
 */
function emailErrorIn(
  request: FastifyRequest,
  typed: string,
  errors: Record<string, string>,
): Record<string, string> {
  if (!errors.email) return errors
  const key = typed.trim() === '' ? 'privacy.erase.emailMissing' : 'privacy.erase.emailInvalid'
  return { ...errors, email: request.t(key) }
}

/**
 * Runs a step on the link, answering its refusals (unknown 404, used 409, expired 410: one
 * message each) in the page's language; the error page shows them.
 */
async function inLanguage<T>(request: FastifyRequest, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    const message = linkMessage(request, error.statusCode)
    throw message === null ? error : new AppError(message, error.statusCode, error.code)
  }
}

function linkMessage(request: FastifyRequest, status: number): string | null {
  if (status === 404) return request.t('privacy.confirm.notValid')
  if (status === 409) return request.t('privacy.confirm.used')
  if (status === 410)
    return request.t('privacy.confirm.expired', { hours: ERASURE_LINK_HOURS, url: '/privacy/erase' })
  return null
}

// The token is in the address: keep it out of caches, search engines and Referer headers to other
// sites (same-origin, not no-referrer: under that, browsers send "Origin: null" with its form).
function private_(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-robots-tag', 'noindex')
}
