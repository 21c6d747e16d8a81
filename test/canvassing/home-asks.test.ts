import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { catalogue, SITE_LANGUAGES } from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { buildTestApp } from '../helpers/test-app.js'

// The home page shows the asks running today with their progress towards their goals, in the
// reader's language (the ask's own text where theirs has none); with none running, no section.

const { app, ctx } = await buildTestApp()
const home = async (language: string) => (await app.inject({ method: 'GET', url: `/?lang=${language}` })).body
const headings = (html: string) => [
  ...html.matchAll(/<h3 id="ask-(\d+)" lang="([^"]+)" dir="auto">([^<]*)<\/h3>/g),
]

const FIRST_TITLES = {
  ar: 'جميع الدول الأعضاء الـ193',
  zh: '全部193个会员国',
  en: 'All 193 member states',
  fr: 'Les 193 États Membres',
  ru: 'Все 193 государства-члена',
  es: 'Los 193 Estados Miembros',
} as const

describe('the home page’s running asks', () => {
  it('shows none, and no section, while no ask runs', async () => {
    // Migration 0019 starts the first ask on the day it ran, after the tests' clock.
    const html = await home('en')
    expect(headings(html)).toEqual([])
    expect(html).not.toContain('id="asks-heading"')
  })

  it('shows each running ask with its goals, in each of the six languages', async () => {
    await ctx.db.updateTable('ask').set({ starts_on: '2026-01-01' }).where('id', '=', 1).execute()
    const wave = await createAsk(ctx, SHELL_ACTOR, {
      title: 'Council wave',
      purpose: '',
      targetKind: 'security_council',
      councilOn: '2026-06-01',
      goals: { letters: 4 },
      startsOn: '2026-05-01',
      texts: { fr: { title: 'Vague du Conseil', purpose: '' } },
    })
    for (const state of ['FRA', 'USA', 'CHN'])
      await createLetter(ctx, {
        state,
        language: 'en',
        supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' },
      })
    for (const language of SITE_LANGUAGES) {
      const html = await home(language)
      expect(html, language).toContain(
        `<h2 id="asks-heading">${catalogue(language).get('asks.heading')!.replace(/'/g, '&#x27;')}</h2>`,
      )
      const shown = headings(html).map((m) => [Number(m[1]), m[2], m[3]])
      const lang = language === 'zh' ? 'zh-Hans' : language
      expect(shown, language).toEqual([
        [wave, language === 'fr' ? 'fr' : 'en', language === 'fr' ? 'Vague du Conseil' : 'Council wave'],
        [1, lang, FIRST_TITLES[language]],
      ])
      // The wave's goal of four letters, three written: the bar and its words.
      expect(html, language).toMatch(
        new RegExp(`<progress class="coverage-bar" max="4" value="3" aria-labelledby="ask-${wave}-goal-0">`),
      )
      // The first ask's goal (193 states canvassed) is there too.
      expect(html, language).toContain(
        '<progress class="coverage-bar" max="193" value="0" aria-labelledby="ask-1-goal-0">',
      )
      expect(html).not.toContain('Ada Obi')
    }
  })
})
