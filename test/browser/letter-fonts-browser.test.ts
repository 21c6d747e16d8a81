import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from '../helpers/axe.js'
import { findChromium, launchChromium, listenOnLoopback } from '../helpers/browser.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The letter preview in a real browser: the PDF's faces load from the site itself, and an Arabic
// letter reads right to left with its Latin lines left to right inside it.
// SHOTS_DIR=/some/folder saves screenshots of each preview at phone and desktop widths.

const chromiumPath = findChromium()
if (!chromiumPath.path) console.warn(`letter-fonts-browser.test.ts ${chromiumPath.reason}`)

const SHOTS_DIR = process.env.SHOTS_DIR
const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const

interface LoadedFace {
  family: string
  weight: string
  status: string
}

/** The faces the page declared, with their status, once every face it uses has loaded. */
async function fontFaces(page: Page): Promise<LoadedFace[]> {
  // A string, not a function: the test is type-checked without the DOM's types.
  return page.evaluate<LoadedFace[]>(`document.fonts.ready.then(() =>
    [...document.fonts].map((f) => ({ family: f.family.replace(/^["']|["']$/g, ''), weight: String(f.weight), status: f.status })))`)
}

function loaded(faces: LoadedFace[], family: string): LoadedFace[] {
  return faces.filter((face) => face.family === family && face.status === 'loaded')
}

