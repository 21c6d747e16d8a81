import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { openForm } from '../helpers/organizer-session.js'
import { listRoutes } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

// Finding 3 of issue 12: behind a reverse proxy every visitor arrives from the proxy's address.
// Without TRUST_PROXY the rate limits must ignore X-Forwarded-For (anyone can write it); with it,
// they must count each visitor behind the proxy apart, and still only believe the proxy.

const PROXY = '127.0.0.1'
const VISITOR_A = '198.51.100.7'
const VISITOR_B = '203.0.113.5'

/** One sign-in attempt with a wrong password, from `remoteAddress`, with these extra headers. */
async function signInAttempt(
  app: FastifyInstance,
  remoteAddress: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const login = await openForm(app, '/organizers/login')
  const response = await app.inject({
    method: 'POST',
    url: '/organizers/login',
    remoteAddress,
    headers: { cookie: login.cookie, ...headers },
    payload: { _csrf: login.csrf, email: 'who@example.org', password: 'guess guess guess' },
  })
  return response.statusCode
}

/** Ten attempts are taken (401), the eleventh refused (429): RATE_LIMIT_LOGINS is 10. */
const TEN_THEN_LIMITED = [...Array(10).fill(401), 429]

describe('without TRUST_PROXY (the default)', () => {
  it('a forged X-Forwarded-For changes nothing: the 11th sign-in attempt from one socket is refused', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '10' } })
    const codes: number[] = []
    // A different made-up address each time: were it believed, no attempt would ever be limited.
    for (let i = 0; i < 11; i++) {
      codes.push(await signInAttempt(app, VISITOR_A, { 'x-forwarded-for': `192.0.2.${i + 1}` }))
    }
    expect(codes).toEqual(TEN_THEN_LIMITED)
  })
})

describe('with TRUST_PROXY set to the proxy address', () => {
  it('counts two visitors behind the proxy apart', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '10', TRUST_PROXY: PROXY } })
    const codes: number[] = []
    for (let i = 0; i < 11; i++) {
      codes.push(await signInAttempt(app, PROXY, { 'x-forwarded-for': VISITOR_A }))
    }
    expect(codes).toEqual(TEN_THEN_LIMITED)
    // Another organizer behind the same proxy signs in as usual.
    expect(await signInAttempt(app, PROXY, { 'x-forwarded-for': VISITOR_B })).toBe(401)
  })

  it('believes only the address the proxy added: made-up addresses before it change nothing', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '10', TRUST_PROXY: 'loopback' } })
    const codes: number[] = []
    for (let i = 0; i < 11; i++) {
      // The visitor sent "X-Forwarded-For: 192.0.2.i"; the proxy appended the address it saw.
      codes.push(await signInAttempt(app, PROXY, { 'x-forwarded-for': `192.0.2.${i + 1}, ${VISITOR_A}` }))
    }
    expect(codes).toEqual(TEN_THEN_LIMITED)
  })

  it('ignores X-Forwarded-For from a client that is not the proxy', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '10', TRUST_PROXY: PROXY } })
    const codes: number[] = []
    for (let i = 0; i < 11; i++) {
      codes.push(await signInAttempt(app, VISITOR_B, { 'x-forwarded-for': `192.0.2.${i + 1}` }))
    }
    expect(codes).toEqual(TEN_THEN_LIMITED)
  })
})

/**
 * Every rate-limited answer of the app, found by asking each route once (with ":param" filled in)
 * and an unknown path (the 404 limit): those that answer with x-ratelimit-limit. A limit added
 * later is walked without being listed here.
 */
async function limitedRoutes(app: FastifyInstance, from: Record<string, string>) {
  const found: { method: string; url: string }[] = []
  const candidates = [...listRoutes(app), { method: 'GET', url: '/no-such-page' }]
  for (const route of candidates) {
    const url = route.url.replace(/:[A-Za-z0-9_]+/g, 'x').replace(/\*$/, 'x')
    const method = route.method as 'GET'
    const response = await app.inject({ method, url, remoteAddress: PROXY, headers: from })
    if (response.headers['x-ratelimit-limit'] !== undefined) found.push({ method, url })
  }
  return found
}

/** What is left of `route`'s limit after a request from the proxy, forwarded for `visitor`. */
async function remainingFor(app: FastifyInstance, route: { method: string; url: string }, visitor: string) {
  const response = await app.inject({
    method: route.method as 'GET',
    url: route.url,
    remoteAddress: PROXY,
    headers: { 'x-forwarded-for': visitor },
  })
  return {
    limit: Number(response.headers['x-ratelimit-limit']),
    left: Number(response.headers['x-ratelimit-remaining']),
  }
}

describe('every rate limit', () => {
  it('is kept per visitor behind a trusted proxy, and per socket without TRUST_PROXY', async () => {
    const trusted = (await buildTestApp({ env: { TRUST_PROXY: PROXY } })).app
    const plain = (await buildTestApp()).app
    const routes = await limitedRoutes(trusted, { 'x-forwarded-for': '192.0.2.200' })
    // The limits the README lists: letters, e-mail confirmations, sign-in, joining, erasure, 404s.
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'POST /api/letters',
        'POST /organizers/login',
        'POST /join',
        'POST /privacy/erase',
        'GET /no-such-page',
      ]),
    )
    for (const [i, route] of routes.entries()) {
      // New visitors for each route: several routes may share one limit (every 404 does).
      const [visitorA, visitorB] = [`198.51.100.${i + 1}`, `203.0.113.${i + 1}`]
      const a = await remainingFor(trusted, route, visitorA)
      const b = await remainingFor(trusted, route, visitorB)
      // Each visitor's first request here: a whole limit each, less the one request.
      expect({ route, a: a.left, b: b.left }).toEqual({ route, a: a.limit - 1, b: b.limit - 1 })

      const first = await remainingFor(plain, route, visitorA)
      const second = await remainingFor(plain, route, visitorB)
      // One socket address: the forged header does not open a second allowance.
      expect({ route, left: second.left }).toEqual({ route, left: first.left - 1 })
    }
  })
})
