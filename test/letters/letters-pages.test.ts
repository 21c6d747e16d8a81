import { beforeAll, describe, expect, it } from 'vitest'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
beforeAll(() => setMission(ctx, 'FRA', FRANCE))

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
})

describe('writing a letter in the browser', () => {
  it('offers every state and a suggestion', async () => {
    const page = await app.inject({ method: 'GET', url: '/write' })
    expect(page.statusCode).toBe(200)
    expect((page.body.match(/<option value="[a-z]{3}">/g) ?? []).length).toBe(195)
    const suggest = await app.inject({ method: 'GET', url: '/write/suggest' })
    expect(suggest.statusCode).toBe(303)
    expect(suggest.headers.location).toMatch(/^\/write\/[a-z]{3}$/)
    const chosen = await app.inject({ method: 'GET', url: '/write/go?state=fra' })
    expect(chosen.headers.location).toBe('/write/fra')
  })

  it("shows the form, in the mission's language by default", async () => {
    const page = await app.inject({ method: 'GET', url: '/write/fra' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Write to France')
    expect(page.body).toContain('<option value="fr" selected>French (français)</option>')
    expect(page.body).toContain('(the mission corresponds in French)')
    expect(page.body).toContain('name="supporter.name"')
  })

  it('puts each message next to its field and keeps what was typed (422)', async () => {
    const res = await app.inject({
      url: '/write/fra',
      ...form({
        'supporter.name': '',
        'supporter.email': 'nope',
        personalNote: 'Keep me <b>please</b>',
        template: 'supporter',
      }),
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('Please check these 2 fields')
    expect(res.body).toMatch(/id="name-error"[^>]*>.*Please give your name/)
    expect(res.body).toMatch(/id="email-error"[^>]*>.*does not look like an e-mail address/)
    expect(res.body).toContain('aria-invalid="true" aria-describedby="name-error"')
    expect(res.body).toContain('Keep me &lt;b&gt;please&lt;/b&gt;')
  })

  it('writes the letter, shows the preview, and lets the writer edit it', async () => {
    const res = await app.inject({
      url: '/write/fra',
      ...form({
        template: 'supporter',
        language: 'en',
        paperSize: '',
        'supporter.name': 'Jean Dupont',
        'supporter.addressLines': '12 rue de la Paix\r\n75002 Paris',
        'supporter.country': 'FR',
        personalNote: 'I write from Paris.\r\n\r\nSecond paragraph.',
      }),
    })
    expect(res.statusCode).toBe(303)
    const url = res.headers.location as string
    expect(url).toMatch(/^\/letters\/[A-Za-z0-9_-]{22}$/)

    const preview = await app.inject({ method: 'GET', url })
    expect(preview.statusCode).toBe(200)
    expect(preview.headers['cache-control']).toBe('private, no-store')
    expect(preview.body).toContain('H.E. Mr. Jérôme Bonnafont')
    expect(preview.body).toContain('<p class="paper__paragraph">I write from Paris.</p>')
    expect(preview.body).toContain('<p class="paper__paragraph">Second paragraph.</p>')
    expect(preview.body).toContain(`href="/api${url}/pdf"`)

    const edit = await app.inject({ method: 'GET', url: `${url}/edit` })
    expect(edit.body).toContain('value="Jean Dupont"')
    expect(edit.body).toContain('12 rue de la Paix\n75002 Paris</textarea>')

    const saved = await app.inject({
      url: `${url}/edit`,
      ...form({
        template: 'supporter',
        language: 'fr',
        'supporter.name': 'Jeanne Dupont',
        'supporter.country': 'FR',
      }),
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(url)
    const after = await app.inject({ method: 'GET', url })
    expect(after.body).toContain('Jeanne Dupont')
    expect(after.body).toContain('Son Excellence Monsieur Jérôme Bonnafont')
  })

  it('offers the six UN languages, and writes an Arabic letter right to left from the form', async () => {
    const page = await app.inject({ method: 'GET', url: '/write/fra' })
    const offered = [...page.body.matchAll(/<option value="(en|fr|es|ar|zh|ru)"[^>]*>([^<]+)<\/option>/g)]
    expect(offered.map((m) => m[1])).toEqual(['en', 'fr', 'es', 'ar', 'zh', 'ru'])
    expect(offered.map((m) => m[2])).toContain('Arabic (العربية)')

    for (const [language, expected] of [
      ['ar', 'سعادة السيد Jérôme Bonnafont'],
      ['zh', '大使阁下'],
      ['ru', 'Его Превосходительству'],
    ] as const) {
      const res = await app.inject({
        url: '/write/fra',
        ...form({
          template: 'supporter',
          language,
          'supporter.name': 'Amina Wanjiru',
          'supporter.country': 'KE',
        }),
      })
      expect(res.statusCode, res.body).toBe(303)
      const preview = await app.inject({ method: 'GET', url: res.headers.location as string })
      expect(preview.body, language).toContain(expected)
      expect(preview.body).toMatch(
        new RegExp(`<article[^>]*lang="${language === 'zh' ? 'zh-Hans' : language}"`),
      )
      if (language === 'ar') expect(preview.body).toMatch(/<article[^>]*dir="rtl"/)
    }
  })

  it('refuses a form sent from another site, and takes one from this site', async () => {
    const fields = { template: 'supporter', language: 'en', 'supporter.name': 'Cross Site' }
    const foreign = await app.inject({
      url: '/write/fra',
      ...form(fields),
      headers: { ...form(fields).headers, origin: 'https://evil.example' },
    })
    expect(foreign.statusCode).toBe(403)
    expect(foreign.body).toContain('This form must be sent from this site')
    expect(foreign.cookies).toHaveLength(0)
    const own = await app.inject({
      url: '/write/fra',
      ...form(fields),
      headers: { ...form(fields).headers, origin: 'http://localhost:80', host: 'localhost:80' },
    })
    expect(own.statusCode).toBe(303)
  })

  it('answers an unknown letter with a 404 page', async () => {
    const res = await app.inject({ method: 'GET', url: '/letters/AAAAAAAAAAAAAAAAAAAAAA' })
    expect(res.statusCode).toBe(404)
    expect(res.body).toContain('<h1>Page not found</h1>')
  })
})
