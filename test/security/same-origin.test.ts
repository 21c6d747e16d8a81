import { describe, expect, it } from 'vitest'
import { findChromium, launchChromium, listenOnLoopback } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/test-app.js'

// Finding 5c of issue 12: a page's form may only be sent from this site. "Origin: null" is what a
// sandboxed iframe on another site sends (<iframe sandbox="allow-forms">): it must be refused.

const { app } = await buildTestApp({ env: { PUBLIC_URL: 'https://letters.example.org' } })

/** POST /join with an incomplete form (422 when it is let through) and these headers. */
const join = (headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/join',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: 'kind=individual&name=Amina+Diallo',
  })

describe('public forms', () => {
  it('refuse "Origin: null" (a sandboxed frame on another site) with a 403 that says why', async () => {
    const response = await join({ origin: 'null' })
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('This form must be sent from a page of this site')
    expect(response.body).toContain('https://letters.example.org/join')
  })

  it('take a form from this site, by the address it was asked at or by PUBLIC_URL', async () => {
    expect((await join({ origin: 'http://localhost:80', host: 'localhost:80' })).statusCode).toBe(422)
    // A proxy that passes on its own upstream address as Host (nginx does, unless told otherwise).
    expect((await join({ origin: 'https://letters.example.org', host: '127.0.0.1:3000' })).statusCode).toBe(
      422,
    )
    expect((await join({ origin: 'https://evil.example' })).statusCode).toBe(403)
  })

  it('take a form with no Origin at all (the rule so far: older browsers and scripts send none)', async () => {
    expect((await join({})).statusCode).toBe(422)
  })

  it('are served with Referrer-Policy: same-origin, so the browser names the page in Origin', async () => {
    // With "no-referrer" browsers send "Origin: null" on a page's own form: it would be refused.
    // A token's pages too (an unknown token of the right shape: the page's headers are set first).
    const token = 'A'.repeat(43)
    for (const url of [
      '/join',
      '/write/fra',
      '/privacy/erase',
      `/privacy/erase/${token}`,
      `/join/confirm/${token}`,
    ]) {
      const response = await app.inject({ method: 'GET', url })
      expect({ url, policy: response.headers['referrer-policy'] }).toEqual({ url, policy: 'same-origin' })
    }
  })
})

const chromium = findChromium()

describe.skipIf(!chromium.path)('a real browser', () => {
  it('sends the join form with its Origin, and the form is taken', async () => {
    const { app: served } = await buildTestApp()
    const base = await listenOnLoopback(served)
    const origins: (string | undefined)[] = []
    served.server.prependListener('request', (request) => {
      if (request.method === 'POST') origins.push(request.headers.origin)
    })
    const browser = await launchChromium(chromium.path!)
    try {
      const page = await browser.newPage()
      await page.goto(`${base}/join`)
      await page.getByLabel('as an individual').check()
      await page.getByLabel('Your name').fill('Sipho Dlamini')
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Join the campaign' }).click(),
      ])
      expect(origins).toEqual([base])
      // Refused for what is missing (the e-mail address), not for where it came from.
      expect(response.status()).toBe(422)
    } finally {
      await browser.close()
    }
  }, 60_000)
})
