import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DESCRIPTION, viewPlugin } from '../../src/plugins/view.js'
import { buildTestApp } from '../helpers/test-app.js'

// Every page's head: a meta description (its own where the page gives one), the favicon, and the
// link preview's Open Graph and Twitter card tags with absolute addresses on PUBLIC_URL. The icons
// and the preview's image are served by the site, long cached.

const PUBLIC_URL = 'https://letters.example.org'
const { app } = await buildTestApp({ env: { PUBLIC_URL } })

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x3D;': '=',
  '&lt;': '<',
}
const decode = (text: string) => text.replace(/&(amp|quot|#x27|#x3D|lt);/g, (e) => ENTITIES[e] ?? e)

/** The content of <meta {attribute}="{name}" content="...">, decoded; undefined when absent. */
function meta(html: string, attribute: 'name' | 'property', name: string): string | undefined {
  const all = [...html.matchAll(new RegExp(`<meta ${attribute}="${name}" content="([^"]*)">`, 'g'))]
  expect(all.length, `<meta ${attribute}="${name}"> appears once`).toBeLessThanOrEqual(1)
  const value = all[0]?.[1]
  return value === undefined ? undefined : decode(value)
}

function icons(html: string): { href: string; type?: string }[] {
  return [...html.matchAll(/<link rel="icon" href="([^"]+)"(?: type="([^"]+)")?[^>]*>/g)].map((m) => ({
    href: decode(m[1] ?? ''),
    ...(m[2] ? { type: m[2] } : {}),
  }))
}

async function page(url: string) {
  const res = await app.inject({ method: 'GET', url })
  expect(res.statusCode, url).toBe(200)
  return res.body
}

const PAGES = ['/', '/progress', '/write', '/write/fra', '/states', '/states/fra', '/join', '/privacy']
/** Pages whose link preview uses their own title and description (the others may give `og`). */
const OWN_WORDS = ['/', '/progress', '/states', '/states/fra', '/privacy']

describe('head tags on every public page', () => {
  it.each(PAGES)('%s has a description, og:* and twitter:* tags with absolute addresses', async (url) => {
    const html = await page(url)
    const description = meta(html, 'name', 'description')
    expect(description, url).toBeTruthy()
    expect(description!.length, url).toBeLessThanOrEqual(200)
    expect(meta(html, 'property', 'og:type')).toBe('website')
    expect(meta(html, 'property', 'og:site_name')).toBe('Code Blue letters')
    const title = decode(/<title>([^<]*) · Code Blue letters<\/title>/.exec(html)?.[1] ?? '')
    expect(title, url).not.toBe('')
    // A page may give its link preview a title and text of its own (og.title, og.description).
    const ogTitle = meta(html, 'property', 'og:title')
    expect(ogTitle, url).toBeTruthy()
    if (OWN_WORDS.includes(url)) expect(ogTitle).toBe(title)
    const ogDescription = meta(html, 'property', 'og:description')
    expect(ogDescription, url).toBeTruthy()
    if (OWN_WORDS.includes(url)) expect(ogDescription).toBe(description)
    expect(meta(html, 'property', 'og:url')).toBe(PUBLIC_URL + url)
    const image = meta(html, 'property', 'og:image')
    expect(image).toMatch(new RegExp(`^${PUBLIC_URL}/og-image\\.png\\?v=[0-9a-f]{12}$`))
    expect(meta(html, 'property', 'og:image:width')).toBe('1200')
    expect(meta(html, 'property', 'og:image:height')).toBe('630')
    expect(meta(html, 'property', 'og:image:alt')).toBeTruthy()
    expect(meta(html, 'name', 'twitter:card')).toBe('summary_large_image')
    expect(meta(html, 'name', 'twitter:title')).toBe(ogTitle)
    expect(meta(html, 'name', 'twitter:description')).toBe(ogDescription)
    expect(meta(html, 'name', 'twitter:image')).toBe(image)
    expect(icons(html)).toEqual([
      { href: expect.stringMatching(/^\/favicon\.ico\?v=[0-9a-f]{12}$/) },
      { href: expect.stringMatching(/^\/favicon\.svg\?v=[0-9a-f]{12}$/), type: 'image/svg+xml' },
    ])
  })

  it('gives the home, progress and directory pages their own description, others the default', async () => {
    const descriptions = new Map<string, string | undefined>()
    for (const url of ['/', '/progress', '/states', '/states/fra', '/privacy'])
      descriptions.set(url, meta(await page(url), 'name', 'description'))
    expect(descriptions.get('/')).toMatch(/Special Court Mechanism/)
    expect(descriptions.get('/progress')).toMatch(/0 of 193 member states canvassed/)
    expect(descriptions.get('/states/fra')).toMatch(/^France at the United Nations/)
    expect(descriptions.get('/privacy')).toBe(DEFAULT_DESCRIPTION)
    // Five pages, four descriptions of their own.
    expect(new Set(descriptions.values()).size).toBe(5)
  })

  it("takes og:url from the page's path alone: no query string (it may carry a token), no trailing slash", async () => {
    expect(meta(await page('/write/fra?template=organization&source=newsletter'), 'property', 'og:url')).toBe(
      `${PUBLIC_URL}/write/fra`,
    )
    expect(meta(await page('/progress/'), 'property', 'og:url')).toBe(`${PUBLIC_URL}/progress`)
    expect(meta(await page('/'), 'property', 'og:url')).toBe(`${PUBLIC_URL}/`)
  })

  it('escapes what a visitor put in the address', async () => {
    const res = await app.inject({ url: '/no-such-page-"><script>alert(1)</script>' })
    expect(res.statusCode).toBe(404)
    expect(res.body).not.toContain('<script>alert(1)')
    const url = meta(res.body, 'property', 'og:url')
    expect(url?.startsWith(`${PUBLIC_URL}/no-such-page-`)).toBe(true)
    expect(url).toContain('script')
  })
})

describe('the layout reads `description` and `og` from the page data', () => {
  it('uses og.title and og.description for the link preview, the page title and description elsewhere', async () => {
    const local = Fastify()
    await local.register(viewPlugin, { publicUrl: 'https://x.example' })
    local.get('/a', (_request, reply) =>
      reply.viewAsync('pages/privacy.hbs', {
        title: 'Page title',
        description: 'Page description',
        og: { title: 'Shared title', description: 'Shared description' },
      }),
    )
    local.get('/b', (_request, reply) => reply.viewAsync('pages/privacy.hbs', { title: 'Only a title' }))
    const a = (await local.inject({ url: '/a' })).body
    expect(a).toContain('<title>Page title · Code Blue letters</title>')
    expect(meta(a, 'name', 'description')).toBe('Page description')
    expect(meta(a, 'property', 'og:title')).toBe('Shared title')
    expect(meta(a, 'property', 'og:description')).toBe('Shared description')
    expect(meta(a, 'name', 'twitter:title')).toBe('Shared title')
    expect(meta(a, 'property', 'og:url')).toBe('https://x.example/a')
    const b = (await local.inject({ url: '/b' })).body
    expect(meta(b, 'name', 'description')).toBe(DEFAULT_DESCRIPTION)
    expect(meta(b, 'property', 'og:title')).toBe('Only a title')
    expect(meta(b, 'property', 'og:description')).toBe(DEFAULT_DESCRIPTION)
    await local.close()
  })
})

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(body: Buffer): { width: number; height: number } {
  expect(body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  return { width: body.readUInt32BE(16), height: body.readUInt32BE(20) }
}

function maxAge(cacheControl: string | undefined): number {
  return Number(/max-age=(\d+)/.exec(cacheControl ?? '')?.[1] ?? 0)
}

const MONTH = 30 * 24 * 3600
const YEAR = 365 * 24 * 3600

describe('the icons and the preview image, served by the site', () => {
  it('serves /favicon.ico as an ICO of 16 and 32 px PNGs, cached for a month (not a 404)', async () => {
    const res = await app.inject({ url: '/favicon.ico' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/x-icon')
    expect(maxAge(res.headers['cache-control'] as string)).toBeGreaterThanOrEqual(MONTH)
    const body = res.rawPayload
    expect([body.readUInt16LE(0), body.readUInt16LE(2), body.readUInt16LE(4)]).toEqual([0, 1, 2])
    const sizes = [0, 1].map((i) => {
      const entry = 6 + 16 * i
      const png = body.subarray(
        body.readUInt32LE(entry + 12),
        body.readUInt32LE(entry + 12) + body.readUInt32LE(entry + 8),
      )
      return [body.readUInt8(entry), pngSize(png).width]
    })
    expect(sizes).toEqual([
      [16, 16],
      [32, 32],
    ])
  })

  it('serves the icons the pages link, at their versioned addresses, cached for a year, with 304s', async () => {
    const html = await page('/')
    for (const { href } of icons(html)) {
      const res = await app.inject({ url: href })
      expect(res.statusCode, href).toBe(200)
      expect(res.headers['cache-control'], href).toBe('public, max-age=31536000, immutable')
      expect(maxAge(res.headers['cache-control'] as string)).toBeGreaterThanOrEqual(YEAR)
      const etag = res.headers.etag as string
      expect(etag).toMatch(/^"[0-9a-f]{12}"$/)
      const again = await app.inject({ url: href, headers: { 'if-none-match': etag } })
      expect(again.statusCode, href).toBe(304)
      expect(again.rawPayload.length).toBe(0)
    }
    const svg = await app.inject({ url: icons(html)[1]!.href })
    expect(svg.headers['content-type']).toBe('image/svg+xml')
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 32 32">/)
    // An old or made-up version is not promised forever.
    const stale = await app.inject({ url: '/favicon.svg?v=000000000000' })
    expect(maxAge(stale.headers['cache-control'] as string)).toBe(MONTH)
  })

  it('serves og:image as a 1200 × 630 PNG, and the touch icon as a 180 px one', async () => {
    const image = new URL(meta(await page('/progress'), 'property', 'og:image')!)
    const res = await app.inject({ url: image.pathname + image.search })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(pngSize(res.rawPayload)).toEqual({ width: 1200, height: 630 })
    expect(res.rawPayload.length).toBeLessThan(150 * 1024)
    const touch = await app.inject({ url: '/apple-touch-icon.png' })
    expect(touch.headers['content-type']).toBe('image/png')
    expect(pngSize(touch.rawPayload)).toEqual({ width: 180, height: 180 })
    expect(await page('/')).toMatch(
      /<link rel="apple-touch-icon" href="\/apple-touch-icon\.png\?v=[0-9a-f]{12}">/,
    )
  })
})
