import { describe, expect, it } from 'vitest'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { concreteUrl as concrete, listRoutes, type RouteEntry } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

// Pages and JSON that only organizers may reach: found by walking the app's routes, so a route
// added later is covered without being listed here.
const OPEN_ORGANIZER_PAGES = new Set([
  '/organizers/login',
  '/organizers/logout',
  '/organizers/welcome/:token',
])
const isOrganizerPage = (route: RouteEntry) =>
  route.url.startsWith('/organizers') && !OPEN_ORGANIZER_PAGES.has(route.url)
const isOrganizerApi = (route: RouteEntry) =>
  /^\/api\/(organizers|letters\/print|states\/:iso3\/engagements)/.test(route.url)

describe('organizer routes', async () => {
  const { app, ctx } = await buildTestApp()
  const routes = listRoutes(app)
  const pages = routes.filter(isOrganizerPage)
  const apis = routes.filter(isOrganizerApi)

  it('are found (the walk itself works)', () => {
    expect(pages.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /organizers/audit',
        'GET /organizers/team',
        'POST /organizers/team/invite',
      ]),
    )
    expect(apis.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/organizers/csrf', 'GET /api/letters/print']),
    )
  })

  it('send strangers to sign in (pages) or answer 401 (JSON), whatever they send', async () => {
    for (const route of [...pages, ...apis]) {
      for (const cookie of [undefined, 'cb_organizer=forged', `cb_organizer=${'A'.repeat(43)}`]) {
        const response = await app.inject({
          method: route.method as 'GET' | 'POST',
          url: concrete(route.url),
          headers: cookie ? { cookie } : {},
          ...(route.method === 'POST' ? { payload: { anything: 'x' } } : {}),
        })
        const where = `${route.method} ${route.url} ${cookie ?? 'no cookie'}`
        if (isOrganizerApi(route)) {
          expect(response.statusCode, where).toBe(401)
          expect(response.json().code, where).toBe('unauthorized')
        } else {
          expect(response.statusCode, where).toBe(303)
          expect(response.headers.location, where).toMatch(/^\/organizers\/login\?next=/)
        }
      }
    }
  })

  it('refuse every change without a valid CSRF token, even from a signed-in admin', async () => {
    const admin = await signInOrganizer(app, ctx, { role: 'admin' })
    const changes = routes.filter(
      (r) => r.method !== 'GET' && (r.url.startsWith('/organizers') || isOrganizerApi(r)),
    )
    expect(changes.length).toBeGreaterThan(3)
    for (const route of changes) {
      for (const token of [undefined, 'not-a-token', `${admin.csrfToken}x`]) {
        const response = await app.inject({
          method: route.method as 'POST',
          url: concrete(route.url),
          headers: {
            cookie: admin.cookie,
            ...(token && route.url.startsWith('/api/') ? { 'x-csrf-token': token } : {}),
          },
          payload: token && !route.url.startsWith('/api/') ? { _csrf: token } : { anything: 'x' },
        })
        const where = `${route.method} ${route.url} token=${token ?? 'none'}`
        expect(response.statusCode, where).toBe(403)
        expect(response.body, where).toMatch(/csrf/i)
      }
    }
  })

  it('refuse a CSRF token taken from another browser (the secret cookie is per browser)', async () => {
    const one = await signInOrganizer(app, ctx, { role: 'admin' })
    const two = await signInOrganizer(app, ctx, { role: 'admin' })
    const response = await app.inject({
      method: 'POST',
      url: '/organizers/team/invite',
      headers: { cookie: one.cookie },
      payload: { _csrf: two.csrfToken, role: 'organizer' },
    })
    expect(response.statusCode).toBe(403)
    const accepted = await app.inject({
      method: 'POST',
      url: '/organizers/team/invite',
      headers: { cookie: one.cookie },
      payload: { _csrf: one.csrfToken, role: 'organizer' },
    })
    expect(accepted.statusCode).toBe(200)
  })
})
