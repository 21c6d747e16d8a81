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

export interface SameOriginOptions {
  /** PUBLIC_URL: a form from a page at this address is from this site, whatever Host the proxy sent. */
  readonly publicUrl: string
}

/**
 * A page's form may only be sent from this site. Browsers name the page a form came from in the
 * Origin header; another site's page could otherwise make a visitor's browser write a letter and
 * keep its draft cookie, then see what the visitor types into it. JSON under /api/ is not
 * concerned: a browser sends it cross-site only after a CORS preflight, which this site refuses.
 *
 * - "Origin: null" is refused (issue 12, 5c): it is what a sandboxed iframe on another site sends,
 *   and a page of this site never does, since pages are served with Referrer-Policy: same-origin
 *   (under "no-referrer" browsers send null on a site's own forms too; see security.ts).
 * - No Origin at all is let through, as before: older browsers and scripts send none, and a
 *   browser that sends none also does not send it cross-site.
 * - The site's own origin is the address the request was made to (X-Forwarded-Host when
 *   TRUST_PROXY names the proxy), or PUBLIC_URL's, for a proxy that passes on its own upstream
 *   address as Host.
 */
export const sameOriginPlugin = fp(async (app: FastifyInstance, options: SameOriginOptions) => {
  const publicHost = hostOf(options.publicUrl)
  app.addHook('onRequest', async (request) => {
    if (!CHANGES.has(request.method) || request.url.startsWith('/api/')) return
    const origin = request.headers.origin
    if (origin === undefined) return
    if (origin === 'null') {
      throw new ForbiddenError(
        `This form must be sent from a page of this site. Your browser did not say which page it came from, as it does when another site shows this form inside its own page. Open ${options.publicUrl}${request.url.split('?')[0]} and send the form from there.`,
        'origin_null',
      )
    }
    const host = hostOf(origin)
    const requested = hostOf(`${request.protocol}://${request.host}`)
    if (host === null || (host !== requested && host !== publicHost)) {
      throw new ForbiddenError('This form must be sent from this site.')
    }
  })
})
