import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { organizerCookieNames } from '../../src/organizers/organizer-csrf.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18, item 5, in Debian's Chromium without JavaScript: an organizer logs a call with the
// wrong state, sees it canvassed, withdraws the call with a reason, and sees the coverage fall back
// on the dashboard and in the CSV, the entry kept on the desk, struck out. axe checks each page.

const chromium = findChromium()
if (!chromium.path) console.warn(`corrections-journey.test.ts ${chromium.reason}`)

describe.skipIf(!chromium.path)('withdrawing a mistaken engagement in a real browser', () => {
  let browser: Browser
  let page: Page
  let base: string
  let ctx: AppContext

  async function canvassedCount(): Promise<number> {
    await page.goto(`${base}/organizers`)
    const text = (await page.locator('.progress-headline__count').first().textContent()) ?? ''
    const match = /(\d+) of 193/.exec(text)
    if (!match) throw new Error(`no "N of 193" in ${JSON.stringify(text)}`)
    return Number(match[1])
  }

  async function csvRow(iso3: string): Promise<Record<string, string> | undefined> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the coverage (CSV)' }).click(),
    ])
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '')
    return (parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[]).find(
      (row) => row.ISO3 === iso3,
    )
  }

  beforeAll(async () => {
    const built = await buildTestApp()
    ctx = built.ctx
    base = await listenOnLoopback(built.app)
    const { sessionToken } = await createOrganizer(ctx, { name: 'Grace Mwangi', role: 'organizer' })
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    await context.addCookies([
      { name: organizerCookieNames(ctx.config).session, value: sessionToken, url: base },
    ])
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  it('logs a call with the wrong state, withdraws it, and the state is no longer canvassed', async () => {
    const before = await canvassedCount()

    await page.goto(`${base}/organizers/states/mwi`)
    await page.getByLabel('What happened').selectOption('call')
    await page.getByLabel('When').fill('2026-05-28')
    await page.getByLabel(/^What was said or agreed/).fill('Called the mission about the court.')
    await page.getByRole('button', { name: 'Log it' }).click()
    await page.waitForURL(/\/organizers\/states\/mwi\?saved=engagement/)
    expect(await canvassedCount()).toBe(before + 1)
    expect((await csvRow('MWI'))?.Canvassed).toBe('yes')

    await page.goto(`${base}/organizers/states/mwi`)
    const entry = page.locator('.desk-entry', { hasText: 'Called the mission about the court.' })
    await entry.locator('summary', { hasText: 'Correct' }).click()
    await expectAccessible(page)
    await entry.getByLabel('Why it is withdrawn').fill('It was Malta, not Malawi')
    await entry.getByRole('button', { name: /^Withdraw engagement/ }).click()
    await page.waitForURL(/\/organizers\/states\/mwi\?saved=withdrawn/)
    await expectAccessible(page)
    const kept = page.locator('.desk-entry--withdrawn')
    expect(await kept.textContent()).toContain('It was Malta, not Malawi')
    expect(await kept.locator('del').first().textContent()).toContain('Call')

    expect(await canvassedCount()).toBe(before)
    const row = await csvRow('MWI')
    expect(row).toMatchObject({ Canvassed: 'no', Status: 'Not contacted', 'Last contact': '' })
  }, 120_000)
})
