import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/test-app.js'

const chromiumPath = findChromium()
if (!chromiumPath.path) console.warn(`directory-browser.test.ts ${chromiumPath.reason}`)

describe.skipIf(!chromiumPath.path)('the directory in a real browser', () => {
  let browser: Browser
  let base: string

  beforeAll(async () => {
    const { app } = await buildTestApp()
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromiumPath.path!)
  })
  afterAll(async () => {
    await browser?.close()
  })

  for (const [label, width, height] of [
    ['desktop', 1280, 900],
    ['phone', 360, 740],
  ] as const) {
    it(`fits the list and a state page in the ${label}'s width (${width}px), with no sideways scrolling`, async () => {
      const page = await browser.newPage({ viewport: { width, height } })
      for (const url of ['/states', '/states/tcd', '/states/gbr']) {
        await page.goto(base + url)
        // A string, evaluated in the page: the project's types know no DOM.
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - window.innerWidth',
        )
        expect(overflow, url).toBeLessThanOrEqual(0)
      }
      await page.close()
    })
  }

  it('searches with the form and opens a state, with JavaScript turned off', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
    })
    const page = await context.newPage()
    await page.goto(`${base}/states`)
    await page.getByLabel('Search by name or code').fill('ivoire')
    await page.getByRole('button', { name: 'Show states' }).click()
    await page.waitForURL(/q=ivoire/)
    expect(await page.locator('tbody tr').count()).toBe(1)
    await page.getByRole('link', { name: "Côte d'Ivoire" }).click()
    await page.waitForURL(/\/states\/civ$/)
    expect(await page.locator('h1').textContent()).toBe("Côte d'Ivoire")
    await context.close()
  })

  it('filters by regional group from the select', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/states`)
    await page.getByLabel('Regional group').selectOption('eastern_european')
    await page.getByRole('button', { name: 'Show states' }).click()
    await page.waitForURL(/group=eastern_european/)
    expect(await page.locator('tbody tr').count()).toBe(23)
    await page.close()
  })
})
