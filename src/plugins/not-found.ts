import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AppContext } from '../app-context.js'
import { english } from '../i18n/index.js'
import { sendError } from './errors.js'

/**
 * The 404 answer (a page, or JSON under /api/), rate-limited per IP address: a scanner walking
 * thousands of guessed paths gets 429 after `rateLimits.notFound` a minute instead of a rendered
 * page each time. A person mistyping a link never comes near the limit.
 */
export const notFoundPlugin = fp(async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
  app.setNotFoundHandler(
    { preHandler: app.rateLimit({ max: ctx.config.rateLimits.notFound, timeWindow: '1 minute' }) },
    async (request, reply) => {
      return sendError(request, reply, {
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: (request.t ?? english)('common.error.notFound', { path: request.url.split('?')[0] }),
      })
    },
  )
})
