import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ForbiddenError } from '../lib/errors.js'

/** host[:port] as a URL writes it (no default port), or null for what is not a URL. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host
  } catch {
    return null
  }
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * A page's form may only be sent from this site. Browsers name the page a form came from in the
 * Origin header; another site's page could otherwise make a visitor's browser write a letter and
 * keep its draft cookie, then see what the visitor types into it. JSON under /api/ is not
 * concerned: a browser sends it cross-site only after a CORS preflight, which this site refuses.
 */
export const sameOriginPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    if (!CHANGES.has(request.method) || request.url.startsWith('/api/')) return
    const origin = request.headers.origin
    if (!origin || origin === 'null') return
    if (hostOf(origin) !== hostOf(`${request.protocol}://${request.headers.host ?? ''}`)) {
      throw new ForbiddenError('This form must be sent from this site.')
    }
  })
})
