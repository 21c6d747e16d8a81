import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/test-app.js'

// Which language a page is answered in: ?lang= (kept in a cookie), then the kept choice, then
// Accept-Language, then English; the organizers' area stays English. The switch is plain links.

const { app } = await buildTestApp()

async function page(url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url, headers })
  // Handlebars writes "=" in attributes as &#x3D;: read the addresses as a browser does.
  const html = res.body.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&')
  const root = /<html lang="([^"]*)" dir="([^"]*)">/.exec(html)
  return { res, html, lang: root?.[1], dir: root?.[2] }
}

describe('choosing the language', () => {
  it('answers /?lang=ar in Arabic, right to left, and keeps the choice in a cookie', async () => {
    const { res, lang, dir } = await page('/?lang=ar')
    expect(res.statusCode).toBe(200)
    expect([lang, dir]).toEqual(['ar', 'rtl'])
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^lang=ar;/)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Max-Age=31536000/)
  })

  it('follows Accept-Language when nothing was chosen, region subtags included', async () => {
    expect((await page('/', { 'accept-language': 'fr' })).lang).toBe('fr')
    expect((await page('/', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' })).lang).toBe('fr')
    expect((await page('/', { 'accept-language': 'zh-CN,zh;q=0.9' })).lang).toBe('zh-Hans')
    expect((await page('/', { 'accept-language': 'ru-RU' })).lang).toBe('ru')
    expect((await page('/', { 'accept-language': 'es-419' })).lang).toBe('es')
    expect((await page('/', { 'accept-language': 'de-DE,de;q=0.9,ar;q=0.5' })).lang).toBe('ar')
    expect((await page('/', { 'accept-language': 'de-DE' })).lang).toBe('en')
    expect((await page('/', { 'accept-language': '*' })).lang).toBe('en')
    expect((await page('/')).lang).toBe('en')
  })

  it('prefers the kept choice to the browser, and ?lang= to both', async () => {
    expect((await page('/', { cookie: 'lang=es', 'accept-language': 'fr' })).lang).toBe('es')
    expect((await page('/?lang=ru', { cookie: 'lang=es', 'accept-language': 'fr' })).lang).toBe('ru')
  })

  it('ignores a language it does not speak, in the address or the cookie', async () => {
    const asked = await page('/?lang=xx', { 'accept-language': 'fr' })
    expect(asked.res.statusCode).toBe(200)
    expect(asked.lang).toBe('fr')
    expect(asked.res.headers['set-cookie']).toBeUndefined()
    expect((await page('/?lang=%3Cscript%3E')).res.statusCode).toBe(200)
    expect((await page('/', { cookie: 'lang=de' })).lang).toBe('en')
  })

  it('offers each language as a plain link to the same page, named in itself', async () => {
    const { html } = await page('/states?group=african&lang=fr')
    const nav = /<nav class="language-switch"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? ''
    const links = [
      ...nav.matchAll(
        /<a href="([^"]*)" lang="([^"]*)" hreflang="[^"]*"( aria-current="true")?>([^<]*)<\/a>/g,
      ),
    ]
    expect(links.map((link) => link[4])).toEqual([
      'العربية',
      '中文',
      'English',
      'Français',
      'Русский',
      'Español',
    ])
    expect(links.map((link) => link[1])).toContain('/states?group=african&lang=ar')
    expect(links.filter((link) => link[3]).map((link) => link[4])).toEqual(['Français'])
  })

  it('lists the page in every language for search engines, and says caches must tell them apart', async () => {
    const { html, res } = await page('/progress?lang=es')
    const alternates = [...html.matchAll(/<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">/g)]
    expect(alternates.map((a) => a[1])).toEqual(['ar', 'zh-Hans', 'en', 'fr', 'ru', 'es', 'x-default'])
    expect(alternates.find((a) => a[1] === 'fr')?.[2]).toMatch(/\/progress\?lang=fr$/)
    expect(String(res.headers.vary)).toMatch(/Accept-Language/)
    expect(html).toContain('<meta property="og:locale" content="es_ES">')
    expect(html).toMatch(/<meta property="og:url" content="[^"]*\/progress\?lang=es">/)
  })

  it("keeps the organizers' area and the JSON API in English", async () => {
    const signIn = await page('/organizers/login?lang=fr', { 'accept-language': 'fr' })
    expect(signIn.lang).toBe('en')
    const api = await app.inject({
      method: 'GET',
      url: '/api/states/zz?lang=fr',
      headers: { 'accept-language': 'fr' },
    })
    expect(api.statusCode).toBe(400)
    expect(api.json().message).toMatch(/^The /)
  })
})
