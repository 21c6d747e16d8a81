import { describe, expect, it } from 'vitest'
import { findCouncilMembersOn } from '../../src/directory/directory.service.js'
import { seedDirectory } from '../../src/directory/directory-seed.js'
import { manualClock } from '../../src/lib/clock.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 18, item 6: organizers enter the Security Council's elected members for a term on
// /organizers/council, and correct or remove a mistaken term, audited and with history; the
// Council panels say when fewer than 15 members are on record for their date.
// @NOTE the states used here are placeholders for tests, not claims about who was elected.

const clock = manualClock('2026-12-06T12:00:00.000Z')
const { app, ctx } = await buildTestApp({ clock })
const organizer = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Pat Organizer' })
const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })

const get = (url: string, session: OrganizerSession = organizer) =>
  app.inject({ method: 'GET', url, headers: { cookie: session.cookie } })
const post = (url: string, fields: Record<string, string>, session: OrganizerSession = organizer) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
  })
const term = (
  state: string,
  firstYear: number,
  lastYear = firstYear + 1,
  note = 'GA election, test record',
) => ({
  state,
  firstYear: String(firstYear),
  lastYear: String(lastYear),
  note,
})
const seatsOf = (iso3: string) =>
  ctx.db.selectFrom('security_council_seat').selectAll().where('state_iso3', '=', iso3).execute()
const membersIn2027 = async () => (await findCouncilMembersOn(ctx, '2027-03-01')).map((s) => s.iso3)

describe('the Council panels before the 2027 members are entered', () => {
  it('say in each language that fewer than 15 members are known for the year, not silently 10', async () => {
    clock.set('2027-01-02T12:00:00.000Z')
    try {
      expect(await membersIn2027()).toHaveLength(10)
      const expected = {
        en: 'Only 10 of the Security Council’s 15 members are on record for 2027',
        fr: 'Seuls 10 des 15 membres du Conseil de sécurité sont connus pour 2027',
        es: 'Para 2027 solo constan 10 de los 15 miembros del Consejo de Seguridad',
        ru: 'На 2027 год известны лишь 10 из 15 членов Совета Безопасности',
        zh: '2027年安全理事会的15个成员中，目前仅有10个记录在案',
        ar: 'لم يُسجَّل لعام 2027 سوى 10 من أعضاء مجلس الأمن البالغ عددهم 15 عضوًا',
      }
      for (const [lang, text] of Object.entries(expected)) {
        const page = await app.inject({ method: 'GET', url: `/progress?lang=${lang}` })
        expect(page.statusCode, lang).toBe(200)
        expect(page.body, lang).toContain(text)
      }
      // A session of the day (one from December would have lapsed by January).
      const january = await signInOrganizer(app, ctx, { role: 'viewer' })
      const dashboard = await get('/organizers', january)
      expect(dashboard.statusCode).toBe(200)
      expect(dashboard.body).toContain('Only 10 of the Council’s 15 members are on record for 2027')
    } finally {
      clock.set('2026-12-06T12:00:00.000Z')
    }
  })

  it('say nothing of the kind when all 15 are known (2026)', async () => {
    expect((await app.inject({ method: 'GET', url: '/progress?lang=en' })).body).not.toContain(
      'council-incomplete',
    )
    expect((await get('/organizers')).body).not.toContain('council-incomplete')
  })
})

describe('who may keep the terms', () => {
  it('organizers with directory.edit; viewers are refused and not shown the link', async () => {
    expect((await get('/organizers/council', viewer)).statusCode).toBe(403)
    expect((await post('/organizers/council', term('NOR', 2027), viewer)).statusCode).toBe(403)
    expect((await get('/organizers', viewer)).body).not.toContain('href="/organizers/council"')
    expect((await get('/organizers')).body).toContain('href="/organizers/council"')
    const page = await get('/organizers/council')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('2027: 10 of 15 members known (5 of 10 elected seats)')
    expect(await seatsOf('NOR')).toHaveLength(0)
  })

  it('refuses a form without its CSRF token', async () => {
    const res = await post('/organizers/council', { ...term('NOR', 2027), _csrf: 'forged.token' })
    expect(res.statusCode).toBe(403)
    expect(await seatsOf('NOR')).toHaveLength(0)
  })
})

