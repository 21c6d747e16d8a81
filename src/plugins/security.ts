import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** The largest request body: JSON under /api/ (Fastify's bodyLimit). */
export const BODY_LIMIT_BYTES = 1024 * 1024
/** The largest form a page sends (a letter with its paragraph is a few KB). */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024

/** What a 413 says: which limit the body went over, so the sender knows what to shorten. */
export function bodyTooLargeMessage(contentType: string | undefined): string {
  const form = (contentType ?? '').startsWith('application/x-www-form-urlencoded')
  const limit = form ? `${FORM_BODY_LIMIT_BYTES / 1024} KB` : `${BODY_LIMIT_BYTES / 1024 / 1024} MB`
  return `What was sent is too large: ${form ? 'a form' : 'a request'} here may be at most ${limit}. Shorten it and send it again.`
}

export interface SecurityOptions {
  /** PUBLIC_URL: HSTS is sent only when the site is served over https. */
  readonly publicUrl: string
  /** EMBED_ORIGINS: the sites that may frame /embed/… (none: only this site). */
  readonly embedOrigins?: readonly string[]
}

/**
 * The pages' Content-Security-Policy. Every page is server-rendered and works without JavaScript,
 * so no script runs but our own files (there are none inline); styles come from /public/*.css.
 */
export const PAGE_CSP: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // No inline handlers (onclick=...) either.
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  // The dashboard's status bars give each part its width as `style="width: NN%"` (any share of
  // 193 states): only style *attributes* may be inline, never a <style> element. An attribute
  // cannot load anything or run script, and Handlebars escapes the values it prints there.
  'style-src-attr': ["'unsafe-inline'"],
  // Server-built charts and maps are inline SVG; data: for an icon a stylesheet might embed.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'object-src': ["'none'"],
}

/**
 * The Swagger UI at /docs is a React app that injects <style> elements, so it gets a looser policy
 * of its own, on /docs only: inline styles allowed. Its scripts are files served from /docs/static
 * (none inline), so script-src stays 'self'; still no framing, forms and fetches to this site only.
 */
export const DOCS_CSP: Readonly<Record<string, readonly string[]>> = {
  ...PAGE_CSP,
  'style-src': ["'self'", "'unsafe-inline'"],
}

export function cspHeader(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';')
}

const DOCS_CSP_HEADER = cspHeader(DOCS_CSP)

/** Security headers on every answer (pages, JSON, files): @fastify/helmet, with our CSP. */
export const securityPlugin = fp(async (app: FastifyInstance, options: SecurityOptions) => {
  const https = options.publicUrl.startsWith('https:')
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(PAGE_CSP).map(([k, v]) => [k, [...v]])),
    },
    // For browsers older than frame-ancestors: never framed either.
    frameguard: { action: 'deny' },
    // Not helmet's "no-referrer": under it browsers send "Origin: null" with the site's own forms,
    // which the same-origin check must refuse (a sandboxed frame on another site sends that).
    // "same-origin" still sends nothing to other sites, so no address with a token in it leaks.
    referrerPolicy: { policy: 'same-origin' },
    // Behind plain http (local use, tests) HSTS would pin browsers to an https that is not there.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  })
  // The letter form framed on partners' pages: framable by the site itself and EMBED_ORIGINS only.
  // X-Frame-Options cannot name other sites, so it is left off there; browsers that know
  // frame-ancestors (all current ones) obey it instead.
  const embedCspHeader = cspHeader({
    ...PAGE_CSP,
    'frame-ancestors': ["'self'", ...(options.embedOrigins ?? [])],
  })
  app.addHook('onSend', async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    if (path === '/docs' || path.startsWith('/docs/'))
      reply.header('content-security-policy', DOCS_CSP_HEADER)
    if (path.startsWith('/embed/') || path === '/embed') {
      reply.header('content-security-policy', embedCspHeader)
      reply.removeHeader('x-frame-options')
    }
  })
})
