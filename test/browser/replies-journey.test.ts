import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { issueSetupLinkIfNeeded } from '../../src/organizers/organizer-accounts.service.js'
import type { MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { FRANCE_EMAIL, tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18: an organizer records a mission's reply found by its letter's reference code, in
// Chromium without JavaScript, attaches the scan, sees it on the state's page, and the writer
// (who wrote on the French site) is told once, in French; then publishes the state's position and
// finds it on the public progress page. Each organizer page visited is checked with axe.

const chromium = findChromium()
if (!chromium.path) console.warn(`replies-journey.test.ts ${chromium.reason}`)

const EMAIL = 'replies.admin@example.org'
const PASSWORD = 'a long enough passphrase for tests'
const PDF = Buffer.from('%PDF-1.4\n% a scanned reply\n%%EOF\n')

describe.skipIf(!chromium.path)('recording a reply in a real browser', () => {
  let browser: Browser
  let page: Page
  let base: string
  let ctx: AppContext
  let smtp: TestSmtpServer
  let transport: MailTransport

  beforeAll(async () => {
    smtp = await startTestSmtpServer()
    const built = await buildTestApp({
      clock: manualClock('2026-06-21T12:00:00.000Z'),
      env: { SMTP_URL: smtp.url, MISSION_DAILY_CAP: '1000' },
    })
    ctx = built.ctx
    transport = transportFor(ctx)
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_VIEWPORT })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    transport?.close()
    await smtp?.stop()
  })

  it('finds the letter by its reference, records the reply, and the writer is told once in French', async () => {
    const written = await createLetter(
      ctx,
      {
        state: 'FRA',
        language: 'fr',
        supporter: { name: 'Camille Martin', city: 'Lyon', country: 'FR', email: 'camille@example.org' },
      },
      { siteLanguage: 'fr' },
    )
    await requestEmailDelivery(ctx, written.id, {})
    const token = await tokenFromOutbox(ctx, written.id)
    await runJobsThenDrain(ctx, transport)
    await confirmEmailDelivery(ctx, token)
    // The letter to the mission, then the writer's copy of it.
    await runJobsThenDrain(ctx, transport)
    await runJobsThenDrain(ctx, transport)
    const { reference } = await ctx.db
      .selectFrom('letter')
      .select('reference')
      .where('public_id', '=', written.id)
      .executeTakeFirstOrThrow()
    smtp.reset()

    const setup = await issueSetupLinkIfNeeded(ctx)
    await page.goto(`${base}${new URL(setup!.url).pathname}`)
    await page.getByLabel('Your name').fill('Grace Mwangi')
    await page.getByLabel(/^E-mail address/).fill(EMAIL)
    await page.getByLabel(/^Password/).fill(PASSWORD)
    await page.getByLabel('The same password again').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create my account' }).click()
    await page.waitForURL(`${base}/organizers`)

    await page.getByRole('link', { name: 'Record a reply' }).click()
    await page.waitForURL(`${base}/organizers/replies`)
    await expectAccessible(page)
    await page.getByLabel(/^Reference code/).fill(reference.toLowerCase())
    await page.getByRole('button', { name: 'Find' }).click()
    await page.waitForURL(/\/organizers\/replies\?q=/)
    await expectAccessible(page)
    expect(await page.getByRole('checkbox', { name: new RegExp(reference) }).isChecked()).toBe(true)
    await page.getByLabel('Received on').fill('2026-06-18')
    await page.getByLabel('How it came').selectOption('note_verbale')
    await page.getByLabel('What it says').fill('The Mission will consider the proposal favourably.')
    await page.getByLabel(/^The position it states/).selectOption('supportive')
    await page.getByLabel(/^Attach the reply/).setInputFiles({
      name: 'reply.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    })
    await page.getByRole('button', { name: 'Record the reply' }).click()
    await page.waitForURL(/\/organizers\/states\/fra\?saved=reply/)
    await expectAccessible(page)
    const replies = (await page.locator('#replies').textContent()) ?? ''
    expect(replies).toContain('The Mission will consider the proposal favourably.')
    expect(replies).toContain(reference)
    expect(await page.locator('#position').textContent()).toContain('From the mission’s reply received')

    await runJobsThenDrain(ctx, transport)
    await runJobsThenDrain(ctx, transport)
    const told = smtp.messages.filter(
      (m) => m.envelope.to.includes('camille@example.org') && m.parsed.subject.includes('a répondu'),
    )
    expect(told).toHaveLength(1)
    expect(told[0]!.parsed.subject).toBe(`France : la Mission a répondu à votre lettre ${reference}`)

    // Not public until published.
    await page.goto(`${base}/progress`)
    expect(await page.locator('.coverage-table__position').count()).toBe(0)
    await page.goto(`${base}/organizers/states/fra`)
    await page.getByRole('button', { name: 'Publish the position' }).click()
    await page.waitForURL(/saved=published/)
    await page.goto(`${base}/progress`)
    expect(await page.locator('.coverage-table__position').allTextContents()).toEqual(['Supportive'])
  }, 120_000)
})
