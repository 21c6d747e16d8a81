import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { runOutboxOnce } from '../../src/delivery/outbox-worker.js'
import { createTransport, type MailTransport } from '../../src/delivery/transports.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 7: the supporter's two journeys in Debian's Chromium, pages without JavaScript, on a
// 360 px phone. Every page visited is checked with axe and for sideways scrolling on arrival
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

  it('asks for a suggested state, writes, previews and downloads a PDF with their words', async () => {
    await page.goto(`${base}/write`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Suggest a state for me' }).click()
    await page.waitForURL(/\/write\/[a-z]{3}$/)
    const suggested = new URL(page.url()).pathname.split('/').pop()
    await expectAccessible(page)

    await page.getByLabel('Your name (required)').fill('Amina Odhiambo')
    await page.getByLabel('City').fill('Kisumu')
    await page.getByLabel('Country').selectOption('KE')
    await page
      .getByLabel('A paragraph of your own')
      .fill('I nursed survivors in Bangui; they deserve a court that answers them.')
    await page.getByRole('button', { name: 'Preview my letter' }).click()
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    await expectAccessible(page)
    expect(await page.locator('article.paper').textContent()).toContain(
      'they deserve a court that answers them',
    )

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
    expect(suggested).toMatch(/^[a-z]{3}$/)
  }, 90_000)

  it('chooses e-mail, confirms from the message the SMTP server caught, and the mission gets it', async () => {
    smtp.reset()
    await page.goto(`${base}/write`)
    await page.getByLabel('State', { exact: true }).selectOption('fra')
    await page.getByRole('button', { name: 'Write to this mission' }).click()
    await page.waitForURL(/\/write\/fra$/)
    await page.getByLabel('Your name (required)').fill('Tomás Herrera')
    await page.getByLabel('City').fill('Valparaíso')
    await page.getByLabel('Country').selectOption('CL')
    await page
      .getByLabel('A paragraph of your own')
      .fill('Desde Valparaíso, pido justicia para las víctimas.')
    await page.getByRole('button', { name: 'Preview my letter' }).click()
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    const letterUrl = page.url()

    // The preview offers e-mail delivery for a mission with an address, as a plain form.
    await expectAccessible(page)
    await page.getByLabel('Your e-mail address').fill('tomas@example.org')
    await page.getByRole('button', { name: 'Send me the confirmation link' }).click()
    await page.waitForURL(letterUrl)
    expect(await page.locator('.delivery [role=status]').textContent()).toContain('Check your e-mail')
    await expectAccessible(page)

    // The outbox sends the confirmation link to the writer, and nothing to the mission yet.
    await runOutboxOnce(ctx, transport)
    const [confirmation] = await smtp.waitForMessages(1)
    expect(confirmation?.envelope.to).toEqual(['tomas@example.org'])
    expect(smtp.messages.some((m) => m.envelope.to.includes(MISSION_EMAIL))).toBe(false)
    const link = /https?:\/\/\S+\/confirm\/[A-Za-z0-9_-]{43}/.exec(confirmation?.parsed.text ?? '')?.[0]
    expect(link, confirmation?.parsed.text).toBeTruthy()

    await page.goto(onTestServer(link!))
    await expectAccessible(page)
    expect(await page.locator('article.paper').textContent()).toContain('pido justicia para las víctimas')
    await page.getByRole('button', { name: 'Send my letter' }).click()
    await page.waitForURL(letterUrl)
    expect(await page.locator('.delivery [role=status]').textContent()).toContain('Confirmed')
    await expectAccessible(page)

    await runOutboxOnce(ctx, transport)
    const toMission = smtp.messages.filter((m) => m.envelope.to.includes(MISSION_EMAIL))
    expect(toMission).toHaveLength(1)
    expect(toMission[0]?.parsed.replyTo).toBe('tomas@example.org')
    const attached = toMission[0]?.parsed.attachments.find((a) => a.contentType === 'application/pdf')
    expect(await pdfText(attached!.content)).toContain('pido justicia para las víctimas')

    await page.reload()
    expect(await page.locator('.delivery [role=status]').textContent()).toContain('Delivered')
    await expectAccessible(page)
  }, 90_000)
})
