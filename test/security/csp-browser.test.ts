import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, launchChromium, listenOnLoopback } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { writeLetterToFrance } from '../helpers/letter-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const chromiumPath = findChromium()
if (!chromiumPath.path) console.warn(`csp-browser.test.ts ${chromiumPath.reason}`)

/** Collects what Chromium refused under the page's policy: console reports and DOM events. */
async function watch(page: Page): Promise<string[]> {
  const refused: string[] = []
  page.on('console', (message) => {
    const text = message.text()
    if (/Refused to|Content Security Policy/i.test(text)) refused.push(`${page.url()}: ${text}`)
  })
  // A string, not a function: the test is type-checked without the DOM's types.
  await page.addInitScript({
    content: `window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))`,
  })
  return refused
}

async function visit(page: Page, url: string, refused: string[]): Promise<void> {
  const response = await page.goto(url, { waitUntil: 'load' })
  expect(response?.status(), url).toBe(200)
  expect(response?.headers()['content-security-policy'], url).toBeDefined()
  const events = await page.evaluate<string[]>('window.__violations')
  for (const event of events) refused.push(`${url}: ${event}`)
}

describe.skipIf(!chromiumPath.path)('the Content-Security-Policy in a real browser', () => {
  let browser: Browser
  let base: string
  let letterId: string
  let cookie: string

  beforeAll(async () => {
    const { app, ctx } = await buildTestApp()
    await setMission(ctx, 'FRA', FRANCE)
    letterId = await writeLetterToFrance(app)
    const session = await signInOrganizer(app, ctx, { role: 'admin' })
    cookie = session.cookie
    // A reply from Chile: the dashboard then draws its status bars, whose widths are inline styles.
    const engagement = await app.inject({
      method: 'POST',
      url: '/api/states/chl/engagements',
      headers: session.apiHeaders,
      payload: { kind: 'reply_received', occurredOn: '2026-05-30', text: 'A letter from the Ambassador.' },
    })
    expect(engagement.statusCode).toBe(201)
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromiumPath.path!)
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('is not violated by any public page (and /docs keeps working under its own policy)', async () => {
    const page = await browser.newPage()
    const refused = await watch(page)
    for (const path of [
      '/',
      '/write',
      '/write/fra',
      `/letters/${letterId}`,
      `/letters/${letterId}/edit`,
      '/states',
      '/states/fra',
      '/progress',
      '/join',
      '/privacy',
      '/privacy/erase',
      '/no-such-page-at-all',
    ]) {
      if (path === '/no-such-page-at-all') {
        const response = await page.goto(`${base}${path}`)
        expect(response?.status()).toBe(404)
        continue
      }
      await visit(page, `${base}${path}`, refused)
    }
    await visit(page, `${base}/docs`, refused)
    // Swagger UI ran (its script is allowed) and drew the API's operations.
    await page.waitForSelector('.opblock', { timeout: 15_000 })
    expect(refused).toEqual([])
    await page.close()
  }, 60_000)

  it('is not violated by the organizers’ pages, the dashboard’s bars and charts included', async () => {
    const context = await browser.newContext()
    await context.addCookies(
      cookie.split('; ').map((pair) => {
        const [name, value] = pair.split('=') as [string, string]
        return { name, value, url: base }
      }),
    )
    const page = await context.newPage()
    const refused = await watch(page)
    await visit(page, `${base}/organizers`, refused)
    expect(await page.locator('.status-bar__part[style*="width"]').count()).toBeGreaterThan(0)
    for (const path of [
      '/organizers/team',
      '/organizers/audit',
      '/organizers/directory',
      '/organizers/directory/fra/edit',
      '/organizers/outbox',
      '/organizers/letters',
      '/organizers/states/fra',
      '/organizers/members',
      '/organizers/updates',
    ]) {
      await visit(page, `${base}${path}`, refused)
    }
    expect(refused).toEqual([])
    await context.close()
  }, 60_000)

  it('reports a violation when a page breaks it (the watch can fail)', async () => {
    const page = await browser.newPage()
    const refused = await watch(page)
    await page.goto(`${base}/write`)
    await page.evaluate(`{
      const s = document.createElement('script')
      s.textContent = 'document.title = "ran"'
      document.body.append(s)
    }`)
    await page.waitForTimeout(200)
    const events = await page.evaluate<string[]>('window.__violations')
    expect(events.join(' ') + refused.join(' ')).toContain('script-src')
    expect(await page.title()).not.toBe('ran')
    await page.close()
  })
})
