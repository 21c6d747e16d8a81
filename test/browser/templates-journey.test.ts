import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { organizerCookieNames } from '../../src/organizers/organizer-csrf.js'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { createOrganizer } from '../helpers/organizer-session.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

// Issue 18, item 2, in Debian's Chromium without JavaScript, at phone width: a coordinator creates
// an ask aimed at today's Security Council, writes its own English supporter letter with a
// sentence of its own, previews it as a letter to a Council member and publishes it; a supporter
// then writes to France (a permanent member): the letter, on screen and in its PDF, carries the
// sentence and belongs to the ask, whose own coverage counts it. Each organizer page is checked
// with axe.

const chromium = findChromium()
if (!chromium.path) console.warn(`templates-journey.test.ts ${chromium.reason}`)

const SENTENCE =
  'As a member of the Security Council, your country can carry this reform into the Council itself.'
const TODAY = TEST_NOW.slice(0, 10)

describe.skipIf(!chromium.path)('an ask with its own letter template, in a real browser', () => {
  let browser: Browser
  let organizer: Page
  let base: string
  let ctx: AppContext

  beforeAll(async () => {
    const built = await buildTestApp()
    ctx = built.ctx
    await setMission(ctx, 'FRA', FRANCE)
    base = await listenOnLoopback(built.app)
    const { sessionToken } = await createOrganizer(ctx, { name: 'Grace Mwangi', role: 'coordinator' })
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE_VIEWPORT })
    await context.addCookies([
      { name: organizerCookieNames(ctx.config).session, value: sessionToken, url: base },
    ])
    organizer = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  it('creates the ask and its template, previews and publishes it; a letter within the ask carries it', async () => {
    const page = organizer
    // The ask, aimed at today's Security Council.
    await page.goto(`${base}/organizers/asks`)
    await page.getByLabel(/^Title in English/).fill('The Council wave')
    await page.getByLabel('Purpose in English').fill('Ask the fifteen members of the Security Council first.')
    await page.getByLabel('Aimed at').selectOption('security_council')
    await page.getByLabel(/^Security Council on/).fill(TODAY)
    await page.getByLabel('First day').fill(TODAY)
    await page.getByRole('button', { name: 'Create the ask' }).click()
    await page.waitForURL(/\/organizers\/asks\?done=created/)
    const ask = await ctx.db.selectFrom('ask').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(ask).toMatchObject({
      title: 'The Council wave',
      target_kind: 'security_council',
      target_council_on: TODAY,
    })

    // Its templates, from its edit page.
    await page.getByRole('link', { name: 'Edit The Council wave' }).click()
    await page.getByRole('link', { name: 'Letter templates of this ask' }).click()
    await page.waitForURL(`${base}/organizers/asks/${ask.id}/templates`)
    await expectAccessible(page)
    const row = page.locator('tr[data-template="supporter"][data-language="en"]')
    expect(await row.textContent()).toContain('the first ask’s')
    await row.getByRole('button', { name: /Write a draft/ }).click()
    await page.waitForURL(/\/organizers\/templates\/\d+$/)
    await expectAccessible(page)

    // A mistake first: the check names the field and keeps the text.
    const body = page.getByLabel(/^Letter text/)
    const original = await body.inputValue()
    await body.fill(`{{{state.of}}}\n\n${original}`)
    await page.getByRole('button', { name: 'Save the draft' }).click()
    expect(await page.locator('#body-error').textContent()).toContain('triple-stash')
    expect(await body.inputValue()).toContain('{{{state.of}}}')
    await expectAccessible(page)

    // The sentence, previewed as a letter to the United Kingdom, then saved and published.
    await body.fill(`${SENTENCE}\n\n${original}`)
    await page.getByLabel('Preview as a letter to').selectOption('GBR')
    await page.getByRole('button', { name: 'Preview the letter' }).click()
    const preview = page.locator('#preview article.paper')
    expect(await preview.textContent()).toContain(SENTENCE)
    expect(await preview.textContent()).toContain('United Kingdom')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Save the draft' }).click()
    await page.waitForURL(/\?done=saved$/)
    await page.getByRole('button', { name: 'Publish version 1' }).click()
    await page.waitForURL(`${base}/organizers/asks/${ask.id}/templates?done=published`)
    expect(await row.textContent()).toContain('(this ask’s)')
    await expectAccessible(page)
    // The version published: read only, still previewable.
    await row.getByRole('link', { name: 'v1' }).click()
    await page.waitForURL(/\/organizers\/templates\/\d+$/)
    expect(await page.getByLabel(/^Letter text/).count()).toBe(0)
    expect(await page.locator('pre.template-body').textContent()).toContain(SENTENCE)
    await page.getByLabel('Preview as a letter to').selectOption('CHN')
    await page.getByRole('button', { name: 'Preview the letter' }).click()
    expect(await page.locator('#preview article.paper').textContent()).toContain(SENTENCE)
    await expectAccessible(page)

    // A supporter writes to France, a permanent member, in English.
    const supporter = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
      acceptDownloads: true,
    })
    const writer = await supporter.newPage()
    await writer.goto(`${base}/write/fra`)
    await writer.getByLabel('Language of the letter').selectOption('en')
    await writer.getByLabel('Your name (required)').fill('Amina Diallo')
    await writer.getByLabel('I will print and post it').check()
    await writer.getByLabel(/^Postal address/).fill('12 avenue Cheikh Anta Diop')
    await writer.getByLabel(/^City/).fill('Dakar')
    await writer.getByLabel(/^Country/).selectOption('SN')
    await writer.getByRole('button', { name: 'Continue' }).click()
    await writer.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    expect(await writer.locator('article.paper').textContent()).toContain(SENTENCE)
    const [download] = await Promise.all([
      writer.waitForEvent('download'),
      writer.getByRole('link', { name: 'Download PDF' }).click(),
    ])
    const text = await pdfText(await readFile(await download.path()))
    expect(text).toContain(SENTENCE)
    await supporter.close()

    const letter = await ctx.db
      .selectFrom('letter')
      .select(['ask_id', 'template_version_id', 'state_iso3'])
      .executeTakeFirstOrThrow()
    const version = await ctx.db
      .selectFrom('letter_template_version')
      .selectAll()
      .where('ask_id', '=', ask.id)
      .executeTakeFirstOrThrow()
    expect(letter).toEqual({ ask_id: ask.id, template_version_id: version.id, state_iso3: 'FRA' })
    expect(version).toMatchObject({ status: 'published', version: 1, published_by_label: 'Grace Mwangi' })

    // The ask's own coverage: its letter, to France, one of its fifteen states (not yet canvassed:
    // a printed letter counts once it is marked delivered).
    await page.goto(`${base}/api/asks/${ask.id}`)
    const figures = JSON.parse((await page.locator('body').textContent()) ?? '{}')
    expect(figures.figures).toMatchObject({ targetedStates: 15, letters: 1 })
    expect(figures.states.find((s: { iso3: string }) => s.iso3 === 'FRA')).toMatchObject({
      letters: 1,
      canvassed: false,
    })
    await page.goto(`${base}/organizers`)
    const byAsk = page.locator(`[data-ask="${ask.id}"]`).first()
    expect(await byAsk.textContent()).toContain('The Council wave')
  }, 180_000)
})