describe('adding the members elected for a term', () => {
  it('a term added shows on the Council panel for a date in 2027, audited and in the history', async () => {
    const res = await post('/organizers/council', term('NOR', 2027))
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/council?done=added')
    expect(await membersIn2027()).toContain('NOR')
    expect(await membersIn2027()).toHaveLength(11)
    expect(await findCouncilMembersOn(ctx, '2026-06-01')).not.toContainEqual(
      expect.objectContaining({ iso3: 'NOR' }),
    )
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'NOR' })
    expect(audit).toMatchObject({ action: 'council_term.add', actor_label: 'Pat Organizer' })
    const page = (await get('/organizers/council?done=added')).body
    expect(page).toContain('Added NOR 2027–2028')
    expect(page).toContain('2027: 11 of 15 members known (6 of 10 elected seats)')
    clock.set('2027-02-01T12:00:00.000Z')
    try {
      const progress = (await app.inject({ method: 'GET', url: '/progress?lang=en' })).body
      expect(progress).toContain('href="/states/nor"')
      expect(progress).toContain('Only 11 of the Security Council’s 15 members')
    } finally {
      clock.set('2026-12-06T12:00:00.000Z')
    }
  })

  it('refuses bad input, naming the field, and stores nothing', async () => {
    const cases: [Record<string, string>, string, number][] = [
      [term('', 2027), 'state', 422],
      [term('XXX', 2027), 'state', 409],
      [term('PSE', 2027), 'state', 409], // an observer state
      [term('FRA', 2027), 'state', 409], // a permanent member
      [term('SWE', 27), 'firstYear', 422],
      [term('SWE', 2027, 2026), 'lastYear', 422],
      [term('SWE', 2027, 2029), 'lastYear', 422],
      [term('SWE', 2027, 2028, ''), 'note', 422],
      [term('LVA', 2027), 'firstYear', 409], // Latvia's seeded 2026–2027 term overlaps
      [term('NOR', 2028), 'firstYear', 409], // overlaps the term just added
    ]
    for (const [fields, field, status] of cases) {
      const res = await post('/organizers/council', fields)
      const where = JSON.stringify(fields)
      expect(res.statusCode, where).toBe(status)
      expect(res.body, where).toContain(`href="#${field}"`)
      expect(res.body, where).toContain(`id="${field}-error"`)
    }
    expect(await seatsOf('SWE')).toHaveLength(0)
    expect(await seatsOf('NOR')).toHaveLength(1)
    expect(await seatsOf('LVA')).toHaveLength(1)
  })

  it('refuses an eleventh elected seat in a year, naming the year that is full', async () => {
    for (const iso3 of ['AUT', 'BEL', 'CAN', 'DEU'])
      expect((await post('/organizers/council', term(iso3, 2027))).statusCode, iso3).toBe(303)
    expect(await membersIn2027()).toHaveLength(15)
    const full = await post('/organizers/council', term('ESP', 2027))
    expect(full.statusCode).toBe(409)
    expect(full.body).toContain('href="#firstYear"')
    expect(full.body).toContain('2027 already has 10 elected members')
    expect(await seatsOf('ESP')).toHaveLength(0)
    // The panel now says nothing: 15 known.
    clock.set('2027-02-01T12:00:00.000Z')
    try {
      expect((await app.inject({ method: 'GET', url: '/progress?lang=en' })).body).not.toContain(
        'council-incomplete',
      )
    } finally {
      clock.set('2026-12-06T12:00:00.000Z')
    }
  })
})

