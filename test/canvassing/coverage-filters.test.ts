import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { addEngagement } from '../../src/canvassing/engagements.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The coverage CSV follows the dashboard's filters and order; the dashboard (and the CSV) give the
// share of letters with a personal paragraph per state and overall, from the triggers' counter
// (migration 0021), checked here against a recount over the letters themselves.

const { app, ctx } = await buildTestApp()
const { cookie } = await signInOrganizer(app, ctx)

type Row = Record<string, string>
const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } })
async function csv(query = ''): Promise<{ rows: Row[]; disposition: string }> {
  const res = await get(`/organizers/coverage.csv${query}`)
  expect(res.statusCode).toBe(200)
  return {
    rows: parse(res.rawPayload, { bom: true, columns: true }) as Row[],
    disposition: String(res.headers['content-disposition']),
  }
}
const rowsOf = (html: string) => [...html.matchAll(/data-state-row="([A-Z]{3})"/g)].map((m) => m[1]!)

/** The share recounted from the letters, as a whole percentage (the dashboard's figure). */
async function recount(iso3?: string): Promise<{ written: number; withNote: number }> {
  let query = ctx.db.selectFrom('letter').select(['personal_note'])
  if (iso3) query = query.where('state_iso3', '=', iso3)
  const letters = await query.execute()
  return {
    written: letters.length,
    withNote: letters.filter((l) => (l.personal_note ?? '').trim() !== '').length,
  }
}

beforeAll(async () => {
  const write = (state: string, personalNote?: string) =>
    createLetter(ctx, {
      state,
      supporter: { name: 'Amara Diallo', city: 'Dakar', country: 'SN' },
      ...(personalNote ? { personalNote } : {}),
    })
  await write('SEN', 'My sister served in a peacekeeping mission.')
  await write('SEN', 'Survivors deserve a court.')
  await write('SEN')
  await write('GHA')
  await write('GHA', 'Accountability matters to Ghanaians.')
  await write('FRA')
  await write('FRA')
  await write('FRA')
  await write('FRA', 'Un paragraphe à moi.')
  await addEngagement(ctx, SHELL_ACTOR, 'SEN', { kind: 'meeting', occurredOn: '2026-05-10', text: '' })
  await addEngagement(ctx, SHELL_ACTOR, 'FRA', { kind: 'call', occurredOn: '2026-05-11', text: '' })
})

describe('the coverage CSV under the dashboard filters', () => {
  it('has the rows the dashboard shows, in its order, for each filter', async () => {
    for (const query of [
      '?group=african',
      '?status=engaged',
      '?status=contacted&group=western_european_others',
      '?council=permanent',
      '?noLetter=1&group=african',
      '?group=african&sort=written&dir=desc',
    ]) {
      const page = await get(`/organizers${query}`)
      const shown = rowsOf(page.body)
      const { rows, disposition } = await csv(query)
      expect(
        rows.map((r) => r.ISO3),
        query,
      ).toEqual(shown)
      expect(disposition).toContain('-filtered.csv')
      // The page's download link carries the same query.
      const link = /href="(\/organizers\/coverage\.csv[^"]*)"/.exec(page.body)?.[1] ?? ''
      expect(link.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&')).toBe(`/organizers/coverage.csv${query}`)
    }
    const engaged = await csv('?status=engaged')
    expect(engaged.rows.map((r) => r.ISO3)).toEqual(['SEN'])
    const african = await csv('?group=african')
    expect(african.rows).toHaveLength(54)
    expect(african.rows.map((r) => r.ISO3)).toContain('GHA')
    expect(african.rows.map((r) => r.ISO3)).not.toContain('FRA')
    const all = await csv()
    expect(all.rows).toHaveLength(193)
    expect(all.disposition).not.toContain('-filtered')
  })

  it('answers 400 naming a bad filter, as the dashboard does', async () => {
    const res = await get('/organizers/coverage.csv?group=martian')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('group')
  })
})

describe('the share of letters with a personal paragraph', () => {
  it('per state and overall, on the dashboard and in the CSV, as a recount over the letters', async () => {
    const page = (await get('/organizers')).body
    const total = await recount()
    const overall = `${Math.round((total.withNote / total.written) * 100)}%`
    expect(page).toContain(
      `${overall} of the letters have a paragraph of the writer's own (${total.withNote})`,
    )
    const { rows } = await csv()
    for (const iso3 of ['SEN', 'GHA', 'FRA']) {
      const counted = await recount(iso3)
      const percent = Math.round((counted.withNote / counted.written) * 100)
      const row = new RegExp(`data-state-row="${iso3}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? ''
      expect(row, iso3).toContain(`>${percent}%<`)
      const csvRow = rows.find((r) => r.ISO3 === iso3)!
      expect(Number(csvRow['Letters with a personal paragraph'])).toBe(counted.withNote)
      expect(Number(csvRow['Share with a personal paragraph (%)'])).toBeCloseTo(
        (counted.withNote / counted.written) * 100,
        1,
      )
    }
    // SEN 2 of 3, GHA 1 of 2, FRA 1 of 4.
    expect(rows.find((r) => r.ISO3 === 'SEN')!['Share with a personal paragraph (%)']).toBe('66.7')
    // A state with no letter has no share, not 0%.
    expect(rows.find((r) => r.ISO3 === 'ARG')!['Share with a personal paragraph (%)']).toBe('')
  })

  it('is the triggers’ count, whatever happens to the letters after (printed, asked, redacted)', async () => {
    await ctx.db
      .updateTable('letter')
      .set({ printed_at: '2026-05-20T10:00:00.000Z', reply_requested_at: '2026-05-21T10:00:00.000Z' })
      .where('state_iso3', '=', 'SEN')
      .execute()
    // The privacy redaction empties the paragraph (letter-redaction.ts): the letter keeps counting.
    await ctx.db
      .updateTable('letter')
      .set({ personal_note: null, personal_data_removed_at: '2026-05-22T10:00:00.000Z' })
      .where('state_iso3', '=', 'SEN')
      .execute()
    const stats = await ctx.db
      .selectFrom('state_letter_stats')
      .select(['with_personal_note', 'written'])
      .where('state_iso3', '=', 'SEN')
      .executeTakeFirstOrThrow()
    expect(stats).toEqual({ with_personal_note: 2, written: 3 })
  })
})
