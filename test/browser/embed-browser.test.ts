import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The letter form framed on a partner's page (issue 14, item 5), in Chromium: two pages served
// from other loopback origins frame /embed/write/fra; the one in EMBED_ORIGINS shows it and can
// write a letter in it, the other is refused by the browser (CSP frame-ancestors).

const chromium = findChromium()
if (!chromium.path) console.warn(`embed-browser.test.ts ${chromium.reason}`)

/** A partner's page on its own loopback port: an iframe of `src`. */
async function partnerPage(): Promise<{ origin: string; frame(src: string): void; close(): Promise<void> }> {
  let src = 'about:blank'
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(
      `<!doctype html><html lang="en"><head><title>A partner</title></head><body><h1>Write with us</h1><iframe title="Write to an ambassador" src="${src}" width="1000" height="1400"></iframe></body></html>`,
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    frame: (to) => {
      src = to
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe.skipIf(!chromium.path)('the letter form framed on partners’ pages, in a real browser', () => {
  let browser: Browser
  let base: string
  let allowed: Awaited<ReturnType<typeof partnerPage>>
  let other: Awaited<ReturnType<typeof partnerPage>>

  beforeAll(async () => {
    allowed = await partnerPage()
    other = await partnerPage()
    const { app, ctx } = await buildTestApp({ env: { EMBED_ORIGINS: allowed.origin } })
    await setMission(ctx, 'FRA', FRANCE)
    base = await listenOnLoopback(app)
    allowed.frame(`${base}/embed/write/fra?source=partner-test`)
    other.frame(`${base}/embed/write/fra?source=partner-test`)
    browser = await launchChromium(chromium.path!)
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    await allowed?.close()
    await other?.close()
  })

  it('works framed by an allowed origin: the form, the letter beside it, a letter written inside the frame', async () => {
    const page = await browser.newPage()
    await page.goto(allowed.origin)
    const frame = page.frameLocator('iframe')
    await expect.poll(() => frame.locator('form.compose').count(), { timeout: 15_000 }).toBe(1)
    expect(await frame.locator('#letter-preview article.paper').textContent()).toContain('Jérôme Bonnafont')
    await frame.getByLabel('I will print and post it').check()
    await frame.getByLabel('Your name (required)').fill('Achieng Otieno')
    await frame.getByRole('textbox', { name: /^Postal address/ }).fill('Moi Avenue 3')
    await frame.getByLabel('City').fill('Mombasa')
    await frame.getByLabel('Country').selectOption('KE')
    await frame.getByRole('button', { name: 'Continue' }).click()
    await expect
      .poll(() => frame.getByRole('link', { name: 'Download PDF' }).count(), { timeout: 15_000 })
      .toBe(1)
    const inner = page.frames().find((f) => f.url().startsWith(`${base}/embed/letters/`))
    expect(
      inner,
      page
        .frames()
        .map((f) => f.url())
        .join(' '),
    ).toBeDefined()
    await expectAccessible(inner!.page())
    await page.close()
  }, 90_000)

  it('is refused framed by an origin not in EMBED_ORIGINS', async () => {
    const page = await browser.newPage()
    const refused: string[] = []
    page.on('console', (message) => {
      if (/frame-ancestors/.test(message.text())) refused.push(message.text())
    })
    await page.goto(other.origin)
    await expect.poll(() => refused.length, { timeout: 15_000 }).toBeGreaterThan(0)
    expect(await page.frameLocator('iframe').locator('form.compose').count()).toBe(0)
    await page.close()
  }, 60_000)
})
