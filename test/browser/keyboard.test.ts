import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback, PHONE_VIEWPORT } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 7: writing a letter with the keyboard alone (Tab, Shift+Tab, Space, Enter, and typing in
// the fields), without JavaScript, from /write to the preview. Every element that takes focus on
// the way must be on screen and show that it has focus; the skip link must lead into the page.
// Also here, to share the time between files: the public pages read around the journeys.

const chromium = findChromium()
if (!chromium.path) console.warn(`keyboard.test.ts ${chromium.reason}`)

interface Focused {
  tag: string
  id: string
  text: string
  inMain: boolean
  onScreen: boolean
  indicator: boolean
  rect: string
}

// A string, not a function: vitest's coverage instrumentation must not reach into the page.
const FOCUSED = `(() => {
  const el = document.activeElement
  if (!el || el === document.body) return null
  const r = el.getBoundingClientRect()
  const style = getComputedStyle(el)
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.textContent || '').trim().slice(0, 60),
    rect: [Math.round(r.top), Math.round(r.bottom), Math.round(r.left), Math.round(r.right), window.innerHeight, window.innerWidth].join(','),
    inMain: Boolean(el.closest('main')),
    // Seen: inside the width, and a tall field at least partly in view (Chromium scrolls a
    // focused textarea taller than what is left below into view by its top only).
    onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth &&
      Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0) >= Math.min(r.height, 24),
    indicator: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
  }
})()`

describe.skipIf(!chromium.path)('keyboard only', () => {
  let browser: Browser
  let page: Page
  let base: string
  const visited: Focused[] = []

  /** Tab (or Shift+Tab) once; the element that now has focus, checked to be seen. */
  async function tab(shift = false): Promise<Focused> {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab')
    const focused = await page.evaluate<Focused | null>(FOCUSED)
    expect(focused, 'Tab left the focus on nothing').not.toBeNull()
    const where = `${page.url()} ${focused!.tag}#${focused!.id} "${focused!.text}" at ${focused!.rect}`
    expect(focused!.onScreen, `${where} has focus off screen`).toBe(true)
    expect(focused!.indicator, `${where} has focus and no visible indicator`).toBe(true)
    visited.push(focused!)
    return focused!
  }

  /** Tabs forward until `match` has focus (at most `limit` presses). */
  async function tabTo(match: (f: Focused) => boolean, limit = 40): Promise<Focused> {
    for (let n = 0; n < limit; n++) {
      const focused = await tab()
      if (match(focused)) return focused
    }
    throw new Error(`not reached in ${limit} presses of Tab on ${page.url()}`)
  }

  beforeAll(async () => {
    const { app } = await buildTestApp()
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromium.path!)
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1024, height: 700 },
    })
    page = await context.newPage()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  it('skips to the content, asks for a suggestion, fills the letter and reaches the preview', async () => {
    await page.goto(`${base}/write`)
    const skip = await tab()
    expect(skip.text).toBe('Skip to content')
    await page.keyboard.press('Enter')
    await page.waitForURL(/#main$/)
    const first = await tab()
    expect(first.inMain, `after the skip link, focus went to ${first.tag} "${first.text}"`).toBe(true)
    expect(first.text).toBe('Suggest a state for me')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/write\/[a-z]{3}$/)

    // Both ways of delivery ask for something: the postal address to print, an e-mail address to
    // e-mail it; whichever the suggested mission allows, the form has what it needs.
    await tabTo((f) => f.id === 'name')
    await page.keyboard.type('Keyboard Writer')
    await tabTo((f) => f.id === 'addressLines')
    await page.keyboard.type('12 Rue des Claviers')
    await tabTo((f) => f.id === 'city')
    await page.keyboard.type('Lyon')
    await tabTo((f) => f.id === 'country')
    await page.keyboard.type('France')
    await tabTo((f) => f.id === 'email')
    await page.keyboard.type('keyboard@example.org')
    await tabTo((f) => f.id === 'personalNote')
    await page.keyboard.type('Written without a mouse, one key at a time.')
    // Back one field and forward again: Shift+Tab reaches the box before the paragraph.
    const before = await tab(true)
    expect(before.id).toBe('joinCampaign')
    expect((await tab()).id).toBe('personalNote')
    const button = await tab()
    expect(button.text).toBe('Continue')
    await page.keyboard.press('Space')
    await page.waitForURL(/\/letters\/[A-Za-z0-9_-]{22}$/)
    expect(await page.locator('article.paper').textContent()).toContain('one key at a time')

    // The next step is reachable too: the next state that needs letters.
    await tabTo((f) => /^Write to .+ next$/.test(f.text))
    expect(visited.length).toBeGreaterThan(10)
  }, 90_000)

  it('the public pages around the journeys: axe finds nothing serious, nothing scrolls at 360 px', async () => {
    const phone = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE_VIEWPORT,
    })
    const small = await phone.newPage()
    for (const path of ['/progress', '/privacy', '/states', '/states/fra']) {
      const response = await small.goto(`${base}${path}`)
      expect(response?.status(), path).toBe(200)
      await expectAccessible(small)
    }
    await phone.close()
  }, 90_000)

  it('the axe helper reports a serious violation it is shown (it can fail)', async () => {
    await page.route(`${base}/axe-probe`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html><title>probe</title><body><main><img src="/nowhere.png"><p style="color:#ddd;background:#fff">faint</p></main></body></html>',
      }),
    )
    await page.goto(`${base}/axe-probe`)
    const report = await axeViolations(page)
    const ids = report.findings.map((f) => f.id)
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'color-contrast', 'html-has-lang']))
    expect(report.summary).toContain('/axe-probe: critical image-alt')
  }, 60_000)
})
