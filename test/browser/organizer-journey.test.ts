import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { issueSetupLinkIfNeeded } from '../../src/organizers/organizer-accounts.service.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 7: the organizer's journey in Debian's Chromium without JavaScript: the first account
// from the setup link the server prints, signing in, logging an engagement, the dashboard's
// count moving, and the coverage CSV agreeing with it. Each page visited is checked with axe
// and at 360 px for sideways scrolling.

const chromium = findChromium()
if (!chromium.path) console.warn(`organizer-journey.test.ts ${chromium.reason}`)

const EMAIL = 'first.admin@example.org'
const PASSWORD = 'a long enough passphrase for tests'

describe.skipIf(!chromium.path)('an organizer in a real browser', () => {
  let browser: Browser
  let page: Page
  let base: string
  let ctx: AppContext

  /** "N of 193" in the dashboard's headline. */
  async function canvassedCount(): Promise<number> {
    const text = (await page.locator('.progress-headline__count').first().textContent()) ?? ''
    const match = /(\d+) of 193/.exec(text)
    if (!match) throw new Error(`no "N of 193" in ${JSON.stringify(text)}`)
    return Number(match[1])
  }

  beforeAll(async () => {
    const built = await buildTestApp()
    ctx = built.ctx
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  it('creates the first account, signs in, logs an engagement, sees the count rise, exports CSV', async () => {
    const setup = await issueSetupLinkIfNeeded(ctx)
    expect(setup, 'a fresh database has no organizer, so a setup link').not.toBeNull()
    await page.goto(`${base}${new URL(setup!.url).pathname}`)
    await expectAccessible(page)
    await page.getByLabel('Your name').fill('Grace Mwangi')
    await page.getByLabel(/^E-mail address/).fill(EMAIL)
    await page.getByLabel(/^Password/).fill(PASSWORD)
    await page.getByLabel('The same password again').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create my account' }).click()
    await page.waitForURL(`${base}/organizers`)
    expect(await issueSetupLinkIfNeeded(ctx), 'no second setup link once an admin exists').toBeNull()

    // Out, and in again with the new account, as on any other day.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/organizers\/login/)
    await expectAccessible(page)
    await page.getByLabel('E-mail address').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/organizers`)
    await expectAccessible(page)
    const before = await canvassedCount()

    await page.goto(`${base}/organizers/states/ken`)
    await expectAccessible(page)
    await page.getByLabel('What happened').selectOption('meeting')
    await page.getByLabel('When').fill('2026-05-28')
    await page
      .getByLabel(/^What was said or agreed/)
      .fill('Met the deputy; they will raise it in the Fifth Committee.')
    await page.getByRole('button', { name: 'Log it' }).click()
    await page.waitForURL(/\/organizers\/states\/ken\?saved=engagement/)
    expect(await page.locator('.desk-entries').first().textContent()).toContain(
      'raise it in the Fifth Committee',
    )
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Dashboard' }).click()
    await page.waitForURL(`${base}/organizers`)
    const after = await canvassedCount()
    expect(after).toBe(before + 1)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the coverage (CSV)' }).click(),
    ])
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '')
    const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[]
    expect(rows).toHaveLength(193)
    expect(rows.filter((row) => row.Canvassed === 'yes')).toHaveLength(after)
    const kenya = rows.find((row) => row.ISO3 === 'KEN')
    expect(kenya?.Canvassed).toBe('yes')
    expect(kenya?.['Last contact']).toBe('2026-05-28')
  }, 120_000)
})
