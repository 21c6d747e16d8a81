import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { renderCoverageChart } from '../../src/canvassing/coverage-chart.js'
import {
  addEngagement,
  recordSupporterAnswer,
  setPosition,
} from '../../src/canvassing/engagements.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { projectPath } from '../../src/lib/paths.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
const { cookie } = await signInOrganizer(app, ctx)

async function dashboard(query = '') {
  return app.inject({ method: 'GET', url: `/organizers${query}`, headers: { cookie } })
}

/** The ISO3 codes of the rows of the member states' table, in order. */
function rowsOf(html: string): string[] {
  return [...html.matchAll(/data-state-row="([A-Z]{3})"/g)].map((m) => m[1]!)
}

async function letterTo(state: string) {
  return createLetter(ctx, { state, language: 'en', supporter: { name: 'Test Supporter' } })
}

describe('the dashboard, before any letter', () => {
  it('sends strangers to sign in, and back after', async () => {
    for (const url of ['/organizers', '/organizers?group=african', '/organizers?group=martian']) {
      const response = await app.inject({ method: 'GET', url })
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe(`/organizers/login?next=${encodeURIComponent(url)}`)
    }
  })

  it('shows 0 of 193 and every member state, kept out of caches', async () => {
    const response = await dashboard()
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.body).toContain('0 of 193</span> member states canvassed')
    expect(rowsOf(response.body)).toHaveLength(193)
    expect(response.body).toContain('No member state has been canvassed yet.')
    expect(response.body).toContain('No writer has been asked yet.')
    // The organizer bar needs the organizer, the sign-out form its CSRF token.
    expect(response.body).toMatch(/name="_csrf" value="[^"]+"/)
    // The map links each state to the organizers' page of the state.
    expect(response.body).toContain('href="/organizers/states/fra"')
  })

  it('filters with plain GET parameters', async () => {
    expect(rowsOf((await dashboard('?group=african')).body)).toHaveLength(54)
    expect(rowsOf((await dashboard('?council=permanent')).body).sort()).toEqual([
      'CHN',
      'FRA',
      'GBR',
      'RUS',
      'USA',
    ])
    expect(rowsOf((await dashboard('?council=elected')).body)).toHaveLength(10)
    expect(rowsOf((await dashboard('?status=engaged')).body)).toHaveLength(0)
    expect(rowsOf((await dashboard('?noLetter=1')).body)).toHaveLength(193)
    // Empty values are what "All groups" sends: no filter.
    expect(rowsOf((await dashboard('?group=&status=&position=&council=')).body)).toHaveLength(193)
    const none = await dashboard('?status=engaged')
    expect(none.body).toContain('No member state matches these filters.')
    expect(none.body).toContain('<option value="engaged" selected>')
  })

  it('answers bad values with a 400 naming the parameter', async () => {
    for (const [param, value] of [
      ['group', 'martian'],
      ['status', 'done'],
      ['position', 'maybe'],
      ['council', 'yes'],
      ['noLetter', 'true'],
      ['sort', 'population'],
      ['dir', 'up'],
    ]) {
      const response = await dashboard(`?${param}=${value}`)
      expect(response.statusCode, `${param}=${value}`).toBe(400)
      expect(response.body).toContain(`query parameter &quot;${param}&quot;`)
    }
    const twice = await dashboard('?status=engaged&status=replied')
    expect(twice.statusCode).toBe(400)
  })
})

