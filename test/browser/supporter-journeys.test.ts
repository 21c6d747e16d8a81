import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { type SiteLanguage, translate } from '../../src/i18n/index.js'
import { createTransport, type MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issues 7 and 14: the supporter's two journeys in Debian's Chromium: without JavaScript on a
// 360 px phone (print), and with it on a desktop (e-mail). Every page visited is checked with axe and for sideways scrolling on arrival
// (the public pages read around them, /progress, /privacy and /states, in keyboard.test.ts, to
// share the time between files).

const chromium = findChromium()
if (!chromium.path) console.warn(`supporter-journeys.test.ts ${chromium.reason}`)

const MISSION_EMAIL = 'france@un.int'

describe.skipIf(!chromium.path)('supporter journeys in a real browser', () => {
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let base: string
  let ctx: AppContext
  let smtp: TestSmtpServer
  let transport: MailTransport

  /** The site's address in a link from an e-mail (which carries PUBLIC_URL, not the test port). */
  function onTestServer(link: string): string {
    const url = new URL(link)
    return `${base}${url.pathname}${url.search}`
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer()
    const built = await buildTestApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Code Blue letters <letters@codeblue.example>' },
    })
    ctx = built.ctx
    transport = createTransport(ctx.config.mail)
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [MISSION_EMAIL] })
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
    context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    transport?.close()
    await smtp?.stop()
  })

  it('home, write (the letter beside the form), print: the PDF with their words, then the next state', async () => {
    await page.goto(`${base}/`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Write to an ambassador' }).click()
    await page.waitForURL(/\/write\/[a-z]{3}$/)
    const suggested = new URL(page.url()).pathname.split('/').pop()
    await expectAccessible(page)
    // The letter is on the page before anything is typed, the writer's paragraph marked by its place
    // (in the letter's language: the suggested mission's).
    const paper = page.locator('#letter-preview article.paper')
    const letterLanguage = ((await paper.getAttribute('lang')) ?? 'en').slice(0, 2) as SiteLanguage
    expect(await paper.textContent()).toContain(translate(letterLanguage, 'write.placeholders.personalNote'))

    await page.getByLabel('I will print and post it').check()
    await page.getByLabel('Your name (required)').fill('Amina Odhiambo')
    await page.getByRole('textbox', { name: /^Postal address/ }).fill('Oginga Odinga Street 12')
    await page.getByLabel('City').fill('Kisumu')
    await page.getByLabel('Country').selectOption('KE')
    await page
      .getByLabel('A paragraph of your own')
      .fill('I nursed survivors in Bangui; they deserve a court that answers them.')
    // Without JavaScript, the letter is redrawn by a button.
    await page.getByRole('button', { name: 'Update the letter below' }).click()
    const redrawn = await page.locator('#letter-preview article.paper').textContent()
    expect(redrawn).toContain('they deserve a court that answers them')
    expect(redrawn).toContain('Amina Odhiambo')
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    await expectAccessible(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ])
    const pdf = await readFile(await download.path())
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const text = await pdfText(pdf)
    expect(text).toContain('Amina Odhiambo')
    expect(text).toContain('they deserve a court that answers them')
    expect(download.suggestedFilename()).toMatch(/^letter-to-.+-CB-[2-9A-Z]{6}\.pdf$/)

    // The next state, one click away.
    const next = page.getByRole('link', { name: /^Write to .+ next$/ })
    await next.click()
    await page.waitForURL(/\/write\/[a-z]{3}$/)
    expect(new URL(page.url()).pathname.split('/').pop()).not.toBe(suggested)
    await expectAccessible(page)
  }, 90_000)

  it('with JavaScript, on a desktop: the letter follows the typing, e-mail, confirm, thanks and share', async () => {
    smtp.reset()
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const tab = await desktop.newPage()
    try {
      await tab.goto(`${base}/write/fra`)
      await tab.getByLabel('Your name (required)').fill('Tomás Herrera')
      await tab
        .getByLabel('A paragraph of your own')
        .fill('Desde Valparaíso, pido justicia para las víctimas.')
      // No button pressed: the page's script redraws the letter from what is typed.
      await expect
        .poll(() => tab.locator('#letter-preview article.paper').textContent(), { timeout: 10_000 })
        .toContain('pido justicia para las víctimas')
      expect(await tab.getByRole('button', { name: 'Update the letter below' }).isHidden()).toBe(true)
      // Beside the form on a wide screen.
      const form = await tab.locator('form.compose').boundingBox()
      const letter = await tab.locator('#letter-preview').boundingBox()
      expect(letter!.x).toBeGreaterThan(form!.x + form!.width - 1)
      await expectAccessible(tab)

      await tab.getByLabel('E-mail it for me').check()
      await tab.getByLabel(/^E-mail/).fill('tomas@example.org')
      await tab.getByRole('button', { name: 'Continue' }).click()
      await tab.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
      const letterUrl = tab.url()
      expect(await tab.locator('.delivery [role=status]').textContent()).toContain('Check your e-mail')
      expect(await tab.locator('.lead').textContent()).toContain('there is no need to print or post it')
      await expectAccessible(tab)

      // The outbox sends the confirmation link to the writer, and nothing to the mission yet.
      await runJobsThenDrain(ctx, transport)
      const [confirmation] = await smtp.waitForMessages(1)
      expect(confirmation?.envelope.to).toEqual(['tomas@example.org'])
      expect(smtp.messages.some((m) => m.envelope.to.includes(MISSION_EMAIL))).toBe(false)
      const link = /https?:\/\/\S+\/confirm\/[A-Za-z0-9_-]{43}/.exec(confirmation?.parsed.text ?? '')?.[0]
      expect(link, confirmation?.parsed.text).toBeTruthy()

      await tab.goto(onTestServer(link!))
      await expectAccessible(tab)
      expect(await tab.locator('article.paper').textContent()).toContain('pido justicia para las víctimas')
      await tab.getByRole('button', { name: 'Send my letter' }).click()
      await tab.waitForURL(letterUrl)
      expect(await tab.locator('.delivery [role=status]').textContent()).toContain('Confirmed')
      expect(await tab.getByRole('heading', { name: 'Thank you' }).isVisible()).toBe(true)
      const share = await tab
        .locator('.share-links a')
        .evaluateAll((links) => links.map((a) => (a as unknown as { href: string }).href))
      expect(share.some((href) => href.startsWith('https://x.com/intent/post?'))).toBe(true)
      expect(share.some((href) => href.startsWith('mailto:'))).toBe(true)
      expect(await tab.locator('#share-url').inputValue()).toMatch(/^https?:\/\/[^/]+\/$/)
      await expectAccessible(tab)

      await runJobsThenDrain(ctx, transport)
      const toMission = smtp.messages.filter((m) => m.envelope.to.includes(MISSION_EMAIL))
      expect(toMission).toHaveLength(1)
      expect(toMission[0]?.parsed.replyTo).toBe('tomas@example.org')
      const attached = toMission[0]?.parsed.attachments.find((a) => a.contentType === 'application/pdf')
      expect(await pdfText(attached!.content)).toContain('pido justicia para las víctimas')
    } finally {
      await desktop.close()
    }
  }, 90_000)
})
