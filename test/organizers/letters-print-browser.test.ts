import { readFile } from 'node:fs/promises'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The print page's two buttons in Debian's Chromium without JavaScript (issue 13, part 5): the
// campaign mailing written with one click, then printed duplex on A4; a batch printed with the
// filters on US Letter. Each page is checked with axe and at 360 px.

const chromium = findChromium()
if (!chromium.path) console.warn(`letters-print-browser.test.ts ${chromium.reason}`)

/** Each page's size in points, and whether it has any text. */
async function pdfPages(bytes: Uint8Array): Promise<{ size: [number, number]; blank: boolean }[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise
  try {
    const pages: { size: [number, number]; blank: boolean }[] = []
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      const [, , width = 0, height = 0] = page.view
      const text = await page.getTextContent()
      pages.push({ size: [Math.round(width), Math.round(height)], blank: text.items.length === 0 })
    }
    return pages
  } finally {
    await pdf.destroy()
  }
}

describe.skipIf(!chromium.path)('the print page in a real browser, without JavaScript', () => {
  let browser: Browser
  let page: Page
  let base: string

  beforeAll(async () => {
    const { app, ctx } = await buildTestApp()
    const { cookie } = await signInOrganizer(app, ctx, { role: 'coordinator' })
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    await context.addCookies(
      cookie.split('; ').map((pair) => {
        const [name, value] = pair.split('=') as [string, string]
        return { name, value, url: base }
      }),
    )
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  async function download(button: string): Promise<Buffer> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ])
    const path = await file.path()
    return readFile(path)
  }

  it('writes the campaign mailing, then prints it duplex on A4', async () => {
    await page.goto(`${base}/organizers/letters`)
    await expectAccessible(page)
    await page.getByRole('button', { name: /^Write the campaign letters/ }).click()
    await page.waitForURL(`${base}/organizers/letters?written=193#mailing`)
    await expectAccessible(page)
    expect(await page.getByRole('status').textContent()).toContain('to 193 member states')

    const mailing = page.locator('#mailing')
    await mailing.getByLabel('Print on both sides (duplex)').check()
    await mailing.getByLabel('A4').check()
    const pages = await pdfPages(await download('Print the mailing (PDF, 193 letters)'))
    expect(pages.length % 2).toBe(0)
    expect(pages.filter((p) => !p.blank).length).toBeGreaterThanOrEqual(193)
    for (const p of pages) expect(p.size).toEqual([595, 842])
  }, 120_000)

  it('prints a batch with the filters, on US Letter', async () => {
    await page.goto(`${base}/organizers/letters`)
    const print = page.locator('#print')
    await print.getByLabel(/^Member states/).fill('fra, usa')
    await print.getByLabel('Template').selectOption('campaign')
    await print.getByLabel('US Letter').check()
    const pages = await pdfPages(await download('Print letters (PDF)'))
    expect(pages.filter((p) => !p.blank)).toHaveLength(pages.length)
    expect(pages.length).toBeGreaterThanOrEqual(2)
    for (const p of pages) expect(p.size).toEqual([612, 792])
  }, 60_000)
})