describe('correcting and removing a mistaken term', () => {
  const termId = async (iso3: string) => (await seatsOf(iso3))[0]!.id

  it('a correction replaces the term, keeps the mistaken one in the history and is audited', async () => {
    const id = await termId('DEU')
    const missingReason = await post(`/organizers/council/${id}`, term('DNK', 2027, 2028, ''))
    expect(missingReason.statusCode).toBe(422)
    expect(missingReason.body).toContain('href="#note"')
    // Denmark's seeded 2025–2026 term does not overlap 2027–2028, but 2026–2027 would.
    const overlap = await post(`/organizers/council/${id}`, term('DNK', 2026, 2027, 'wrong state'))
    expect(overlap.statusCode).toBe(409)
    expect(overlap.body).toContain('href="#firstYear"')
    expect(await seatsOf('DEU')).toHaveLength(1)

    const res = await post(
      `/organizers/council/${id}`,
      term('IRL', 2027, 2028, 'Ireland was elected, not Germany'),
    )
    expect(res.statusCode).toBe(303)
    expect(await seatsOf('DEU')).toHaveLength(0)
    expect((await seatsOf('IRL')).map((s) => [s.term_start_year, s.term_end_year])).toEqual([[2027, 2028]])
    const members = await membersIn2027()
    expect(members).toContain('IRL')
    expect(members).not.toContain('DEU')
    const history = await ctx.db
      .selectFrom('council_term_change')
      .selectAll()
      .where('action', '=', 'correct')
      .execute()
    expect(history).toEqual([
      expect.objectContaining({
        before_iso3: 'DEU',
        before_first_year: 2027,
        after_iso3: 'IRL',
        reason: 'Ireland was elected, not Germany',
        actor_label: 'Pat Organizer',
      }),
    ])
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'IRL' })
    expect(audit?.action).toBe('council_term.correct')
    expect(JSON.parse(audit!.details)).toMatchObject({ before: { iso3: 'DEU' }, after: { iso3: 'IRL' } })
    expect((await get('/organizers/council')).body).toContain('Corrected DEU 2027–2028 to IRL 2027–2028')
  })

  it('a correction may keep the same state and move the years (it is not its own overlap)', async () => {
    const id = await termId('AUT')
    expect(
      (await post(`/organizers/council/${id}`, term('AUT', 2027, 2027, 'a split term'))).statusCode,
    ).toBe(303)
    expect((await seatsOf('AUT')).map((s) => s.term_end_year)).toEqual([2027])
  })

  it('a removal needs a reason, keeps the term in the history and is audited', async () => {
    const id = await termId('CAN')
    const noReason = await post(`/organizers/council/${id}/remove`, { note: '' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.body).toContain('href="#removeNote"')
    expect(await seatsOf('CAN')).toHaveLength(1)
    expect((await post(`/organizers/council/${id}/remove`, { note: 'entered by mistake' })).statusCode).toBe(
      303,
    )
    expect(await seatsOf('CAN')).toHaveLength(0)
    expect(await membersIn2027()).not.toContain('CAN')
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'CAN' })
    expect(audit?.action).toBe('council_term.remove')
    expect((await get('/organizers/council')).body).toContain('Removed CAN 2027–2028')
  })

  it('the permanent members cannot be corrected or removed', async () => {
    const [france] = await seatsOf('FRA')
    const res = await post(`/organizers/council/${france!.id}/remove`, { note: 'no' })
    expect(res.statusCode).toBe(409)
    expect(await seatsOf('FRA')).toHaveLength(1)
  })

  it('a restart (the seed runs again) keeps organizers’ terms and does not bring back a seeded term they removed', async () => {
    const latvia = await termId('LVA')
    expect(
      (await post(`/organizers/council/${latvia}/remove`, { note: 'test: seeded term removed' })).statusCode,
    ).toBe(303)
    const before = (await findCouncilMembersOn(ctx, '2027-03-01')).map((s) => s.iso3).sort()
    await seedDirectory(ctx)
    const after = (await findCouncilMembersOn(ctx, '2027-03-01')).map((s) => s.iso3).sort()
    expect(after).toEqual(before)
    expect(after).not.toContain('LVA')
    expect(after).toContain('IRL')
    // The seed's other terms are still there, the permanent members too.
    expect(after).toEqual(
      expect.arrayContaining(['BHR', 'COD', 'COL', 'LBR', 'CHN', 'FRA', 'GBR', 'RUS', 'USA']),
    )
  })
})