describe.skipIf(!chromiumPath.path)('the letter preview in the PDF’s fonts, in a real browser', () => {
  let browser: Browser
  let base: string
  const letters: Record<'ar' | 'zh', string> = { ar: '', zh: '' }

  beforeAll(async () => {
    const { app, ctx } = await buildTestApp()
    await setMission(ctx, 'FRA', FRANCE)
    const write = async (language: string, name: string, city: string, personalNote: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/letters',
        payload: {
          state: 'FRA',
          language,
          supporter: { name, addressLines: ['14 Kenyatta Avenue'], city, country: 'KE' },
          personalNote,
        },
      })
      expect(res.statusCode, res.body).toBe(201)
      return res.json().id as string
    }
    letters.ar = await write(
      'ar',
      'محمد Ahmed',
      'Nairobi',
      'أكتب إليكم من نيروبي، حيث أعمل مع الناجين منذ 2019 في إطار برنامج UNICEF.',
    )
    letters.zh = await write(
      'zh',
      '王小明',
      '北京',
      '我在内罗毕工作了六年，与幸存者一起。2026年是关键的一年。',
    )
    base = await listenOnLoopback(app)
    browser = await launchChromium(chromiumPath.path!)
    if (SHOTS_DIR) fs.mkdirSync(SHOTS_DIR, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
  })

  async function open(language: 'ar' | 'zh', size: keyof typeof WIDTHS) {
    const context = await browser.newContext({ viewport: WIDTHS[size], javaScriptEnabled: true })
    const page = await context.newPage()
    const fontRequests: string[] = []
    const refused: string[] = []
    page.on('request', (request) => {
      if (request.resourceType() === 'font') fontRequests.push(request.url())
    })
    page.on('console', (message) => {
      if (/Refused to|Content Security Policy/i.test(message.text())) refused.push(message.text())
    })
    const response = await page.goto(`${base}/letters/${letters[language]}`, { waitUntil: 'load' })
    expect(response?.status()).toBe(200)
    const faces = await fontFaces(page)
    if (SHOTS_DIR)
      await page.screenshot({ path: path.join(SHOTS_DIR, `letter-${language}-${size}.png`), fullPage: true })
    return { context, page, faces, fontRequests, refused }
  }

  it('an Arabic letter loads Noto Naskh Arabic and Noto Serif from the site, and reads right to left', async () => {
    for (const size of ['phone', 'desktop'] as const) {
      const { context, page, faces, fontRequests, refused } = await open('ar', size)
      expect(loaded(faces, 'Noto Naskh Arabic').map((face) => face.weight)).toEqual(
        expect.arrayContaining(['400', '700']),
      )
      expect(loaded(faces, 'Noto Serif').length).toBeGreaterThan(0)
      // Nothing for Chinese or Korean: no character of this letter falls in their ranges.
      expect(loaded(faces, 'Noto Serif SC')).toEqual([])
      expect(loaded(faces, 'Noto Serif KR')).toEqual([])
      expect(fontRequests.length).toBeGreaterThan(0)
      for (const url of fontRequests) expect(url.startsWith(`${base}/fonts/`), url).toBe(true)
      expect(refused).toEqual([])

      const layout = await page.evaluate<{
        dir: string
        lang: string
        paragraphDirection: string
        /** Padding with the border: where the content starts on each side. */
        paper: { left: number; right: number; paddingLeft: number; paddingRight: number }
        sender: { right: number }
        address: { left: number; right: number }
        streetDirection: string
        streetAlign: string
        streetTextRight: number
        date: { right: number }
        overflow: number
      }>(`(() => {
        const paper = document.querySelector('article.paper')
        const box = (el) => el.getBoundingClientRect()
        const style = (el) => getComputedStyle(el)
        const text = (el) => { const range = document.createRange(); range.selectNodeContents(el); return range.getBoundingClientRect() }
        const street = [...document.querySelectorAll('.paper__recipient span')].find((s) => s.textContent.startsWith('New York'))
        const paragraph = document.querySelector('.paper__paragraph')
        return {
          dir: paper.getAttribute('dir'),
          lang: paper.getAttribute('lang'),
          paragraphDirection: style(paragraph).direction,
          paper: { left: box(paper).left, right: box(paper).right,
            paddingLeft: parseFloat(style(paper).paddingLeft) + parseFloat(style(paper).borderLeftWidth),
            paddingRight: parseFloat(style(paper).paddingRight) + parseFloat(style(paper).borderRightWidth) },
          sender: { right: text(document.querySelector('.paper__sender span')).right },
          address: { left: box(document.querySelector('.paper__recipient')).left, right: box(document.querySelector('.paper__recipient')).right },
          streetDirection: style(street).direction,
          streetAlign: style(street).textAlign,
          streetTextRight: text(street).right,
          date: { right: text(document.querySelector('.paper__date span')).right },
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        }
      })()`)
      expect(layout.dir).toBe('rtl')
      expect(layout.lang).toBe('ar')
      expect(layout.paragraphDirection).toBe('rtl')
      const contentLeft = layout.paper.left + layout.paper.paddingLeft
      const contentRight = layout.paper.right - layout.paper.paddingRight
      // The address block keeps to the left, where the envelope's window is; its lines end on the
      // right of the block, the New York street among them, read left to right.
      expect(Math.abs(layout.address.left - contentLeft)).toBeLessThan(1)
      expect(layout.streetDirection).toBe('ltr')
      expect(Math.abs(layout.streetTextRight - layout.address.right)).toBeLessThan(1)
      // The sender and the date on the right.
      expect(Math.abs(layout.sender.right - contentRight)).toBeLessThan(1)
      expect(Math.abs(layout.date.right - contentRight)).toBeLessThan(1)
      expect(layout.overflow).toBeLessThanOrEqual(0)
      if (size === 'phone') await expectAccessible(page)
      await context.close()
    }
  })

  it('a Chinese letter loads Noto Serif SC (its characters’ slices only), not Noto Serif KR', async () => {
    for (const size of ['phone', 'desktop'] as const) {
      const { context, page, faces, fontRequests, refused } = await open('zh', size)
      const sc = loaded(faces, 'Noto Serif SC')
      expect(sc.length).toBeGreaterThan(0)
      expect(sc.map((face) => face.weight)).toEqual(expect.arrayContaining(['400', '700']))
      // A few slices out of the hundred the family is cut in.
      expect(sc.length).toBeLessThan(faces.filter((face) => face.family === 'Noto Serif SC').length / 2)
      expect(loaded(faces, 'Noto Naskh Arabic')).toEqual([])
      for (const url of fontRequests) expect(url.startsWith(`${base}/fonts/`), url).toBe(true)
      expect(refused).toEqual([])
      // The text is really set in it: the browser has the face for a Chinese run of the letter.
      expect(await page.evaluate<boolean>(`document.fonts.check('16px "Noto Serif SC"', '王小明')`)).toBe(
        true,
      )
      const attributes = await page.evaluate<string[]>(
        `['lang', 'dir'].map((name) => document.querySelector('article.paper').getAttribute(name))`,
      )
      expect(attributes).toEqual(['zh-Hans', 'ltr'])
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
      expect(overflow).toBeLessThanOrEqual(0)
      await context.close()
    }
  })

  it('the write form for France loads Noto Serif alone, and the Chinese face once Chinese is typed', async () => {
    const context = await browser.newContext({ viewport: WIDTHS.phone, javaScriptEnabled: true })
    const page = await context.newPage()
    const sheets: string[] = []
    page.on('request', (request) => {
      if (request.resourceType() === 'stylesheet' && request.url().includes('/fonts/'))
        sheets.push(request.url())
    })
    await page.goto(`${base}/write/fra`, { waitUntil: 'load' })
    expect(sheets.map((url) => new URL(url).pathname)).toEqual(['/fonts/letter/serif.css'])
    await page.fill('textarea[name="personalNote"]', '我在内罗毕工作了六年。')
    // Polled with evaluate: waitForFunction evaluates a string, which the page's CSP forbids.
    await expect
      .poll(() =>
        page.evaluate<boolean>(`document.querySelector('#letter-preview').textContent.includes('内罗毕')`),
      )
      .toBe(true)
    await expect
      .poll(() =>
        page.evaluate<boolean>(
          `document.fonts.ready.then(() => document.fonts.check('16px "Noto Serif SC"', '内罗毕'))`,
        ),
      )
      .toBe(true)
    expect(sheets.map((url) => new URL(url).pathname)).toContain('/fonts/letter/cjk.css')
    expect(sheets.map((url) => new URL(url).pathname)).not.toContain('/fonts/letter/hangul.css')
    await context.close()
  })
})
