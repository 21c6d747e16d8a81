import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { SITE_LANGUAGES } from '../../src/i18n/index.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// An ask's title and purpose in each UN language (migration 0025): the first ask has all six; an
// organizer gives a new one's on its form (English required, the others optional); /progress and
// /api/asks show the reader's language, else the ask's own (English), marked with its `lang`.

const { app, ctx } = await buildTestApp()
const coordinator = await signInOrganizer(app, ctx, { role: 'coordinator', name: 'Pat Coordinator' })

const FIRST = {
  ar: 'جميع الدول الأعضاء الـ193',
  zh: '全部193个会员国',
  en: 'All 193 member states',
  fr: 'Les 193 États Membres',
  ru: 'Все 193 государства-члена',
  es: 'Los 193 Estados Miembros',
} as const

const council = await createAsk(ctx, SHELL_ACTOR, {
  title: 'Council wave',
  purpose: 'The fifteen first.',
  targetKind: 'security_council',
  councilOn: '2026-06-01',
  startsOn: '2026-05-01',
  texts: {
    fr: { title: 'Vague du Conseil', purpose: '' },
    ar: { title: 'موجة مجلس الأمن', purpose: 'الأعضاء الخمسة عشر أولاً.' },
  },
})

// Migration 0019 starts the first ask on the day it ran; the tests' clock is earlier.
await ctx.db.updateTable('ask').set({ starts_on: '2026-01-01' }).where('id', '=', 1).execute()
const headings = (html: string) => html.match(/<h3 id="ask-\d+"[^>]*>[^<]*<\/h3>/g) ?? []

const api = async (url: string) => {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, body: res.json() }
}

describe('an ask in the six UN languages', () => {
  it('gives the first ask its title and purpose in every language, each its own text', async () => {
    const purposes = new Set<string>()
    for (const language of SITE_LANGUAGES) {
      const { status, body } = await api(`/api/asks?lang=${language}`)
      expect(status).toBe(200)
      const first = body.asks[0]
      expect(first.title, language).toBe(FIRST[language])
      expect(first.language).toBe(language)
      expect(first.purpose.length, language).toBeGreaterThan(40)
      purposes.add(first.purpose)
    }
    expect(purposes.size).toBe(6)
  })

  it('falls back on the ask’s own title and purpose where a language has none, and names it', async () => {
    const lists = Object.fromEntries(
      await Promise.all(
        SITE_LANGUAGES.map(async (l) => [l, (await api(`/api/asks?lang=${l}`)).body.asks[1]] as const),
      ),
    )
    expect(lists.fr).toMatchObject({
      title: 'Vague du Conseil',
      purpose: 'The fifteen first.',
      language: 'fr',
      purposeLanguage: 'en',
    })
    expect(lists.ar).toMatchObject({
      title: 'موجة مجلس الأمن',
      purpose: 'الأعضاء الخمسة عشر أولاً.',
      language: 'ar',
      purposeLanguage: 'ar',
    })
    for (const l of ['zh', 'en', 'ru', 'es'])
      expect(lists[l], l).toMatchObject({
        title: 'Council wave',
        purpose: 'The fifteen first.',
        purposeLanguage: 'en',
        language: 'en',
      })
    // Without `lang` the API speaks English, as the rest of it; /api/asks/:id alike.
    expect((await api('/api/asks')).body.asks[1].title).toBe('Council wave')
    expect((await api(`/api/asks/${council}?lang=ar`)).body).toMatchObject({
      title: 'موجة مجلس الأمن',
      language: 'ar',
    })
  })

  it('answers 400 naming `lang` for a language the site does not speak', async () => {
    for (const url of ['/api/asks?lang=de', `/api/asks/${council}?lang=EN`, '/api/asks?lang=']) {
      const { status, body } = await api(url)
      expect(status, url).toBe(400)
      expect(body, url).toMatchObject({ field: 'lang' })
    }
  })

  it('shows /progress in the reader’s language, marking the fallback’s language', async () => {
    const ar = (await app.inject({ method: 'GET', url: '/progress?lang=ar' })).body
    expect(headings(ar)).toEqual([
      `<h3 id="ask-${council}" lang="ar" dir="auto">موجة مجلس الأمن</h3>`,
      '<h3 id="ask-1" lang="ar" dir="auto">جميع الدول الأعضاء الـ193</h3>',
    ])
    expect(ar.includes('All 193 member states')).toBe(false)
    const zh = (await app.inject({ method: 'GET', url: '/progress?lang=zh' })).body
    expect(headings(zh)).toEqual([
      `<h3 id="ask-${council}" lang="en" dir="auto">Council wave</h3>`,
      '<h3 id="ask-1" lang="zh-Hans" dir="auto">全部193个会员国</h3>',
    ])
    expect(zh.includes('<p lang="en" dir="auto">The fifteen first.</p>')).toBe(true)
    // French has a title but no purpose: the English purpose is marked as English.
    const fr = (await app.inject({ method: 'GET', url: '/progress?lang=fr' })).body
    expect(headings(fr)[0]).toBe(`<h3 id="ask-${council}" lang="fr" dir="auto">Vague du Conseil</h3>`)
    expect(fr.includes('<p lang="en" dir="auto">The fifteen first.</p>')).toBe(true)
    const en = (await app.inject({ method: 'GET', url: '/progress?lang=en' })).body
    expect(headings(en)).toContain('<h3 id="ask-1" lang="en" dir="auto">All 193 member states</h3>')
  })

  it('takes each language on the ask’s form, audited, and names a purpose without its title', async () => {
    const form = (
      await app.inject({
        method: 'GET',
        url: `/organizers/asks/${council}/edit`,
        headers: { cookie: coordinator.cookie },
      })
    ).body
    expect(form).toContain('value="Vague du Conseil"')
    expect(form).toContain('id="title_zh" name="title_zh" lang="zh-Hans" dir="auto" value=""')
    const post = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/organizers/asks/${council}`,
        headers: { cookie: coordinator.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: coordinator.csrfToken,
          title: 'Council wave',
          purpose: 'The fifteen first.',
          targetKind: 'security_council',
          councilOn: '2026-06-01',
          startsOn: '2026-05-01',
          ...fields,
        }).toString(),
      })
    const bad = await post({ purpose_ru: 'Сначала пятнадцать.' })
    expect(bad.statusCode).toBe(422)
    for (const part of [
      'Give the title in this language too, or leave both blank',
      'href="#title_ru"',
      'Сначала пятнадцать.',
    ])
      expect(bad.body.includes(part), part).toBe(true)
    expect((await api('/api/asks?lang=ru')).body.asks[1].language).toBe('en')

    const ok = await post({ title_zh: '安理会一波', purpose_zh: '先写给十五个理事国。', title_fr: '' })
    expect(ok.statusCode).toBe(303)
    expect((await api('/api/asks?lang=zh')).body.asks[1]).toMatchObject({
      title: '安理会一波',
      language: 'zh',
    })
    // What the form left blank is gone: French and Arabic now fall back on English.
    expect((await api('/api/asks?lang=fr')).body.asks[1].language).toBe('en')
    expect((await api('/api/asks?lang=ar')).body.asks[1].language).toBe('en')
    const rows = await ctx.db.selectFrom('ask_text').selectAll().where('ask_id', '=', council).execute()
    expect(rows.map((r) => r.language)).toEqual(['zh'])
    const audit = (await listAuditEvents(ctx.db, { limit: 5 })).find((e) => e.action === 'ask.edit')!
    expect(audit.details).toContain('安理会一波')
    expect(audit.details).toContain('Vague du Conseil')
  })
})
