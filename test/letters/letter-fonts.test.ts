import { beforeAll, describe, expect, it } from 'vitest'
import { LETTER_FONTS_CSS, parseUnicodeRange } from '../../src/letters/letter-web-fonts.js'
import { FAMILIES } from '../../src/letters/typesetting/font-catalog.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()

let css = ''

beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  css = (await app.inject({ method: 'GET', url: LETTER_FONTS_CSS })).body
})

interface Face {
  family: string
  weight: string
  url: string
  range: [number, number][]
}

function faces(stylesheet: string): Face[] {
  return [...stylesheet.matchAll(/@font-face\s*\{([^}]*)\}/g)].map(([, body = '']) => ({
    family: /font-family:\s*'([^']+)'/.exec(body)?.[1] ?? '',
    weight: /font-weight:\s*(\d+)/.exec(body)?.[1] ?? '',
    url: /src:\s*url\(([^)]+)\)/.exec(body)?.[1] ?? '',
    range: parseUnicodeRange(/unicode-range:\s*([^;]+);/.exec(body)?.[1] ?? 'U+0-10FFFF'),
  }))
}

/** The first face of `family` whose range holds `char`, as the browser would pick it. */
function faceFor(all: Face[], family: string, char: string, weight = '400'): Face | undefined {
  const code = char.codePointAt(0) as number
  return all.find(
    (face) =>
      face.family === family && face.weight === weight && face.range.some(([a, b]) => a <= code && code <= b),
  )
}

describe('GET /fonts/letter-fonts.css', () => {
  it('is a stylesheet of @font-face rules for every catalog family, WOFF2 from /fonts/ only', async () => {
    const res = await app.inject({ method: 'GET', url: LETTER_FONTS_CSS })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(res.headers['content-security-policy']).toContain("font-src 'self'")
    expect(css).not.toMatch(/https?:\/\//)
    expect(css).not.toMatch(/\.woff\)|\.ttf|\.otf|format\('woff'\)/)
    const all = faces(css)
    expect(all.length).toBeGreaterThan(100)
    for (const face of all)
      expect(face.url).toMatch(/^\/fonts\/[a-z0-9-]+-(400|700)-normal\.woff2\?v=\d+\.\d+\.\d+$/)
    for (const family of FAMILIES) {
      // A family in one weight (Tifinagh, N'Ko) has no 700 face: the PDF prints its bold in regular too.
      for (const weight of family.files.bold ? ['400', '700'] : ['400'])
        expect(
          all.some((face) => face.family === family.cssName && face.weight === weight),
          `${family.cssName} ${weight}`,
        ).toBe(true)
    }
    expect(new Set(all.map((face) => face.family))).toEqual(new Set(FAMILIES.map((family) => family.cssName)))
  })

  it('declares Noto Naskh Arabic and Noto Serif SC with their unicode ranges', () => {
    expect(css).toMatch(/font-family: 'Noto Naskh Arabic';[^}]*unicode-range: [^}]*U\+600-/)
    expect(css).toMatch(/font-family: 'Noto Serif SC';[^}]*unicode-range: U\+/)
    const all = faces(css)
    expect(faceFor(all, 'Noto Naskh Arabic', 'م')?.url).toContain('noto-naskh-arabic-arabic-400-normal.woff2')
    expect(faceFor(all, 'Noto Naskh Arabic', 'م', '700')?.url).toContain(
      'noto-naskh-arabic-arabic-700-normal.woff2',
    )
    expect(faceFor(all, 'Noto Serif SC', '王')?.url).toMatch(/noto-serif-sc-\d+-400-normal\.woff2/)
  })

  it('lets each script family set only its own script, so the browser falls back as the PDF does', () => {
    const all = faces(css)
    // Chinese characters in Noto Serif SC, never in Noto Serif KR (which has Hanja too).
    expect(faceFor(all, 'Noto Serif KR', '王')).toBeUndefined()
    expect(faceFor(all, 'Noto Serif KR', '한')).toBeDefined()
    // Latin in Noto Serif, whatever else ships a Latin subset.
    expect(faceFor(all, 'Noto Naskh Arabic', 'A')).toBeUndefined()
    expect(faceFor(all, 'Noto Serif Myanmar', 'A')).toBeUndefined()
    expect(faceFor(all, 'Noto Serif', 'A')).toBeDefined()
    expect(faceFor(all, 'Noto Serif', 'Щ')).toBeDefined()
  })

  it('sets .paper in the catalog families, in the catalog order, Noto Serif first', () => {
    const rule = /\.paper\s*\{\s*font-family:\s*([^;]+);/.exec(css)?.[1]
    expect(rule).toBe([...FAMILIES.map((family) => `"${family.cssName}"`), 'serif'].join(', '))
    expect(rule?.startsWith('"Noto Serif", "Noto Naskh Arabic"')).toBe(true)
  })

  it('answers 304 to a browser that has it, and is compressed for one that takes brotli', async () => {
    const first = await app.inject({ method: 'GET', url: LETTER_FONTS_CSS })
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers['cache-control']).toContain('max-age=')
    const again = await app.inject({
      method: 'GET',
      url: LETTER_FONTS_CSS,
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    const br = await app.inject({
      method: 'GET',
      url: LETTER_FONTS_CSS,
      headers: { 'accept-encoding': 'br' },
    })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.rawPayload.length).toBeLessThan(first.rawPayload.length / 4)
  })
})

