import { describe, expect, it } from 'vitest'
import type { OrganizerRole } from '../../src/db/schema.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// /organizers/asks: every organizer reads the asks and their figures; coordinators and admins
// (asks.manage) create one, with the CSRF token; each creation is audited; bad fields are named.

const { app, ctx } = await buildTestApp()
const sessions = {} as Record<OrganizerRole, OrganizerSession>
for (const role of ['viewer', 'organizer', 'coordinator'] as const)
  sessions[role] = await signInOrganizer(app, ctx, { role, name: `Pat ${role}` })

const get = (role: OrganizerRole, url: string) =>
  app.inject({ method: 'GET', url, headers: { cookie: sessions[role].cookie } })
const post = (
  role: OrganizerRole,
  fields: Record<string, string>,
  csrf = sessions[role].csrfToken,
  url = '/organizers/asks',
) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: sessions[role].cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  })
const asks = () => ctx.db.selectFrom('ask').selectAll().orderBy('id').execute()

const COUNCIL = {
  title: 'Council wave',
  purpose: 'The fifteen first',
  targetKind: 'security_council',
  councilOn: '2026-06-01',
  goalStatesCanvassed: '15',
  goalLetters: '30',
  startsOn: '2026-05-15',
}

describe('/organizers/asks', () => {
  it('lists the asks with their figures to every organizer, the form only to those who may create', async () => {
    for (const role of ['viewer', 'organizer'] as const) {
      const page = await get(role, '/organizers/asks')
      expect(page.statusCode, role).toBe(200)
      expect(page.body).toContain('All 193 member states')
      expect(page.body).not.toContain('action="/organizers/asks"')
      expect((await post(role, COUNCIL)).statusCode, role).toBe(403)
    }
    expect(await asks()).toHaveLength(1)
    expect((await get('coordinator', '/organizers/asks')).body).toContain('action="/organizers/asks"')
    expect((await get('viewer', '/organizers')).body).toContain('href="/organizers/asks"')
  })

  it('refuses a creation without its CSRF token', async () => {
    expect((await post('coordinator', COUNCIL, '')).statusCode).toBe(403)
    expect(await asks()).toHaveLength(1)
  })

  it('names each field at fault, and keeps what was typed', async () => {
    const res = await post('coordinator', {
      ...COUNCIL,
      title: '',
      councilOn: '',
      goalLetters: 'many',
      endsOn: '2026-01-01',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('Give the ask a title')
    expect(res.body).toContain('Give the day whose Security Council is aimed at (YYYY-MM-DD)')
    expect(res.body).toContain('A goal is a whole number of at least 1, or none')
    expect(res.body).toContain('Give a last day (YYYY-MM-DD) on or after the first')
    expect(res.body).toContain('href="#goalLetters"')
    expect(res.body).toContain('value="many"')
    expect(await asks()).toHaveLength(1)
  })

  it('creates an ask, audited, whose figures the page then shows and whose letters land in it', async () => {
    const res = await post('coordinator', COUNCIL)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/asks?done=created')
    const made = (await asks())[1]!
    expect(made).toMatchObject({
      title: 'Council wave',
      target_kind: 'security_council',
      target_council_on: '2026-06-01',
      goal_states_canvassed: 15,
      goal_supportive_states: null,
      goal_letters: 30,
      starts_on: '2026-05-15',
      ends_on: null,
    })
    const audit = (await listAuditEvents(ctx.db, {})).find((e) => e.action === 'ask.create')
    expect(audit).toMatchObject({
      subject_type: 'ask',
      subject_id: String(made.id),
      actor_label: 'Pat coordinator',
    })
    const letter = await createLetter(ctx, {
      state: 'GBR',
      language: 'en',
      supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' },
    })
    const row = await ctx.db
      .selectFrom('letter')
      .select('ask_id')
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    expect(row.ask_id).toBe(made.id)
    const page = (await get('viewer', '/organizers/asks')).body
    const rowHtml = page.slice(page.indexOf(`data-ask="${made.id}"`))
    expect(rowHtml).toMatch(/<td>15<\/td>\s*<td>0<\/td>\s*<td>0<\/td>\s*<td>1<\/td>/)
    expect(rowHtml).toContain('1 of 30 letters (3.3%)')
  })

  it('edits an ask, audited with what it was, its letters staying in it', async () => {
    const made = (await asks())[1]!
    const url = `/organizers/asks/${made.id}`
    expect((await get('organizer', `${url}/edit`)).statusCode).toBe(403)
    expect((await post('organizer', { ...COUNCIL, title: 'Refused' }, undefined, url)).statusCode).toBe(403)
    const form = await get('coordinator', `${url}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="Council wave"')
    expect(form.body).toContain('value="2026-06-01"')
    expect((await get('coordinator', '/organizers/asks/9999/edit')).statusCode).toBe(404)
    expect((await get('coordinator', '/organizers/asks/abc/edit')).statusCode).toBe(400)

    const bad = await post(
      'coordinator',
      { ...COUNCIL, targetKind: 'state_list', states: 'KEN, XXX' },
      undefined,
      url,
    )
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('Not UN member states: XXX')
    expect((await asks())[1]).toEqual(made)

    const saved = await post(
      'coordinator',
      { ...COUNCIL, title: 'Two states', targetKind: 'state_list', states: 'ken bra', goalLetters: '' },
      undefined,
      url,
    )
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/organizers/asks?done=saved')
    expect((await asks())[1]).toMatchObject({
      title: 'Two states',
      target_kind: 'state_list',
      target_council_on: null,
      goal_letters: null,
    })
    const picked = await ctx.db
      .selectFrom('ask_state')
      .select('state_iso3')
      .where('ask_id', '=', made.id)
      .orderBy('state_iso3')
      .execute()
    expect(picked.map((r) => r.state_iso3)).toEqual(['BRA', 'KEN'])
    const audit = (await listAuditEvents(ctx.db, { subjectType: 'ask', subjectId: String(made.id) })).find(
      (e) => e.action === 'ask.edit',
    )
    expect(JSON.parse(audit!.details)).toMatchObject({
      before: { title: 'Council wave', target_kind: 'security_council', goal_letters: 30 },
      after: { title: 'Two states', target_kind: 'state_list', states: ['KEN', 'BRA'] },
    })
    // The GBR letter written within it stays there, though GBR is no longer aimed at.
    const gbr = await ctx.db.selectFrom('letter').select('ask_id').where('state_iso3', '=', 'GBR').execute()
    expect(gbr).toEqual([{ ask_id: made.id }])
  })

  it('shows each ask’s figures on the dashboard too', async () => {
    const made = (await asks())[1]!
    const page = (await get('viewer', '/organizers')).body
    expect(page).toContain('<h2 id="dashboard-asks-heading">By ask</h2>')
    const first = page.slice(page.indexOf('data-ask="1"'))
    expect(first).toMatch(/All 193 member states<\/td>\s*<td class="num">193<\/td>/)
    expect(first).toContain('0 of 193 states canvassed (0%)')
    const row = page.slice(page.indexOf(`data-ask="${made.id}"`))
    // Two hand-picked states, none canvassed or supportive, the one GBR letter written within it.
    expect(row).toMatch(
      /<td class="num">2<\/td>\s*<td class="num">0<\/td>\s*<td class="num">0<\/td>\s*<td class="num">1<\/td>/,
    )
  })
})
