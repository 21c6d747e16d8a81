import { beforeAll, describe, expect, it } from 'vitest'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The letter form for partners' pages (issue 14, item 5): /embed/write is the same flow in a
// compact layout, framable by EMBED_ORIGINS only, needing no cookie.

const PARTNER = 'https://partner.example'
const { app, ctx } = await buildTestApp({ env: { EMBED_ORIGINS: PARTNER } })
beforeAll(() => setMission(ctx, 'FRA', FRANCE))

const frameAncestors = (csp: unknown): string => /frame-ancestors ([^;]*)/.exec(String(csp))?.[1] ?? ''

describe('the embeddable letter form', () => {
  it('may be framed by the site itself and the partners in EMBED_ORIGINS, nothing else', async () => {
    for (const url of ['/embed/write', '/embed/write/fra?source=amnesty-ke']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(frameAncestors(res.headers['content-security-policy'])).toBe(`'self' ${PARTNER}`)
      expect(res.headers['x-frame-options']).toBeUndefined()
    }
    // Every other page still refuses to be framed.
    for (const url of ['/write/fra', '/progress', '/join']) {
      const res = await app.inject({ method: 'GET', url })
      expect(frameAncestors(res.headers['content-security-policy']), url).toBe("'none'")
      expect(res.headers['x-frame-options']).toBe('DENY')
    }
  })

  it('is the letter flow in a compact layout: no site navigation, its links and form kept inside /embed', async () => {
    const res = await app.inject({ method: 'GET', url: '/embed/write/fra?source=amnesty-ke' })
    expect(res.body).toContain('<body class="embedded">')
    expect(res.body).not.toContain('class="site-header')
    // The framed page may get no cookie: its form and links carry the page's language.
    expect(res.body).toContain('action="/embed/write/fra?lang=en"')
    expect(res.body).toContain('data-preview="/embed/write/fra/preview"')
    expect(res.body).toContain('<input type="hidden" name="source" value="amnesty-ke">')
    const chooser = await app.inject({ method: 'GET', url: '/embed/write?source=amnesty-ke' })
    expect(chooser.body).toContain('action="/embed/write/go"')
    expect(chooser.body).toContain('<input type="hidden" name="lang" value="en">')
    expect(chooser.body.replaceAll('&#x3D;', '=')).toContain(
      'href="/embed/write/suggest?source=amnesty-ke&amp;lang=en"',
    )
    const suggested = await app.inject({ method: 'GET', url: '/embed/write/suggest?source=amnesty-ke' })
    expect(suggested.headers.location).toMatch(/^\/embed\/write\/[a-z]{3}\?source=amnesty-ke$/)
  })

  it('writes the letter without setting or needing a cookie, and goes on to its page inside /embed', async () => {
    const written = await app.inject({
      method: 'POST',
      url: '/embed/write/fra',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        template: 'supporter',
        language: 'en',
        delivery: 'print',
        source: 'amnesty-ke',
        'supporter.name': 'Achieng Otieno',
        'supporter.addressLines': 'Moi Avenue 3',
        'supporter.city': 'Mombasa',
        'supporter.country': 'KE',
      }).toString(),
    })
    expect(written.statusCode, written.body).toBe(303)
    expect(written.headers['set-cookie']).toBeUndefined()
    expect(written.headers.location).toMatch(/^\/embed\/letters\/[A-Za-z0-9_-]{22}$/)
    const page = await app.inject({ method: 'GET', url: written.headers.location as string })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<body class="embedded">')
    expect(page.body).toContain('Download PDF')
    expect(frameAncestors(page.headers['content-security-policy'])).toBe(`'self' ${PARTNER}`)
    expect(page.body.replaceAll('&#x3D;', '=')).toMatch(
      /href="\/embed\/write\/[a-z]{3}\?source=amnesty-ke&amp;lang=en">Write to /,
    )
  })

  it('keeps the language it was opened in through every step, with no cookie to remember it', async () => {
    const chooser = await app.inject({ method: 'GET', url: '/embed/write?lang=fr' })
    expect(chooser.body).toContain('<html lang="fr"')
    expect(chooser.body).toContain('<input type="hidden" name="lang" value="fr">')
    expect(chooser.body.replaceAll('&#x3D;', '=')).toContain('href="/embed/write/suggest?lang=fr"')
    const chosen = await app.inject({ method: 'GET', url: '/embed/write/go?state=fra&lang=fr' })
    expect(chosen.headers.location).toBe('/embed/write/fra?lang=fr')
    const suggested = await app.inject({ method: 'GET', url: '/embed/write/suggest?lang=fr' })
    expect(suggested.headers.location).toMatch(/^\/embed\/write\/[a-z]{3}\?lang=fr$/)
    const form = await app.inject({ method: 'GET', url: '/embed/write/fra?lang=fr' })
    expect(form.body).toContain('action="/embed/write/fra?lang=fr"')
    expect(form.body.replaceAll('&#x3D;', '=')).toContain('href="/embed/write?lang=fr"')
    const written = await app.inject({
      method: 'POST',
      url: '/embed/write/fra?lang=fr',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        template: 'supporter',
        language: 'fr',
        delivery: 'print',
        'supporter.name': 'Awa Ndiaye',
        'supporter.addressLines': 'Rue 10',
        'supporter.city': 'Dakar',
        'supporter.country': 'SN',
      }).toString(),
    })
    expect(written.statusCode, written.body).toBe(303)
    expect(written.headers.location).toMatch(/^\/embed\/letters\/[A-Za-z0-9_-]{22}\?lang=fr$/)
    // A form sent back with its faults keeps the language in its action too.
    const refused = await app.inject({
      method: 'POST',
      url: '/embed/write/fra?lang=fr',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ template: 'supporter', language: 'fr', delivery: 'print' }).toString(),
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('<html lang="fr"')
    expect(refused.body).toContain('action="/embed/write/fra?lang=fr"')
    const page = await app.inject({ method: 'GET', url: written.headers.location as string })
    expect(page.body).toContain('<html lang="fr"')
    expect(page.body.replaceAll('&#x3D;', '=')).toMatch(/href="\/embed\/write\/[a-z]{3}\?lang=fr">/)
    expect(page.body.replaceAll('&#x3D;', '=')).toContain('href="/embed/write?lang=fr"')
  })
})
