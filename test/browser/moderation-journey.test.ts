import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { manualClock } from '../../src/lib/clock.js'
import { issueSetupLinkIfNeeded } from '../../src/organizers/organizer-accounts.service.js'
import type { MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { FRANCE_EMAIL, transportFor } from '../delivery/delivery-helpers.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18, item 3: an organizer sets the ask to hold first-time writers; a first-time writer
// e-mails a letter, is told before and after confirming that it is being reviewed, and nothing
// reaches the mission; the organizer approves it in the review queue and the letter goes out to
// the mission's (test) SMTP server. In Chromium without JavaScript, at phone width, each page
// checked with axe. The database is SQLite, or PostgreSQL under TEST_ENGINE=postgres.

const chromium = findChromium()
if (!chromium.path) console.warn(`moderation-journey.test.ts ${chromium.reason}`)

const EMAIL = 'review.admin@example.org'
const PASSWORD = 'a long enough passphrase for tests'
const WRITER = 'first.time@example.org'
const PARAGRAPH = 'I nursed wounded peacekeepers in Goma and ask your Mission to support this proposal.'

describe.skipIf(!chromium.path)(
  'holding and approving a first-time writer’s letter in a real browser',
  () => {
    let browser: Browser
    let organizerTab: Page
    let writerContext: BrowserContext
    let writerTab: Page
    let base: string
    let ctx: AppContext
    let smtp: TestSmtpServer
    let transport: MailTransport

    const onTestServer = (link: string) => {
      const url = new URL(link)
      return `${base}${url.pathname}${url.search}`
    }
    const drain = async () => {
      await runJobsThenDrain(ctx, transport)
      await runJobsThenDrain(ctx, transport)
    }

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
      const organizerContext = await browser.newContext({
        javaScriptEnabled: false,
        viewport: PHONE_VIEWPORT,
      })
      organizerTab = await organizerContext.newPage()
      writerContext = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_VIEWPORT })
      writerTab = await writerContext.newPage()
    }, 30_000)
    afterAll(async () => {
      await browser?.close()
      transport?.close()
      await smtp?.stop()
    })

    it('sets the ask, holds the letter with the writer told, and sends it once approved', async () => {
      // The organizer: first account, then the ask's moderation on its edit page.
      const setup = await issueSetupLinkIfNeeded(ctx)
      const page = organizerTab
      await page.goto(`${base}${new URL(setup!.url).pathname}`)
      await page.getByLabel('Your name').fill('Ines Reviewer')
      await page.getByLabel(/^E-mail address/).fill(EMAIL)
      await page.getByLabel(/^Password/).fill(PASSWORD)
      await page.getByLabel('The same password again').fill(PASSWORD)
      await page.getByRole('button', { name: 'Create my account' }).click()
      await page.waitForURL(`${base}/organizers`)
      const ask = await ctx.db.selectFrom('ask').select('id').orderBy('id').executeTakeFirstOrThrow()
      await page.goto(`${base}/organizers/asks/${ask.id}/edit`)
      await page.getByLabel('Hold first-time writers’ letters for review').check()
      await page.getByRole('button', { name: 'Save the moderation' }).click()
      await page.waitForURL(`${base}/organizers/asks/${ask.id}/edit?moderation=saved`)
      expect(await page.getByLabel('Hold first-time writers’ letters for review').isChecked()).toBe(true)
      await expectAccessible(page)

      // The writer: a first letter, e-mailed.
      const tab = writerTab
      await tab.goto(`${base}/write/fra`)
      await tab.getByLabel('Your name (required)').fill('Esther Mbeki')
      await tab.getByLabel('A paragraph of your own').fill(PARAGRAPH)
      await tab.getByLabel('E-mail it for me').check()
      await tab.getByLabel(/^E-mail/).fill(WRITER)
      await tab.getByRole('button', { name: 'Continue' }).click()
      await tab.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
      const letterUrl = tab.url()

      await runJobsThenDrain(ctx, transport)
      const [confirmation] = await smtp.waitForMessages(1)
      const link = /https?:\/\/\S+\/confirm\/[A-Za-z0-9_-]{43}/.exec(confirmation?.parsed.text ?? '')?.[0]
      expect(link, confirmation?.parsed.text).toBeTruthy()
      await tab.goto(onTestServer(link!))
      // Before confirming: the page says the campaign reads it first.
      expect(await tab.locator('.notice').textContent()).toContain(
        'Before your letter goes to the mission, the campaign team will read it.',
      )
      await expectAccessible(tab)
      await tab.getByRole('button', { name: 'Send my letter' }).click()
      await tab.waitForURL(letterUrl)
      expect(await tab.locator('.lead').first().textContent()).toContain(
        'Your letter is being reviewed by the campaign team before it goes to the mission.',
      )
      expect(await tab.locator('.delivery [role=status]').textContent()).toContain('Being reviewed.')
      await expectAccessible(tab)

      const { reference } = await ctx.db
        .selectFrom('letter')
        .select('reference')
        .where('supporter_email', '=', WRITER)
        .executeTakeFirstOrThrow()
      await drain()
      expect(smtp.messages.some((m) => m.envelope.to.includes(FRANCE_EMAIL))).toBe(false)

      // The organizer approves it in the queue.
      await page.goto(`${base}/organizers`)
      await page.getByRole('link', { name: 'Review' }).click()
      await page.waitForURL(`${base}/organizers/review`)
      const held = page.locator('section.review-letter', { hasText: reference })
      expect(await held.textContent()).toContain('First-time writer')
      expect(await held.textContent()).toContain(PARAGRAPH)
      await expectAccessible(page)
      await held.getByRole('button', { name: new RegExp(`^Approve and send\\s+${reference}$`) }).click()
      await page.waitForURL(`${base}/organizers/review?done=approved`)
      expect(await page.locator('.notice').textContent()).toContain('Approved')
      expect(await page.locator('section.review-letter', { hasText: reference }).count()).toBe(0)
      await expectAccessible(page)

      // The letter goes out to the mission, and its writer gets their copy.
      await drain()
      const toMission = smtp.messages.filter((m) => m.envelope.to.includes(FRANCE_EMAIL))
      expect(toMission).toHaveLength(1)
      expect(toMission[0]?.parsed.replyTo).toBe(WRITER)
      expect(
        smtp.messages.some(
          (m) => m.envelope.to.includes(WRITER) && m.parsed.subject.startsWith('Delivered:'),
        ),
      ).toBe(true)
      await tab.goto(letterUrl)
      expect(await tab.locator('.delivery [role=status]').textContent()).not.toContain('Being reviewed')
    }, 120_000)
  },
)
