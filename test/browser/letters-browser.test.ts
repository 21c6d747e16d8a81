import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

const chromiumPath = findChromium()
if (!chromiumPath.path) console.warn(`letters-browser.test.ts ${chromiumPath.reason}`)

describe.skipIf(!chromiumPath.path)('writing a letter in a real browser', () => {
  let browser: Browser
  let base: string

  beforeAll(async () => {
    const { app, ctx } = await buildTestApp()
    await setMission(ctx, 'FRA', FRANCE)
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromiumPath.path!)
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('on a phone, without JavaScript: choose, write, fix a mistake, preview, download the PDF', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    const page = await context.newPage()
    await page.goto(`${base}/write`)
    await page.getByLabel('State', { exact: true }).selectOption('fra')
    await page.getByRole('button', { name: 'Write to this mission' }).click()
    await page.waitForURL(/\/write\/fra$/)

    // Submitting without a name: the message appears by the field, the rest is kept.
    await page.getByLabel('A paragraph of your own').fill('Je vous écris depuis Lyon, où je suis infirmière.')
    await page.getByLabel('I will print and post it').check()
    await page.getByRole('button', { name: 'Continue' }).click()
    expect(await page.locator('#name-error').textContent()).toContain('Please give your name')
    expect(await page.getByLabel('A paragraph of your own').inputValue()).toContain('depuis Lyon')
    // The printed letter's choice is kept, and with it the fields it needs.
    expect(await page.getByLabel('I will print and post it').isChecked()).toBe(true)

    await page.getByLabel('Your name (required)').fill('Élise Martin')
    await page.getByLabel(/^Postal address/).fill('8 rue Garibaldi')
    await page.getByLabel(/^City/).fill('Lyon')
    await page.getByLabel(/^Country/).selectOption('FR')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    const paper = page.locator('article.paper')
    expect(await paper.textContent()).toContain('Son Excellence Monsieur Jérôme Bonnafont')
    expect(await paper.textContent()).toContain('Je vous écris depuis Lyon')
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
    expect(overflow).toBeLessThanOrEqual(0)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^letter-to-france-CB-[2-9A-Z]{6}\.pdf$/)
    const path = await download.path()
    const { readFile } = await import('node:fs/promises')
    const pdf = await readFile(path)
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const text = await pdfText(pdf)
    expect(text).toContain('Élise Martin')
    expect(text).toContain('Je vous écris depuis Lyon')
    await context.close()
  })
})
