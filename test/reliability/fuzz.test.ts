import { describe, expect, it } from 'vitest'
import { buildFuzzRequests, judgeAnswer, listAppRoutes, runFuzz } from '../../scripts/lib/reliability-fuzz.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { listRoutes } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

// A short run of `npm run fuzz` (scripts/lib/reliability-fuzz.ts): 1,000 malformed requests over
// every route, anonymous and as a signed-in admin. A failure prints the requests; the seed replays
// them with `npm run fuzz -- --seed <seed> --requests 1000`.
const SEED = 'code-blue-fuzz-test'
const REQUESTS = 1000

describe('fuzz: malformed requests against every route', () => {
  it('never answers 5xx, and every 4xx says what was wrong', async () => {
    const { app, ctx } = await buildTestApp()
    const letter = await createLetter(ctx, {
      state: 'TCD',
      supporter: { name: 'Fuzz Writer', country: 'KE', email: 'fuzz@supporters.example' },
    })
    const organizer = await signInOrganizer(app, ctx, { role: 'admin' })
    const routes = listAppRoutes(app)
    // The fuzzer's route walk agrees with the tests' one: no route is left out.
    expect(routes).toEqual(listRoutes(app))
    expect(routes.length).toBeGreaterThan(50)

    const requests = buildFuzzRequests(routes, SEED, REQUESTS, {
      letterId: letter.id,
      organizer: { cookie: organizer.cookie, csrfToken: organizer.csrfToken },
    })
    const report = await runFuzz(app, SEED, requests, routes.length)

    expect(report.failures).toEqual([])
    expect(report.byStatus['5xx']).toBeUndefined()
    // The run reached past the front door: some requests were rejected, some went through.
    expect(report.byStatus['4xx']).toBeGreaterThan(REQUESTS / 10)
    expect(report.byStatus['2xx']).toBeGreaterThan(0)
    // Long adversarial text went into text fields, as JSON and as forms (issue 12, finding 1).
    const adversarial = Object.keys(report.byKind).filter((kind) => kind.includes('long adversarial text'))
    expect(adversarial.some((kind) => kind.startsWith('json:'))).toBe(true)
    expect(adversarial.some((kind) => kind.startsWith('form:'))).toBe(true)
    // The slowest answers are reported: their time is `npm run fuzz`'s figure, not a test's.
    expect(report.slowest.length).toBeGreaterThan(0)
  }, 60_000)

  // The 500 the fuzzer found: busboy's plain Error for a multipart body it cannot parse.
  it("answers a malformed upload to the organizers' directory with a 400 that says so", async () => {
    const { app, ctx } = await buildTestApp()
    const organizer = await signInOrganizer(app, ctx, { role: 'admin' })
    for (const [url, contentType, payload] of [
      ['/organizers/directory/import', 'multipart/form-data', 'garbage'],
      [
        '/organizers/directory/KEN/edit',
        'multipart/form-data; boundary=XX',
        '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      ],
    ] as const) {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: organizer.cookie,
          'x-csrf-token': organizer.csrfToken,
          'content-type': contentType,
        },
        payload,
      })
      expect(response.statusCode, url).toBe(400)
      expect(response.body).toContain('not a well-formed form')
    }
  })

  it('draws the same requests from the same seed, and others from another', () => {
    const routes = [
      { method: 'GET', url: '/letters/:id' },
      { method: 'POST', url: '/api/letters' },
    ]
    const fixtures = { letterId: 'x'.repeat(22) }
    const once = buildFuzzRequests(routes, 'seed-a', 50, fixtures)
    expect(buildFuzzRequests(routes, 'seed-a', 50, fixtures)).toEqual(once)
    expect(buildFuzzRequests(routes, 'seed-b', 50, fixtures)).not.toEqual(once)
  })

  it('judges an answer by the rules: 5xx, a 4xx without its message, a file served by traversal', () => {
    const api = { url: '/api/letters' }
    const page = { url: '/letters/x' }
    const json = 'application/json; charset=utf-8'
    expect(judgeAnswer(api, 500, json, '{"message":"boom"}')).toMatch(/500/)
    expect(judgeAnswer(api, 400, json, '{"statusCode":400}')).toMatch(/without a message/)
    expect(judgeAnswer(api, 400, 'text/html', '<p>no</p>')).toMatch(/not JSON/)
    expect(judgeAnswer(api, 400, json, '{"message":"The field \\"state\\" is required"}')).toBeNull()
    expect(judgeAnswer(page, 404, 'text/html', '')).toMatch(/empty body/)
    expect(judgeAnswer(page, 404, 'text/html', '<h1>Not found</h1>')).toBeNull()
    expect(judgeAnswer(page, 200, 'text/plain', 'root:x:0:0:root:/root:/bin/bash')).toMatch(/traversal/)
    // Where dot segments take the request decides which rule applies.
    expect(judgeAnswer({ url: '/api/../letters/x' }, 404, 'text/html', '<h1>Not found</h1>')).toBeNull()
  })
})
