import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectPath } from '../../src/lib/paths.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { concreteUrl as concrete, listRoutes, type RouteEntry } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

// The organizers' area is registered once (src/organizers/organizers-area.ts): its prefix, the
// sign-in guard and no-store hold for every route under /organizers, found by walking the app's
// routes, so a page a module adds later is covered without being listed here.

/** The way in: it must stay open to strangers (signing in and out, an invitation's welcome). */
const WAY_IN = new Set(['/organizers/login', '/organizers/logout', '/organizers/welcome/:token'])

describe('the organizers’ area', async () => {
  const { app, ctx } = await buildTestApp()
  const inArea = listRoutes(app).filter(
    (route) => route.url === '/organizers' || route.url.startsWith('/organizers/'),
  )
  const send = (route: RouteEntry, headers: Record<string, string> = {}) =>
    app.inject({
      method: route.method as 'GET' | 'POST',
      url: concrete(route.url),
      headers,
      ...(route.method === 'POST' ? { payload: { anything: 'x' } } : {}),
    })

  it('holds the pages of every module that has them', () => {
    const urls = inArea.map((route) => `${route.method} ${route.url}`)
    for (const url of [
      'GET /organizers',
      'GET /organizers/login',
      'GET /organizers/team',
      'GET /organizers/states/:iso3',
      'GET /organizers/directory',
      'GET /organizers/letters',
      'GET /organizers/members',
      'GET /organizers/partners',
      'GET /organizers/outbox',
    ])
      expect(urls).toContain(url)
  })

  it('is the only place that registers a page under /organizers: no module writes the whole path', () => {
    // A page registered with the whole path would sit outside the area: no sign-in guard of its
    // own unless it remembered one. Route calls only; a redirect may name an area page.
    const routeWithWholePath = /\.(get|post|put|patch|delete|route)\(\s*['`"]\/organizers/
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(file)
        else if (file.endsWith('.ts') && routeWithWholePath.test(fs.readFileSync(file, 'utf8')))
          offenders.push(path.relative(projectPath(), file))
      }
    }
    walk(projectPath('src'))
    expect(offenders).toEqual([])
    // The check itself finds one when there is one.
    expect(routeWithWholePath.test("app.get(\n    '/organizers/outbox', guard")).toBe(true)
  })

  it('sends a stranger to sign in from every page but the way in, and none of it is cached', async () => {
    for (const route of inArea) {
      const response = await send(route)
      const where = `${route.method} ${route.url}`
      expect(response.headers['cache-control'], where).toBe('private, no-store')
      if (WAY_IN.has(route.url)) {
        expect(response.headers.location ?? '', where).not.toMatch(/^\/organizers\/login\?next=/)
        continue
      }
      expect(response.statusCode, where).toBe(303)
      const next = route.method === 'GET' ? concrete(route.url) : '/organizers'
      expect(response.headers.location, where).toBe(`/organizers/login?next=${encodeURIComponent(next)}`)
    }
  })

  it('keeps every answer to a signed-in organizer out of caches: pages, refusals and errors alike', async () => {
    const admin = await signInOrganizer(app, ctx, { role: 'admin' })
    const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })
    const statuses = new Set<number>()
    for (const route of inArea) {
      // POSTs without a CSRF token are refused (403) before they change anything.
      for (const { cookie } of [admin, viewer]) {
        const response = await send(route, { cookie })
        statuses.add(response.statusCode)
        expect(response.headers['cache-control'], `${route.method} ${route.url}`).toBe('private, no-store')
      }
    }
    // Pages, redirects, refusals and "not found" were all among them.
    for (const status of [200, 303, 403, 404]) expect([...statuses]).toContain(status)
  })
})
