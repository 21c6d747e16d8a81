import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { createTransport, type MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 7: a member joins at /join, confirms from the e-mail the local SMTP server caught, and
// leaves from their membership page, in Debian's Chromium without JavaScript, at 360 px. Each page
// visited is checked with axe and for sideways scrolling.

const chromium = findChromium()
if (!chromium.path) console.warn(`member-journey.test.ts ${chromium.reason}`)

describe.skipIf(!chromium.path)('a member in a real browser', () => {
  let browser: Browser
  let page: Page
  let base: string
  let ctx: AppContext
  let smtp: TestSmtpServer
  let transport: MailTransport

  beforeAll(async () => {
    smtp = await startTestSmtpServer()
    const built = await buildTestApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Code Blue <hello@codeblue.example>' },
    })
    ctx = built.ctx
    transport = createTransport(ctx.config.mail)
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
    })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    transport?.close()
    await smtp?.stop()
  })

  it('joins, confirms from the e-mail, and unsubscribes from the membership page', async () => {
    await page.goto(`${base}/join`)
    await expectAccessible(page)
    // First without an e-mail address: the form comes back with its errors, and is checked too.
    await page.getByLabel('as an individual').check()
    await page.getByLabel('Your name').fill('Sipho Dlamini')
    await page.getByRole('button', { name: 'Join the campaign' }).click()
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1)
    await expectAccessible(page)

    await page.getByLabel('E-mail address', { exact: true }).fill('sipho@example.org')
    await page.getByLabel('Country where you live').selectOption('ZA')
    await page.locator('#consent').check()
    await page.getByRole('button', { name: 'Join the campaign' }).click()
    await page.waitForURL(/\/join\/check-inbox/)
    await expectAccessible(page)

    await runJobsThenDrain(ctx, transport)
    const [mail] = await smtp.waitForMessages(1)
    expect(mail?.envelope.to).toEqual(['sipho@example.org'])
    const link = /https?:\/\/\S+\/join\/confirm\/[A-Za-z0-9_-]+/.exec(mail?.parsed.text ?? '')?.[0]
    expect(link, mail?.parsed.text).toBeTruthy()

    await page.goto(`${base}${new URL(link!).pathname}`)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Confirm my membership' }).click()
    await page.waitForURL(/\/members\/[^/]+\?welcome=1$/)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are a member of Code Blue')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Stop the updates and leave the campaign' }).click()
    await page.waitForURL(/\/members\/[^/]+\/unsubscribe$/)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Unsubscribe' }).click()
    await page.waitForURL(/\/members\/[^/]+\/unsubscribe$/)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed')
    await expectAccessible(page)

    const member = await ctx.db
      .selectFrom('member')
      .selectAll()
      .where('email', '=', 'sipho@example.org')
      .executeTakeFirst()
    expect(member?.status).toBe('unsubscribed')
  }, 120_000)
})
