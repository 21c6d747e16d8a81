import { beforeAll, describe, expect, it } from 'vitest'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp({ env: { RATE_LIMIT_NOT_FOUND: '5' } })
beforeAll(() => setMission(ctx, 'FRA', FRANCE))

describe('body size limits', () => {
  it('refuse JSON over 1 MiB to /api/letters with 413 and a message saying so', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/letters',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ state: 'FRA', personalNote: 'x'.repeat(1024 * 1024) }),
    })
    expect(response.statusCode).toBe(413)
    const body = response.json()
    expect(body.code).toBe('body_too_large')
    expect(body.message).toContain('too large')
    expect(body.message).toContain('1 MB')
  })

  it('refuse a form over 64 KiB to /write/fra with a 413 page saying so', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/write/fra',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ personalNote: 'x'.repeat(65 * 1024) }).toString(),
    })
    expect(response.statusCode).toBe(413)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('too large')
    expect(response.body).toContain('64 KB')
  })

  it('still take a form and JSON just under the limits (the limit is not lower than stated)', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/write/fra',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ personalNote: 'x'.repeat(60 * 1024) }).toString(),
    })
    // Refused for what it says (no name, a note too long), not for its size.
    expect(form.statusCode).toBe(422)
    const json = await app.inject({
      method: 'POST',
      url: '/api/letters',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ state: 'FRA', personalNote: 'x'.repeat(900 * 1024) }),
    })
    expect(json.statusCode).not.toBe(413)
    expect(json.statusCode).toBeLessThan(500)
  })
})

describe('the 404 answer', () => {
  it('is a page or JSON as before, then 429 for one address asking too often, not for another', async () => {
    const page = await app.inject({ method: 'GET', url: '/wp-login.php' })
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('There is no page at /wp-login.php')
    const json = await app.inject({ method: 'GET', url: '/api/nothing-here' })
    expect(json.statusCode).toBe(404)
    expect(json.json()).toMatchObject({ code: 'not_found', message: 'There is no page at /api/nothing-here' })
    for (let i = 0; i < 3; i += 1) {
      expect((await app.inject({ method: 'GET', url: `/.env${i}` })).statusCode).toBe(404)
    }
    // RATE_LIMIT_NOT_FOUND is 5 here: the sixth unknown path in the minute is refused.
    const limited = await app.inject({ method: 'GET', url: '/.git/config' })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBeDefined()
    const limitedApi = await app.inject({ method: 'GET', url: '/api/.env' })
    expect(limitedApi.statusCode).toBe(429)
    expect(limitedApi.json().message).toMatch(/rate limit|too many/i)
    // Another address is not affected, and real pages are not counted nor limited.
    const other = await app.inject({ method: 'GET', url: '/nope', remoteAddress: '127.0.0.9' })
    expect(other.statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/write' })).statusCode).toBe(200)
  })
})
