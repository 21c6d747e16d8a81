import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The dashboard's "ask" filter: its table, its map and its CSV show only the ask's target states,
// each with the letters written within the ask; without it nothing changes; an unknown or bad ask
// is a 400 naming `ask`.

const { app, ctx } = await buildTestApp()
const { cookie } = await signInOrganizer(app, ctx)
const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } })
const rowsOf = (html: string) => [...html.matchAll(/data-state-row="([A-Z]{3})"/g)].map((m) => m[1]!)
type Row = Record<string, string>
const csvRows = (payload: Buffer) => parse(payload, { bom: true, columns: true }) as Row[]

let wave = 0
beforeAll(async () => {
  wave = await createAsk(ctx, SHELL_ACTOR, {
    title: 'Three states',
    purpose: '',
    targetKind: 'state_list',
    states: ['KEN', 'BRA', 'FRA'],
    startsOn: '2026-05-01',
  })
  const write = (state: string) =>
    createLetter(ctx, { state, supporter: { name: 'Amara Diallo', city: 'Dakar', country: 'SN' } })
  // Kenya twice and Brazil once within the wave; Ghana, outside it, within the first ask.
  for (const state of ['KEN', 'KEN', 'BRA', 'GHA']) await write(state)
})

describe('the dashboard filtered by ask', () => {
  it('lists only the ask’s target states, with their letters within it', async () => {
    const res = await get(`/organizers?ask=${wave}`)
    expect(res.statusCode).toBe(200)
    expect(rowsOf(res.body)).toEqual(['BRA', 'FRA', 'KEN'])
    expect(res.body).toContain('The ask “Three states” aims at 3 of them; 3 letters were written within it.')
    const cells = (iso3: string) =>
      new RegExp(`data-state-row="${iso3}">[\\s\\S]*?<td class="num">(\\d+)</td>\\s*</tr>`).exec(
        res.body,
      )?.[1]
    expect([cells('BRA'), cells('FRA'), cells('KEN')]).toEqual(['1', '0', '2'])
    expect(res.body).toContain(`<option value="${wave}" selected>Three states (running)</option>`)
  })

  it('greys the map outside the ask and names each target’s letters within it', async () => {
    const html = (await get(`/organizers?ask=${wave}`)).body
    const coloured = [...html.matchAll(/map-status-(?!outside_ask)[a-z_]+" data-iso3="([A-Z]{3})"/g)].map(
      (m) => m[1],
    )
    expect(coloured.sort()).toEqual(['BRA', 'FRA', 'KEN'])
    expect([...html.matchAll(/map-status-outside_ask"/g)]).toHaveLength(190)
    expect(html).toContain('<title>Kenya: Not contacted, 2 letters within the ask</title>')
    expect(html).toContain('Ghana: not aimed at by this ask')
  })

  it('is one click from each ask on the dashboard and the asks page, which names its languages', async () => {
    const link = `<a href="/organizers?ask=${wave}#states">Three states</a>`
    expect((await get('/organizers')).body).toContain(link)
    const asksPage = (await get('/organizers/asks')).body
    expect(asksPage).toContain(link)
    // The first ask has all six languages (migration 0025); this one only its own.
    expect(asksPage).toContain('In English, Arabic, Chinese, French, Russian, Spanish</span>')
    expect(asksPage).toMatch(/Three states<\/a>.*?<span class="muted">In English<\/span>/s)
  })

  it('combines with the other filters', async () => {
    const res = await get(`/organizers?ask=${wave}&noLetter=1`)
    expect(rowsOf(res.body)).toEqual(['FRA'])
  })

  it('gives the CSV the same rows, with the ask and its letters in two last columns', async () => {
    const res = await get(`/organizers/coverage.csv?ask=${wave}`)
    expect(res.statusCode).toBe(200)
    expect(String(res.headers['content-disposition'])).toMatch(
      new RegExp(`coverage-2026-06-01-ask-${wave}-filtered\\.csv`),
    )
    const rows = csvRows(res.rawPayload)
    expect(rows.map((r) => [r.ISO3, r.Ask, r['Letters within the ask'], r['Letters written']])).toEqual([
      ['BRA', String(wave), '1', '1'],
      ['FRA', String(wave), '0', '0'],
      ['KEN', String(wave), '2', '2'],
    ])
    expect(Object.keys(rows[0]!).slice(-2)).toEqual(['Ask', 'Letters within the ask'])
    // The dashboard's CSV link carries the ask.
    expect((await get(`/organizers?ask=${wave}`)).body).toContain(
      `href="/organizers/coverage.csv?ask&#x3D;${wave}"`,
    )
  })

  it('changes nothing when no ask is chosen', async () => {
    const plain = await get('/organizers/coverage.csv')
    const blank = await get('/organizers/coverage.csv?ask=')
    expect(blank.rawPayload.equals(plain.rawPayload)).toBe(true)
    const rows = csvRows(plain.rawPayload)
    expect(rows).toHaveLength(193)
    expect(Object.keys(rows[0]!)).not.toContain('Ask')
    expect(Object.keys(rows[0]!).at(-1)).toBe('No reply')
    const page = (await get('/organizers')).body
    expect(rowsOf(page)).toHaveLength(193)
    expect(page).not.toContain('Within the ask')
    expect(page).not.toContain('map-status-outside_ask')
    expect(page).toContain('<option value="">The whole campaign</option>')
  })

  it('answers 400 naming `ask` for an unknown or malformed ask', async () => {
    for (const url of ['/organizers?ask=9999', '/organizers/coverage.csv?ask=9999']) {
      const res = await get(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.body, url).toContain('There is no ask with the id 9999')
    }
    for (const url of ['/organizers?ask=abc', '/organizers/coverage.csv?ask=0', '/organizers?ask=1e309']) {
      const res = await get(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.body, url).toContain('query parameter &quot;ask&quot;')
    }
  })
})