describe("one family's stylesheet, /fonts/letter/<family>.css", () => {
  async function sheet(id: string): Promise<string> {
    const res = await app.inject({ method: 'GET', url: `/fonts/letter/${id}.css` })
    expect(res.statusCode, id).toBe(200)
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    return res.body
  }

  it("holds that family's faces alone, and together they are the whole stylesheet's", async () => {
    const union: Face[] = []
    for (const family of FAMILIES) {
      const own = faces(await sheet(family.id))
      expect(own.length, family.id).toBeGreaterThan(0)
      expect(new Set(own.map((face) => face.family)), family.id).toEqual(new Set([family.cssName]))
      union.push(...own)
    }
    const key = (face: Face) => `${face.family} ${face.weight} ${face.url} ${JSON.stringify(face.range)}`
    expect(union.map(key).sort()).toEqual(faces(css).map(key).sort())
  })

  it("sets .paper in Noto Serif's sheet, which every letter links, with the whole stack", async () => {
    const serif = await sheet('serif')
    expect(/\.paper\s*\{\s*font-family:\s*([^;]+);/.exec(serif)?.[1]).toBe(
      [...FAMILIES.map((family) => `"${family.cssName}"`), 'serif'].join(', '),
    )
    expect(await sheet('cjk')).not.toContain('.paper')
    // The French letter's sheet is small; the Chinese family's is most of the whole.
    expect(serif.length).toBeLessThan(8_000)
    expect((await sheet('cjk')).length).toBeGreaterThan(100_000)
  })

  it('answers 304 to a browser that has it', async () => {
    const first = await app.inject({ method: 'GET', url: '/fonts/letter/arabic.css' })
    const again = await app.inject({
      method: 'GET',
      url: '/fonts/letter/arabic.css',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
  })

  it.each(['klingon.css', 'serif', 'serif.css.map', '..%2fletter-fonts.css', 'PRIMARY.css', 'x'.repeat(60)])(
    'has no sheet %s',
    async (name) => {
      const res = await app.inject({ method: 'GET', url: `/fonts/letter/${name}` })
      expect([400, 404]).toContain(res.statusCode)
      expect(res.body).not.toContain('@font-face')
    },
  )
})

describe('the font files', () => {
  it('serves a file the stylesheet names as font/woff2, cached for a year and immutable', async () => {
    const url = faceFor(faces(css), 'Noto Naskh Arabic', 'م')?.url as string
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('font/woff2')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.rawPayload.subarray(0, 4).toString('latin1')).toBe('wOF2')
    // A 700 face too, from another package's folder.
    const sc = await app.inject({
      method: 'GET',
      url: faceFor(faces(css), 'Noto Serif SC', '王', '700')?.url as string,
    })
    expect(sc.statusCode).toBe(200)
    expect(sc.rawPayload.subarray(0, 4).toString('latin1')).toBe('wOF2')
  })

  it.each([
    '/fonts/../package.json',
    '/fonts/%2e%2e/package.json',
    '/fonts/..%2fpackage.json',
    '/fonts/..%2f..%2fpackage.json',
    '/fonts/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
    '/fonts/..%5c..%5cpackage.json',
    '/fonts/....//package.json',
    // In a package's folder, but not in the stylesheet: not served either.
    '/fonts/noto-naskh-arabic-arabic-400-normal.woff',
    '/fonts/noto-naskh-arabic-arabic-500-normal.woff2',
    '/fonts/',
  ])('refuses %s', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect([403, 404]).toContain(res.statusCode)
    expect(res.body).not.toContain('"name"')
    expect(res.body).not.toContain('wOF')
  })
})

describe('the letter preview', () => {
  const supporter = {
    name: 'محمد Ahmed',
    addressLines: ['14 Kenyatta Avenue'],
    city: 'Nairobi',
    country: 'KE',
    email: 'amina@example.org',
  }

  async function preview(language: string, name = supporter.name): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/letters',
      payload: { state: 'FRA', language, supporter: { ...supporter, name } },
    })
    expect(res.statusCode, res.body).toBe(201)
    const page = await app.inject({ method: 'GET', url: `/letters/${res.json().id}` })
    expect(page.statusCode).toBe(200)
    return page.body
  }

  function sheetsLinked(html: string): string[] {
    return [...html.matchAll(/<link rel="stylesheet" href="(\/fonts\/[^"]+)">/g)].map(
      ([, href]) => href as string,
    )
  }

  function paperTag(html: string): string {
    const tag = /<article class="paper"[^>]*>/.exec(html)?.[0]
    if (!tag) throw new Error('no <article class="paper"> on the page')
    return tag
  }

  it('an Arabic letter is right to left, in Arabic, each address line in its own direction', async () => {
    const html = await preview('ar')
    const tag = paperTag(html)
    expect(tag).toContain('dir="rtl"')
    expect(tag).toContain('lang="ar"')
    // Noto Serif for the addresses, Noto Naskh Arabic for the rest; no Chinese or Korean sheet.
    expect(sheetsLinked(html)).toEqual(['/fonts/letter/serif.css', '/fonts/letter/arabic.css'])
    const address = /<address class="paper__recipient">(.*?)<\/address>/s.exec(html)?.[1] ?? ''
    expect(address).toContain('<span dir="auto">New York, NY 10017</span>')
    expect(address).toMatch(/<span dir="auto">[^<]*فرنسا/)
    expect(html).toMatch(/<div class="paper__sender"><span dir="auto">محمد Ahmed<\/span>/)
  })

  it('a Chinese letter is zh-Hans, left to right; an English one en, left to right, every line too', async () => {
    const zhPage = await preview('zh', '王小明')
    const zh = paperTag(zhPage)
    expect(sheetsLinked(zhPage)).toEqual(['/fonts/letter/serif.css', '/fonts/letter/cjk.css'])
    expect(zh).toContain('lang="zh-Hans"')
    expect(zh).toContain('dir="ltr"')
    const html = await preview('en')
    expect(paperTag(html)).toMatch(/lang="en" dir="ltr"/)
    expect(sheetsLinked(html)).toEqual(['/fonts/letter/serif.css', '/fonts/letter/arabic.css'])
    // An Arabic name in an English letter is set inside a left-to-right line, as the PDF sets it.
    expect(html).toContain('<span dir="ltr">محمد Ahmed</span>')
    expect(html).not.toContain('dir="auto"')
  })

  it('links the letter fonts only on pages that show a letter', async () => {
    for (const url of ['/', '/write', '/privacy', '/progress']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).not.toContain('/fonts/letter')
    }
    // The write form shows the letter it writes beside it, in the PDF's fonts: a French letter
    // needs Noto Serif alone, not the 42 KB (compressed) of every script's faces.
    const form = await app.inject({ method: 'GET', url: '/write/fra' })
    expect(sheetsLinked(form.body)).toEqual(['/fonts/letter/serif.css'])
    expect(form.body).not.toContain(LETTER_FONTS_CSS)
  })
})
