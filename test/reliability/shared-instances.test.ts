/**
 * Two app instances on one database (issue 17, item 3), as behind a load balancer: an organizer's
 * session and CSRF token work whichever answers, and with RATE_LIMIT_STORE=database a client's
 * requests count into one window across both. The same file without the database store shows
 * what the store is for: each instance counts apart.
 */
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

/** A second app on the first's database file (its own process state: memory, caches). */
async function twoInstances(env: Record<string, string>, clock = manualClock(TEST_NOW)) {
  const first = await buildTestApp({ env, clock })
  const second = await buildTestApp({
    // The same database: the first's SQLite file, or under TEST_ENGINE=postgres its database.
    env: {
      ...env,
      DATABASE_PATH: first.ctx.config.databasePath,
      ...(first.ctx.config.databaseUrl ? { DATABASE_URL: first.ctx.config.databaseUrl } : {}),
    },
    seed: false,
    clock,
  })
  expect(second.ctx.config.databaseUrl ?? path.resolve(second.ctx.config.databasePath)).toBe(
    first.ctx.config.databaseUrl ?? path.resolve(first.ctx.config.databasePath),
  )
  return [first, second] as const
}

function writeLetter(app: FastifyInstance, n: number) {
  return app.inject({
    method: 'POST',
    url: '/api/letters',
    remoteAddress: '203.0.113.7',
    payload: {
      state: 'FRA',
      language: 'en',
      supporter: { name: `Writer ${n}`, city: 'Lyon', country: 'FR' },
    },
  })
}

describe('two app instances on one database', () => {
  it('counts a client’s letters in one window across both with RATE_LIMIT_STORE=database', async () => {
    const clock = manualClock(TEST_NOW)
    const [a, b] = await twoInstances({ RATE_LIMIT_STORE: 'database', RATE_LIMIT_LETTERS: '3' }, clock)
    await setMission(a.ctx, 'FRA', FRANCE)
    const statuses = []
    for (let n = 0; n < 6; n++) statuses.push((await writeLetter(n % 2 === 0 ? a.app : b.app, n)).statusCode)
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429])
    // The window is kept as a digest, never the client's address.
    const rows = await a.ctx.db.selectFrom('rate_limit_hit').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain('203.0.113.7')
    // An hour on, a new window begins, on either instance.
    clock.advance(3_600_000)
    expect((await writeLetter(b.app, 7)).statusCode).toBe(201)
    const after = await a.ctx.db.selectFrom('rate_limit_hit').selectAll().execute()
    expect(after).toHaveLength(1)
    expect(after[0]!.hits).toBe(1)
  })

  it('counts apart in each instance’s memory without it (what the store is for)', async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_LETTERS: '3' })
    await setMission(a.ctx, 'FRA', FRANCE)
    const statuses = []
    for (let n = 0; n < 6; n++) statuses.push((await writeLetter(n % 2 === 0 ? a.app : b.app, n)).statusCode)
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201])
  })

  it('takes an organizer signed in on one, with its CSRF token, on the other', async () => {
    const [a, b] = await twoInstances({})
    const editor = await signInOrganizer(a.app, a.ctx, { role: 'admin' })
    const page = await b.app.inject({ method: 'GET', url: '/organizers', headers: { cookie: editor.cookie } })
    expect(page.statusCode).toBe(200)
    const logged = await b.app.inject({
      method: 'POST',
      url: '/api/states/fra/engagements',
      headers: editor.apiHeaders,
      payload: { kind: 'note', occurredOn: '2026-06-01', text: 'Logged through the second instance.' },
    })
    expect(logged.statusCode).toBe(201)
    const seen = await a.app.inject({
      method: 'GET',
      url: '/api/states/fra/engagements',
      headers: { cookie: editor.cookie },
    })
    expect(seen.json().engagements.map((e: { text: string }) => e.text)).toContain(
      'Logged through the second instance.',
    )
    // A token from another session is refused on either.
    const stranger = await signInOrganizer(b.app, b.ctx, { role: 'admin' })
    const forged = await a.app.inject({
      method: 'POST',
      url: '/api/states/fra/engagements',
      headers: { cookie: editor.cookie, 'x-csrf-token': stranger.csrfToken },
      payload: { kind: 'note', occurredOn: '2026-06-01', text: 'Forged.' },
    })
    expect(forged.statusCode).toBe(403)
  })
})