describe('the dashboard with letters, contacts and positions', () => {
  // France: 3 letters, one printed and handed over; China: 1 letter, e-mailed and accepted;
  // Brazil: a call; Kenya: a meeting and a supportive position; Chad: a letter not delivered.
  let france: Awaited<ReturnType<typeof letterTo>>[] = []
  beforeAll(async () => {
    france = [await letterTo('FRA'), await letterTo('FRA'), await letterTo('FRA')]
    const china = await letterTo('CHN')
    await letterTo('TCD')
    await ctx.db
      .updateTable('letter')
      .set({ printed_at: '2026-05-10T09:00:00.000Z', printed_delivered_at: '2026-05-12T09:00:00.000Z' })
      .where('public_id', '=', france[0]!.id)
      .execute()
    await ctx.db
      .updateTable('letter')
      .set({ status: 'sent', channel: 'email', sent_at: '2026-05-20T10:00:00.000Z' })
      .where('public_id', '=', china.id)
      .execute()
    await addEngagement(ctx, SHELL_ACTOR, 'BRA', {
      kind: 'call',
      occurredOn: '2026-05-25',
      text: 'Spoke to the counsellor.',
    })
    await addEngagement(ctx, SHELL_ACTOR, 'KEN', { kind: 'meeting', occurredOn: '2026-05-28', text: '' })
    await setPosition(ctx, SHELL_ACTOR, 'KEN', { position: 'supportive', notedOn: '2026-05-28', note: '' })
    // Writers of two French letters were asked whether the mission replied; one said it did.
    await ctx.db
      .updateTable('letter')
      .set({ reply_requested_at: '2026-05-26T09:00:00.000Z' })
      .where('public_id', 'in', [france[0]!.id, france[1]!.id])
      .execute()
    await ctx.db
      .updateTable('letter')
      .set({ reply_answer: 'replied', reply_answered_at: '2026-05-27T09:00:00.000Z' })
      .where('public_id', '=', france[0]!.id)
      .execute()
    const { id } = await ctx.db
      .selectFrom('letter')
      .select('id')
      .where('public_id', '=', france[0]!.id)
      .executeTakeFirstOrThrow()
    await recordSupporterAnswer(ctx, ctx.db, { letterId: id, iso3: 'FRA', answer: 'replied' })
  })

  it('counts them as getCoverage does', async () => {
    const coverage = await getCoverage(ctx, 'organizers')
    expect(coverage.totals.canvassed).toBe(4)
    const { body } = await dashboard()
    expect(body).toContain(`${coverage.totals.canvassed} of 193</span> member states canvassed`)
    expect(body).toContain('5 letters written, 2 delivered to the missions.')
    const row = (iso3: string) => new RegExp(`data-state-row="${iso3}"[\\s\\S]*?</tr>`).exec(body)?.[0] ?? ''
    expect(row('FRA')).toContain('status-badge--replied')
    expect(row('FRA')).toMatch(/<td class="num">3<\/td>\s*<td class="num">1<\/td>/)
    expect(row('FRA')).toContain('2026-06-01')
    expect(row('KEN')).toContain('status-badge--engaged')
    expect(row('KEN')).toContain('Supportive')
    expect(row('BRA')).toContain('status-badge--contacted')
    expect(row('TCD')).toContain('status-badge--not_contacted')
  })

  it('filters and sorts the rows', async () => {
    expect(rowsOf((await dashboard('?status=engaged')).body)).toEqual(['KEN'])
    expect(rowsOf((await dashboard('?position=supportive')).body)).toEqual(['KEN'])
    expect(rowsOf((await dashboard('?noLetter=1')).body)).toHaveLength(190)
    expect(rowsOf((await dashboard('?noLetter=1&group=african')).body)).not.toContain('TCD')
    expect(rowsOf((await dashboard('?council=permanent&status=contacted')).body)).toEqual(['CHN'])

    const byWritten = await dashboard('?sort=written&dir=desc')
    expect(rowsOf(byWritten.body).slice(0, 3)).toEqual(['FRA', 'TCD', 'CHN']) // Chad before China: ties by name
    expect(byWritten.body).toMatch(
      /<th scope="col" aria-sort="descending" class="num"><a href="[^"]*">Written/,
    )
    // The header of the sorted column reverses it; the filter form keeps the sort.
    // (Handlebars writes = as &#x3D; in attributes; a browser reads it back.)
    expect(byWritten.body.replaceAll('&#x3D;', '=')).toContain(
      'href="/organizers?sort=written&amp;dir=asc#states"',
    )
    expect(byWritten.body).toContain('<input type="hidden" name="sort" value="written">')

    const byContact = rowsOf((await dashboard('?sort=lastContact')).body)
    expect(byContact.slice(0, 4)).toEqual(['FRA', 'KEN', 'BRA', 'CHN'])
    // States never contacted come last either way.
    expect(byContact.at(-1)).toBe('ZWE')
    expect(rowsOf((await dashboard('?sort=lastContact&dir=asc')).body).slice(0, 4)).toEqual([
      'CHN',
      'BRA',
      'KEN',
      'FRA',
    ])
    expect(rowsOf((await dashboard('?sort=status')).body)[0]).toBe('KEN')
    const byName = rowsOf((await dashboard('?sort=name&dir=desc')).body)
    expect(byName[0]).toBe('ZWE')
    expect(byName.at(-1)).toBe('AFG')
  })

  it('shows groups, the Council, the chart with its figures, and the replies', async () => {
    const { body } = await dashboard()
    expect(body).toMatch(/African Group<\/span>\s*<span class="group-progress__count">1 of 54 \(2%\)/)
    const council = /id="council-heading"[\s\S]*?<\/section>/.exec(body)?.[0] ?? ''
    expect(council).toContain('>France</a>')
    expect(council).toMatch(/until 20\d\d/)
    expect(body).toContain('class="coverage-chart"')
    expect(body).toMatch(/<title id="coverage-chart-title">/)
    expect(body).toMatch(/<td><time datetime="2026-05-28">28 May 2026<\/time><\/td><td class="num">4<\/td>/)
    const replies = /id="replies-heading"[\s\S]*?<\/section>/.exec(body)?.[0] ?? ''
    expect(replies).toMatch(
      />France<\/a><\/th><td class="num">2<\/td><td class="num">1<\/td><td class="num">1<\/td>/,
    )
    expect(replies).toContain('100%')
  })
})

describe('escaping', () => {
  it('leaves only our own SVG and legend unescaped in the template', () => {
    const template = fs.readFileSync(projectPath('templates/pages/canvassing/dashboard.hbs'), 'utf8')
    const raw = [...template.matchAll(/\{\{\{\s*([^}\s]+)/g)].map((m) => m[1])
    expect(raw.sort()).toEqual(['chart', 'legend', 'map'])
    const partial = fs.readFileSync(projectPath('templates/partials/canvassing-council-member.hbs'), 'utf8')
    expect(partial).not.toContain('{{{')
  })

  it('escapes what the chart interpolates', () => {
    const svg = renderCoverageChart([{ date: '2026-05-01', canvassed: 3 }], {
      on: '2026-06-01',
      idPrefix: '"><script>',
      title: '<script>alert(1)</script>',
      description: 'A & B "quoted"',
    })
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(svg).toContain('A &amp; B &quot;quoted&quot;')
  })
})
