import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { catalogue, SITE_LANGUAGES } from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { buildTestApp } from '../helpers/test-app.js'

// The public map of one ask (/progress?ask=…): its target states by status with their letters
// within it, the others grey, in the reader's language; without `ask` the map is as before; an
// unknown or malformed ask is a 400 naming `ask`.

const { app, ctx } = await buildTestApp()
const progress = (query: string) => app.inject({ method: 'GET', url: `/progress?${query}` })
const coloured = (html: string) =>
  [...html.matchAll(/class="world-map__state map-status-(?!outside_ask)[a-z_]+" data-iso3="([A-Z]{3})"/g)]
    .map((m) => m[1])
    .sort()
const greyed = (html: string) => [...html.matchAll(/map-status-outside_ask" data-iso3=/g)].length

await ctx.db.updateTable('ask').set({ starts_on: '2026-01-01' }).where('id', '=', 1).execute()
const wave = await createAsk(ctx, SHELL_ACTOR, {
  title: 'Three states',
  purpose: '',
  targetKind: 'state_list',
  states: ['KEN', 'BRA', 'FRA'],
  startsOn: '2026-05-01',
  texts: { ar: { title: 'ثلاث دول', purpose: '' } },
})
for (const state of ['KEN', 'KEN', 'BRA', 'GHA'])
  await createLetter(ctx, { state, supporter: { name: 'Amara Diallo', city: 'Dakar', country: 'SN' } })

describe('/progress?ask=: one ask on the public map', () => {
  it('colours its target states, greys the others, and labels each with its letters within it', async () => {
    const html = (await progress(`ask=${wave}&lang=en`)).body
    expect(coloured(html)).toEqual(['BRA', 'FRA', 'KEN'])
    expect(greyed(html)).toBe(190)
    expect(html).toContain('<title>Kenya: Not contacted, 2 letters within this ask</title>')
    expect(html).toContain('<title>France: Not contacted, no letters within this ask yet</title>')
    expect(html).toContain('<title>Ghana: not aimed at by this ask</title>')
    expect(html).toContain(
      'The map shows the 3 member states this ask is aimed at: <strong lang="en" dir="auto">Three states</strong></p>',
    )
    expect(html).toMatch(/Not aimed at by this ask <span class="map-legend__count">190<\/span>/)
    expect(html).not.toContain('Amara Diallo')
  })

  it('speaks each of the six languages, the ask’s title in the reader’s where it has one', async () => {
    for (const language of SITE_LANGUAGES) {
      const html = (await progress(`ask=${wave}&lang=${language}`)).body
      expect(html, language).toContain(catalogue(language).get('askmap.all')!)
      expect(coloured(html), language).toEqual(['BRA', 'FRA', 'KEN'])
      if (language !== 'en') expect(html, language).not.toContain('within this ask')
    }
    const ar = (await progress(`ask=${wave}&lang=ar`)).body
    expect(ar).toContain('<strong lang="ar" dir="auto">ثلاث دول</strong>')
    expect(ar).toContain('رسالتان ضمن هذا النداء')
    expect((await progress(`ask=${wave}&lang=zh`)).body).toContain(
      '<strong lang="en" dir="auto">Three states</strong>',
    )
  })

  it('links each running ask to its map, and leaves the map as it was without one', async () => {
    const html = (await progress('lang=en')).body
    expect(html).toContain(`<a href="/progress?ask=${wave}#map-heading">See it on the map`)
    expect(greyed(html)).toBe(0)
    expect(coloured(html)).toHaveLength(193)
    expect(html).not.toContain('ask-map-note')
    // An empty choice is no choice: the same page (its language links carry the query as given).
    const main = (page: string) => /<main\b[\s\S]*<\/main>/.exec(page)?.[0]
    expect(main((await progress('ask=&lang=en')).body)).toBe(main(html))
  })

  it('answers 400 naming `ask` for an unknown or malformed ask', async () => {
    const unknown = await progress('ask=9999')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('There is no ask with the id 9999')
    for (const bad of ['abc', '0', '1e309']) {
      const res = await progress(`ask=${bad}`)
      expect(res.statusCode, bad).toBe(400)
      expect(res.body, bad).toContain('&quot;ask&quot;')
    }
  })
})
