import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { coverageCsv } from '../../src/canvassing/coverage-csv.js'
import { addEngagement } from '../../src/canvassing/engagements.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { neutralizeFormula } from '../../src/lib/csv-cells.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()

type CsvRecord = { [column: string]: string }

async function download(cookie: string) {
  const response = await app.inject({ method: 'GET', url: '/organizers/coverage.csv', headers: { cookie } })
  return { response, records: parse(response.rawPayload, { bom: true, columns: true }) as CsvRecord[] }
}

describe('the coverage CSV', () => {
  let cookie = ''
  beforeAll(async () => {
    cookie = (await signInOrganizer(app, ctx)).cookie
    const write = (state: string) =>
      createLetter(ctx, { state, language: 'en', supporter: { name: 'Test Supporter' } })
    const [civ] = [await write('CIV'), await write('CIV'), await write('TUR')]
    await ctx.db
      .updateTable('letter')
      .set({ printed_at: '2026-05-02T09:00:00.000Z', printed_delivered_at: '2026-05-03T09:00:00.000Z' })
      .where('public_id', '=', civ!.id)
      .execute()
    await addEngagement(ctx, SHELL_ACTOR, 'TUR', { kind: 'meeting', occurredOn: '2026-05-15', text: '' })
    await ctx.db
      .updateTable('letter')
      .set({ reply_requested_at: '2026-05-20T09:00:00.000Z', reply_answer: 'no_reply' })
      .where('public_id', '=', civ!.id)
      .execute()
  })

  it('is for organizers only', async () => {
    const response = await app.inject({ method: 'GET', url: '/organizers/coverage.csv' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/organizers/login?next=%2Forganizers%2Fcoverage.csv')
  })

  it('is a download, never cached, in UTF-8 with a BOM', async () => {
    const { response } = await download(cookie)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toBe('attachment; filename="coverage-2026-06-01.csv"')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  })

  it("has the 193 member states with getCoverage's figures", async () => {
    const { records } = await download(cookie)
    const coverage = await getCoverage(ctx, 'organizers')
    expect(records).toHaveLength(193)
    expect(records.map((r) => r.ISO3)).toEqual(coverage.states.map((s) => s.iso3))
    for (const [i, state] of coverage.states.entries()) {
      const r = records[i]!
      expect(r.State).toBe(state.name)
      expect(r.Canvassed).toBe(state.canvassed ? 'yes' : 'no')
      expect(r['Canvassed on']).toBe(state.canvassedOn ?? '')
      expect(Number(r['Letters written'])).toBe(state.letters.written)
      expect(Number(r['Letters printed'])).toBe(state.letters.printed)
      expect(Number(r['Letters e-mailed'])).toBe(state.letters.emailed)
      expect(Number(r['Letters delivered'])).toBe(state.letters.delivered)
      expect(Number(r['Letters failed'])).toBe(state.letters.failed)
      expect(r['Last contact']).toBe(state.lastContactOn ?? '')
    }
    const canvassed = records.filter((r) => r.Canvassed === 'yes').length
    expect(canvassed).toBe(coverage.totals.canvassed)
    expect(canvassed).toBe(2)
    // The same figure as the dashboard's headline.
    const page = await app.inject({ method: 'GET', url: '/organizers', headers: { cookie } })
    expect(page.body).toContain(`${canvassed} of 193</span> member states canvassed`)
  })

  it('keeps accents, labels and responsiveness', async () => {
    const { records } = await download(cookie)
    const civ = records.find((r) => r.ISO3 === 'CIV')!
    expect(civ).toMatchObject({
      State: "Côte d'Ivoire",
      'Regional group': 'African Group',
      Status: 'Contacted',
      Canvassed: 'yes',
      'Canvassed on': '2026-05-03',
      Position: 'Unknown',
      'Letters written': '2',
      'Letters delivered': '1',
      'Writers asked about a reply': '1',
      'No reply': '1',
      Replied: '0',
    })
    const tur = records.find((r) => r.ISO3 === 'TUR')!
    expect(tur).toMatchObject({ State: 'Türkiye', Status: 'Engaged', 'First contact': '2026-05-15' })
    expect(records.find((r) => r.ISO3 === 'FRA')).toMatchObject({
      'Security Council seat': 'Permanent',
      Canvassed: 'no',
      'Writers asked about a reply': '0',
    })
  })

  it('defuses cells a spreadsheet would run as formulas', () => {
    for (const cell of ['=1+1', '+1', '-2', '@SUM(A1)', '\t=1', '\r=1'])
      expect(neutralizeFormula(cell)).toBe(`'${cell}`)
    for (const cell of ["Côte d'Ivoire", 'Türkiye', '2026-05-03', ''])
      expect(neutralizeFormula(cell)).toBe(cell)
  })

  it('applies it to every text cell it writes', async () => {
    const coverage = await getCoverage(ctx, 'organizers')
    const [first, ...rest] = coverage.states
    const renamed = {
      ...coverage,
      states: [{ ...first!, name: '=HYPERLINK("http://evil.example","x")' }, ...rest],
    }
    const records = parse(coverageCsv(renamed.states, []), { bom: true, columns: true }) as CsvRecord[]
    expect(records[0]!.State).toBe('\'=HYPERLINK("http://evil.example","x")')
  })
})
