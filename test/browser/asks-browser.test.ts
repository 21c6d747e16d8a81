import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import type { AppContext } from '../../src/context.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { organizerCookieNames } from '../../src/organizers/organizer-csrf.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18, item 1 in Chromium without JavaScript, at phone width: a coordinator gives an ask its
// Arabic title on its form; the home page and /progress show it in Arabic, the ask's English where
// Chinese has none; the dashboard filtered by the ask keeps its states and its CSV follows. Each
// page is checked with axe and for sideways scrolling.

const chromium = findChromium()
if (!chromium.path) console.warn(`asks-browser.test.ts ${chromium.reason}`)

describe.skipIf(!chromium.path)('asks in six languages and filters, in a real browser', () => {
  let browser: Browser
  let organizer: BrowserContext
  let page: Page
  let base: string
  let ctx: AppContext
  let wave: number

  beforeAll(async () => {
    const built = await buildTestApp()
    ctx = built.ctx
    base = await listenOnLoopback(built.app)
    await ctx.db.updateTable('ask').set({ starts_on: '2026-01-01' }).where('id', '=', 1).execute()
    wave = await createAsk(ctx, SHELL_ACTOR, {
      title: 'Security Council members first',
      purpose: 'The fifteen members of the Council decide on peacekeeping mandates.',
      targetKind: 'security_council',
      councilOn: '2026-06-01',
      goals: { letters: 10 },
      startsOn: '2026-05-01',
    })
    for (const state of ['FRA', 'USA', 'KEN'])
      await createLetter(ctx, {
        state,
        language: 'en',
        supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' },
      })
    const { sessionToken } = await createOrganizer(ctx, { name: 'Grace Mwangi', role: 'coordinator' })
    browser = await launchChromium(chromium.path!)
    organizer = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    await organizer.addCookies([
      { name: organizerCookieNames(ctx.config).session, value: sessionToken, url: base },
    ])
    page = await organizer.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  it('gives the ask an Arabic title on its form, shown to Arabic readers, English to Chinese', {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${base}/organizers/asks/${wave}/edit`)
    await expectAccessible(page)
    await page.getByLabel('Title in Arabic (العربية)').fill('أعضاء مجلس الأمن أولاً')
    await page.getByRole('button', { name: 'Save the ask' }).click()
    await expect.poll(() => page.url()).toContain('/organizers/asks?done=saved')

    const reader = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_VIEWPORT })
    const pub = await reader.newPage()
    for (const path of ['/?lang=ar', '/progress?lang=ar']) {
      await pub.goto(`${base}${path}`)
      const titles = pub.locator('.ask-progress h3')
      expect(await titles.allTextContents(), path).toEqual([
        'أعضاء مجلس الأمن أولاً',
        'جميع الدول الأعضاء الـ193',
      ])
      // The English purpose inside the Arabic page is marked English and reads left to right.
      const direction = await pub.evaluate<string>(
        `getComputedStyle(document.querySelector('.ask-progress p[lang="en"]')).direction`,
      )
      expect(direction, path).toBe('ltr')
      await expectAccessible(pub)
    }
    // The wave's own map, from its link on the Arabic /progress: its 15 Council members coloured.
    await pub.goto(`${base}/progress?lang=ar`)
    await pub.locator(`a[href="/progress?ask=${wave}#map-heading"]`).click()
    expect(pub.url()).toContain(`/progress?ask=${wave}`)
    expect(await pub.locator('.world-map__state:not(.map-status-outside_ask)').count()).toBe(15)
    expect(await pub.locator('.ask-map-note strong').textContent()).toBe('أعضاء مجلس الأمن أولاً')
    await expectAccessible(pub)
    for (const path of ['/?lang=zh', '/progress?lang=zh']) {
      await pub.goto(`${base}${path}`)
      expect(await pub.locator('.ask-progress h3').allTextContents(), path).toEqual([
        'Security Council members first',
        '全部193个会员国',
      ])
      await expectAccessible(pub)
    }
    await reader.close()
  })

  it('filters the dashboard by the ask, and downloads its CSV with the ask’s letters', {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${base}/organizers`)
    await page.getByLabel('Ask', { exact: true }).selectOption(String(wave))
    await page.getByRole('button', { name: 'Show states' }).click()
    const rows = page.locator('[data-state-row]')
    await expect.poll(() => rows.count()).toBe(15)
    await expectAccessible(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download the coverage \(CSV\)/ }).click(),
    ])
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '')
    const records = parse(csv, { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(15)
    const letters = Object.fromEntries(records.map((r) => [r.ISO3, r['Letters within the ask']]))
    expect([letters.FRA, letters.USA, letters.KEN]).toEqual(['1', '1', undefined])
  })
})
