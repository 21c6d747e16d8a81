import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { organizerCookieNames } from '../../src/organizers/organizer-csrf.js'
import { addPartner } from '../../src/partners/partners.service.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 14: a partner's link, followed in Chromium without JavaScript, writes a letter that the
// organizers' dashboard then counts under that partner.

const chromium = findChromium()
if (!chromium.path) console.warn(`source-journey.test.ts ${chromium.reason}`)

describe.skipIf(!chromium.path)('a partner’s link, from the letter to the dashboard', () => {
  let browser: Browser
  let base: string
  let ctx: AppContext

  beforeAll(async () => {
    const built = await buildTestApp()
    ctx = built.ctx
    await setMission(ctx, 'FRA', FRANCE)
    await addPartner(ctx, SHELL_ACTOR, { name: 'Amnesty Kenya', code: 'amnesty-ke', website: '' })
    base = await listenOnLoopback(built.app)
    browser = await launchChromium(chromium.path!)
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  /** Letters written under `code` as the dashboard's "By source" table shows them. */
  async function lettersUnder(page: import('playwright-core').Page, code: string): Promise<number> {
    await page.goto(`${base}/organizers`)
    const cells = page.locator(`tr[data-source="${code}"] td.num`)
    return cells.count().then((n) =>
      n === 0
        ? 0
        : cells
            .first()
            .textContent()
            .then((t) => Number(t)),
    )
  }

  it('a letter written from /write/fra?source=amnesty-ke shows up under Amnesty Kenya', async () => {
    const { sessionToken } = await createOrganizer(ctx, { role: 'coordinator' })
    const organizers = await browser.newContext({ javaScriptEnabled: false })
    await organizers.addCookies([
      { name: organizerCookieNames(ctx.config).session, value: sessionToken, url: base },
    ])
    const dashboard = await organizers.newPage()
    const before = await lettersUnder(dashboard, 'amnesty-ke')

    const supporter = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_VIEWPORT })
    const page = await supporter.newPage()
    // The home page from a shared link passes the code on to the form.
    await page.goto(`${base}/?source=amnesty-ke`)
    expect(await page.getByRole('link', { name: 'Write to an ambassador' }).getAttribute('href')).toBe(
      '/write/suggest?source=amnesty-ke',
    )
    await page.goto(`${base}/write/fra?source=amnesty-ke&language=fr`)
    await expectAccessible(page)
    await page.getByLabel('I will print and post it').check()
    await page.getByLabel('Your name (required)').fill('Wanjiru Kamau')
    await page.getByRole('textbox', { name: /^Postal address/ }).fill('Kenyatta Avenue 14')
    await page.getByLabel(/^City/).fill('Nairobi')
    await page.getByLabel(/^Country/).selectOption('KE')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    // The links the writer shares and follows from here carry the partner's code on.
    expect(await page.locator('#share-url').inputValue()).toMatch(/\?source=amnesty-ke$/)
    expect(await page.getByRole('link', { name: /^Write to .+ next$/ }).getAttribute('href')).toMatch(
      /\?source=amnesty-ke$/,
    )

    expect(await lettersUnder(dashboard, 'amnesty-ke')).toBe(before + 1)
    expect(await dashboard.locator('tr[data-source="amnesty-ke"] th').textContent()).toContain(
      'Amnesty Kenya',
    )
    await expectAccessible(dashboard)
    await supporter.close()
    await organizers.close()
  }, 90_000)
})
