import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import {
  HTML_LANG,
  SITE_LANGUAGES,
  type SiteLanguage,
  textDirection,
  translate,
} from '../../src/i18n/index.js'
import { createTransport, type MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 15: the supporter's and the member's journeys in French and in Arabic, the language
// coming from the browser (Accept-Language) and kept from page to page; every page checked by axe
// and for sideways scrolling; the e-mails in the same language. Then axe on the public pages in
// each of the six languages. Screenshots of the Arabic pages go to SCREENSHOT_DIR when it is set.

const chromium = findChromium()
if (!chromium.path) console.warn(`language-journeys.test.ts ${chromium.reason}`)
const SHOTS = process.env.SCREENSHOT_DIR

describe.skipIf(!chromium.path)('journeys in French and Arabic, in a real browser', () => {
  let browser: Browser
  let base: string
  let ctx: AppContext
  let smtp: TestSmtpServer
  let transport: MailTransport

  beforeAll(async () => {
    smtp = await startTestSmtpServer()
    const built = await buildTestApp({ env: { SMTP_URL: smtp.url } })
    ctx = built.ctx
    transport = createTransport(ctx.config.mail)
    await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    transport?.close()
    await smtp?.stop()
  })

  function onTestServer(link: string): string {
    const url = new URL(link)
    return `${base}${url.pathname}${url.search}`
  }

  async function expectLanguage(page: Page, language: SiteLanguage): Promise<void> {
    const root = page.locator('html')
    expect(await root.getAttribute('lang')).toBe(HTML_LANG[language])
    expect(await root.getAttribute('dir')).toBe(textDirection(language))
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
  }

  async function lastMailTo(address: string) {
    await runJobsThenDrain(ctx, transport)
    const mail = smtp.messages.findLast((m) => m.envelope.to.includes(address))
    if (!mail) throw new Error(`no e-mail reached ${address}`)
    return mail.parsed
  }

  const journeys: Array<{
    language: SiteLanguage
    locale: string
    viewport: { width: number; height: number }
  }> = [
    { language: 'fr', locale: 'fr-FR', viewport: { width: 1280, height: 900 } },
    { language: 'ar', locale: 'ar-EG', viewport: { width: 390, height: 844 } },
  ]

  it.each(journeys)(
    '$language: writes a letter, confirms it by e-mail, joins, unsubscribes',
    async ({ language, locale, viewport }) => {
      const t = (key: string, args?: Record<string, string | number>) => translate(language, key, args)
      const context = await browser.newContext({ locale, viewport })
      const page = await context.newPage()
      const email = `writer-${language}@example.org`
      try {
        // The browser's language chooses the site's.
        await page.goto(`${base}/write/fra`)
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-write`)
        await page.locator('#name').fill(language === 'ar' ? 'ليلى حداد' : 'Jeanne Martin')
        await page.getByLabel(t('write.compose.deliveryEmail')).check()
        await page.locator('#email').fill(email)
        await page.getByRole('button', { name: t('write.compose.continue') }).click()
        await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-letter`)

        // The confirmation e-mail, in the site's language, and its link.
        const confirmation = await lastMailTo(email)
        expect(confirmation.html).toContain(
          `<html lang="${HTML_LANG[language]}" dir="${textDirection(language)}">`,
        )
        expect(confirmation.text).toContain(t('emails.signature'))
        const link = /https?:\/\/\S+\/confirm\/[A-Za-z0-9_-]{43}/.exec(confirmation.text)?.[0]
        expect(link, confirmation.text).toBeTruthy()
        await page.goto(onTestServer(link!))
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-confirm`)
        await page.getByRole('button', { name: t('delivery.confirm.submit') }).click()
        await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
        await expectAccessible(page)

        // Joining: the choice of language is kept (a cookie) once made by the switch.
        await page.goto(`${base}/join`)
        await page
          .getByRole('navigation', { name: t('common.languageSwitch.label') })
          .getByRole('link', {
            name: language === 'ar' ? 'العربية' : 'Français',
          })
          .click()
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-join`)
        await page.locator('#kind').check()
        await page.locator('#name').fill(language === 'ar' ? 'ليلى حداد' : 'Jeanne Martin')
        await page.locator('#email').fill(`member-${language}@example.org`)
        await page.locator('#country').selectOption(language === 'ar' ? 'EG' : 'FR')
        await page.locator('#consent').check()
        await page.getByRole('button', { name: t('members.join.submit') }).click()
        await page.waitForURL(/\/join\/check-inbox/)
        await expectLanguage(page, language)
        await expectAccessible(page)
        const welcome = await lastMailTo(`member-${language}@example.org`)
        expect(welcome.subject).toBe(t('emails.memberConfirmation.subject'))
        const joinLink = /https?:\/\/\S+\/join\/confirm\/[A-Za-z0-9_-]{43}/.exec(welcome.text)?.[0]
        expect(joinLink, welcome.text).toBeTruthy()
        await page.goto(onTestServer(joinLink!))
        await expectAccessible(page)
        await page.getByRole('button', { name: t('members.confirm.submit') }).click()
        await page.waitForURL(/\/members\/[^/]+\?welcome=1$/)
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-member`)
        await page.getByRole('link', { name: t('members.member.unsubscribe') }).click()
        await page.waitForURL(/\/members\/[^/]+\/unsubscribe$/)
        await expectAccessible(page)
        await page.getByRole('button', { name: t('members.unsubscribe.submit') }).click()
        await page.waitForURL(/\/members\/[^/]+\/unsubscribe$/)
        await expectLanguage(page, language)
        await expectAccessible(page)
        await shot(page, `${language}-unsubscribed`)
        const member = await ctx.db
          .selectFrom('member')
          .select(['status', 'site_language'])
          .where('email', '=', `member-${language}@example.org`)
          .executeTakeFirstOrThrow()
        expect(member).toEqual({ status: 'unsubscribed', site_language: language })
      } finally {
        await context.close()
      }
    },
    120_000,
  )

  it('every public page is accessible in each of the six languages, on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    try {
      for (const language of SITE_LANGUAGES) {
        for (const url of ['/', '/write/fra', '/progress', '/states', '/states/fra', '/join', '/privacy']) {
          await page.goto(`${base}${url}?lang=${language}`)
          await expectLanguage(page, language)
          await expectAccessible(page)
          if (language === 'ar') await shot(page, `ar-390${url.replaceAll('/', '-') || '-home'}`)
        }
      }
    } finally {
      await context.close()
    }
  }, 240_000)
})

// Where screenshots were asked for, say where they are.
if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true })
void os
