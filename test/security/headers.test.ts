import { beforeAll, describe, expect, it } from 'vitest'
import { cspHeader, PAGE_CSP } from '../../src/plugins/security.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { writeLetterToFrance } from '../helpers/letter-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { listRoutes } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
let letterId = ''
let organizerCookie = ''

beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  letterId = await writeLetterToFrance(app)
  organizerCookie = (await signInOrganizer(app, ctx, { role: 'admin' })).cookie
})

/** A route's path with sample values for its parameters (a real letter, France, else a dud). */
function sampleUrl(url: string): string {
  return url
    .replace(':iso3', 'fra')
    .replace(':id', letterId)
    .replace(/:[A-Za-z]+/g, 'not-a-real-one')
    .replace(/\*$/, '')
}

/** The embedded letter form's policy: the page's, framable by this site (EMBED_ORIGINS is unset here). */
const EMBED_CSP = cspHeader({ ...PAGE_CSP, 'frame-ancestors': ["'self'"] })

function expectHardened(headers: Record<string, unknown>, where: string, csp = cspHeader(PAGE_CSP)) {
  expect(headers['content-security-policy'], where).toBe(csp)
  expect(headers['x-content-type-options'], where).toBe('nosniff')
  // X-Frame-Options has no "these origins" form: an embedded page leaves it to frame-ancestors.
  expect(headers['x-frame-options'], where).toBe(csp === EMBED_CSP ? undefined : 'DENY')
  // same-origin, not no-referrer: under that browsers send "Origin: null" with the site's own forms.
  expect(headers['referrer-policy'], where).toBe('same-origin')
  expect(headers['cross-origin-opener-policy'], where).toBe('same-origin')
  expect(headers['x-powered-by'], where).toBeUndefined()
}

describe('security headers', () => {
  it('states the policy the brief asks for', () => {
    const csp = cspHeader(PAGE_CSP)
    for (const part of [
      "default-src 'self'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(part)
    }
    // No inline <script> and no inline <style> element: only style attributes may be inline.
    expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    expect(csp).not.toMatch(/style-src [^;]*unsafe/)
  })

  it('are on every GET route, for the public and for a signed-in organizer', async () => {
    const routes = listRoutes(app).filter((r) => r.method === 'GET' && !r.url.startsWith('/docs'))
    expect(routes.length).toBeGreaterThan(40)
    let pages = 0
    for (const route of routes) {
      const url = sampleUrl(route.url)
      for (const cookie of [undefined, organizerCookie]) {
        const response = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })
        const who = `${cookie ? 'organizer' : 'public'} GET ${url} (${response.statusCode})`
        expectHardened(response.headers, who, url.startsWith('/embed/') ? EMBED_CSP : undefined)
        expect(response.headers['strict-transport-security'], who).toBeUndefined()
        if (response.statusCode === 200 && String(response.headers['content-type']).startsWith('text/html'))
          pages += 1
      }
    }
    // The walk reached real pages, not only redirects and 404s.
    expect(pages).toBeGreaterThan(30)
  })

  it('are on errors, static files and the 404 page too', async () => {
    for (const url of ['/public/site.css', '/no-such-page', '/api/no-such-thing', '/letters/nope']) {
      const response = await app.inject({ method: 'GET', url })
      expectHardened(response.headers, url)
    }
  })

  it('give /docs (Swagger UI) its own looser policy, and only /docs', async () => {
    const docs = await app.inject({ method: 'GET', url: '/docs' })
    expect(docs.statusCode).toBe(200)
    const csp = String(docs.headers['content-security-policy'])
    expect(csp).toContain("style-src 'self' 'unsafe-inline'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    const page = await app.inject({ method: 'GET', url: '/write' })
    expect(page.headers['content-security-policy']).not.toContain("style-src 'self' 'unsafe-inline'")
  })
})

describe('HSTS', () => {
  it('is sent only when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp({ env: { PUBLIC_URL: 'https://letters.example.org' } })
    const response = await secure.app.inject({ method: 'GET', url: '/write' })
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    const plain = await app.inject({ method: 'GET', url: '/write' })
    expect(plain.headers['strict-transport-security']).toBeUndefined()
  })
})
