import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import type { AppContext } from '../context.js'
import { englishDate } from '../lib/dates.js'
import { ValidationError } from '../lib/errors.js'
import { ERASURE_LINK_HOURS, eraseByLink, previewErasure, requestErasure } from './erasure.service.js'

// Checked by the service (404 for anything that is not a link we sent), as for replies: a
// truncated link gets the same "not valid" page as a wrong one.
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
const FormBody = Type.Record(Type.String(), Type.Unknown())

/** Erasure on request: the form, the same answer for every address, the link's page and button. */
export const erasureRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const limit = { rateLimit: { max: ctx.config.rateLimits.sends, timeWindow: '1 hour' } }

  app.get('/privacy/erase', async (_request, reply) => form(reply, '', {}))

  app.post('/privacy/erase', { config: limit, schema: { body: FormBody } }, async (request, reply) => {
    try {
      await requestErasure(ctx, request.body)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const typed = typeof request.body.email === 'string' ? request.body.email : ''
      return form(reply.code(422), typed, error.errors)
    }
    // @NOTE the address is not carried to the next page: it would sit in the URL and the logs.
    return reply.redirect('/privacy/erase/sent', 303)
  })

  app.get('/privacy/erase/sent', async (_request, reply) =>
    reply.viewAsync('pages/members/erase-sent.hbs', {
      title: 'Check your e-mail',
      hours: ERASURE_LINK_HOURS,
    }),
  )

  // @NOTE opening the link (a GET) only shows what would go: mail scanners open every link in a
  // message, and must not erase anybody by doing so. The page's button (a POST) erases.
  app.get('/privacy/erase/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    // Set first: an error page (404, 409, 410) for this address needs them as much.
    private_(reply)
    const preview = await previewErasure(ctx, request.params.token)
    return reply.viewAsync('pages/members/erase-confirm.hbs', {
      title: 'Erase your data',
      token: request.params.token,
      letters: preview.letters.map((letter) => ({
        ...letter,
        delivered: letter.deliveredAt ? englishDate(letter.deliveredAt) : null,
      })),
      letterCount: preview.letters.length,
      memberships: preview.memberships,
      nothing: preview.letters.length === 0 && preview.memberships.length === 0,
      expires: `${englishDate(preview.expiresAt)}, ${preview.expiresAt.slice(11, 16)} UTC`,
    })
  })

  app.post(
    '/privacy/erase/:token',
    { config: limit, schema: { params: TokenParams } },
    async (request, reply) => {
      private_(reply)
      await eraseByLink(ctx, request.params.token)
      return reply.redirect('/privacy/erased', 303)
    },
  )

  app.get('/privacy/erased', async (_request, reply) =>
    reply.viewAsync('pages/members/erase-done.hbs', { title: 'Your data is erased' }),
  )
}

function form(reply: FastifyReply, email: string, errors: Record<string, string>) {
  return reply.viewAsync('pages/members/erase.hbs', { title: 'Erase your data', email, errors })
}

// The token is in the address: keep it out of caches, search engines and Referer headers to other
// sites (same-origin, not no-referrer: under that, browsers send "Origin: null" with its form).
function private_(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-robots-tag', 'noindex')
}
