import { describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { addEngagement } from '../../src/canvassing/engagements.service.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
await setMission(ctx, 'FRA', FRANCE)
const amina = await signInOrganizer(app, ctx, { name: 'Amina Organizer', role: 'coordinator' })

const supporter = (name: string, organization?: string) => ({
  name,
  ...(organization ? { organization } : {}),
  addressLines: ['Kenyatta Avenue 14'],
  city: 'Nairobi',
  country: 'KE',
})

/** A letter to `iso3` as a supporter writes it; `printed` as if its PDF had been downloaded. */
async function writeLetter(
  iso3: string,
  name = 'Wanjiru Kamau',
  options: { printed?: boolean; organization?: string } = {},
) {
  const letter = await createLetter(ctx, { state: iso3, supporter: supporter(name, options.organization) })
  if (options.printed) await markLetterPrinted(ctx, letter.id)
  return letter
}

const page = (url: string, cookie = amina.cookie) => app.inject({ method: 'GET', url, headers: { cookie } })
const post = (url: string, payload: Record<string, unknown>, cookie = amina.cookie) =>
  app.inject({ method: 'POST', url, headers: { cookie }, payload })
const statusOf = async (iso3: string) =>
  (await getCoverage(ctx, 'organizers')).states.find((s) => s.iso3 === iso3)?.status

describe('GET /organizers/states/:iso3', () => {
  it('sends strangers to sign in, and back here after', async () => {
    const res = await app.inject({ method: 'GET', url: '/organizers/states/fra?page=1' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(
      `/organizers/login?next=${encodeURIComponent('/organizers/states/fra?page=1')}`,
    )
  })

  it('shows the mission, the coverage status, the position and the links, whatever the case of the code', async () => {
    const res = await page('/organizers/states/FRA')
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('private, no-store')
    expect(res.body).toContain('Permanent Mission of France')
    expect(res.body).toContain('Jérôme Bonnafont')
    expect(res.body).toContain('france@un.int')
    expect(res.body).toContain('status-badge--not_contacted')
    expect(res.body).toContain('Position: Unknown')
    expect(res.body).toContain('href="/organizers/states/fra/dossier.pdf"')
    expect(res.body).toContain('href="/states/fra"')
    expect(res.body).toContain('href="/write/fra"')
    expect(res.body).toContain('Amina Organizer') // the organizer bar
    expect((await page('/organizers/states/fra')).statusCode).toBe(200)
    // A notice is one of ours or none: ?saved= cannot put words on the page.
    const odd = await page('/organizers/states/fra?saved=__proto__')
    expect(odd.statusCode).toBe(200)
    expect(odd.body).not.toContain('[object Object]')
  })

  it("shows the state's tags", async () => {
    const res = await page('/organizers/states/caf')
    expect(res.body).toContain('Hosts a peacekeeping mission')
    expect(res.body).toContain('MINUSCA')
  })

  it('answers 404 for an unknown or malformed code and a page past the last, 400 for a bad page number', async () => {
    expect((await page('/organizers/states/zzz')).statusCode).toBe(404)
    expect((await page('/organizers/states/fr1')).statusCode).toBe(404)
    expect((await page('/organizers/states/france')).statusCode).toBe(404)
    expect((await page('/organizers/states/fra?page=2')).statusCode).toBe(404)
    const bad = await page('/organizers/states/fra?page=two')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('page')
  })

  it('shows an observer state, which coverage does not count', async () => {
    const res = await page('/organizers/states/vat')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Observer state')
  })
})

describe('the engagement form', () => {
  it('logs a meeting, audited with its author, which makes a state not contacted engaged', async () => {
    expect(await statusOf('NOR')).toBe('not_contacted')
    const res = await post('/organizers/states/nor/engagements', {
      _csrf: amina.csrfToken,
      kind: 'meeting',
      occurredOn: '2026-05-28',
      text: 'Met the deputy; they will report to the capital.',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/states/nor?saved=engagement#engagements')

    expect(await statusOf('NOR')).toBe('engaged')
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'NOR' })
    expect(event).toMatchObject({ action: 'engagement.add', actor_label: 'Amina Organizer' })

    const after = await page(res.headers.location as string)
    expect(after.body).toContain('The engagement is logged.')
    expect(after.body).toContain('Met the deputy; they will report to the capital.')
    expect(after.body).toContain('status-badge--engaged')
  })

  it('shows the form again with each field at fault named (422), keeping what was typed, and logs nothing', async () => {
    const res = await post('/organizers/states/swe/engagements', {
      _csrf: amina.csrfToken,
      kind: 'dinner',
      occurredOn: '2026-07-01',
      text: 'Kept text',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('The engagement was not logged')
    expect(res.body).toContain('href="#engagement-kind"')
    expect(res.body).toContain('cannot be in the future')
    expect(res.body).toContain('aria-invalid="true" aria-describedby="engagement-occurredOn-error"')
    expect(res.body).toContain('>Kept text</textarea>')
    expect(await statusOf('SWE')).toBe('not_contacted')
    const rows = await ctx.db.selectFrom('engagement').selectAll().where('state_iso3', '=', 'SWE').execute()
    expect(rows).toEqual([])
  })

  it('refuses a form without its CSRF token (403), and sends strangers to sign in', async () => {
    const body = { kind: 'call', occurredOn: '2026-05-01', text: '' }
    expect((await post('/organizers/states/dnk/engagements', body)).statusCode).toBe(403)
    expect((await post('/organizers/states/dnk/engagements', { ...body, _csrf: 'forged' })).statusCode).toBe(
      403,
    )
    const stranger = await app.inject({
      method: 'POST',
      url: '/organizers/states/dnk/engagements',
      payload: body,
    })
    expect(stranger.statusCode).toBe(303)
    expect(stranger.headers.location).toMatch(/^\/organizers\/login/)
    expect(await statusOf('DNK')).toBe('not_contacted')
  })

  it('answers 404 for an unknown state', async () => {
    const res = await post('/organizers/states/zzz/engagements', {
      _csrf: amina.csrfToken,
      kind: 'call',
      occurredOn: '2026-05-01',
    })
    expect(res.statusCode).toBe(404)
  })
})

describe('a long engagement log', () => {
  it('shows the newest 100 entries, and all of them on request', async () => {
    for (let i = 1; i <= 103; i++) {
      await addEngagement(ctx, actorOf(amina.organizer), 'MLT', {
        kind: 'note',
        occurredOn: '2026-05-01',
        text: `Log entry number ${i}.`,
      })
    }
    const preview = (await page('/organizers/states/mlt')).body
    expect(preview).toContain('103 entries, newest first')
    expect(preview).toContain('Log entry number 103.')
    expect(preview).toContain('Log entry number 4.')
    expect(preview).not.toContain('Log entry number 3.')
    expect(preview).toContain('href="/organizers/states/mlt?page=1&amp;log=all#engagements"')
    expect(preview).toContain('Show the 3 older entries')
    const all = (await page('/organizers/states/mlt?log=all')).body
    expect(all).toContain('Log entry number 1.')
    expect(all).not.toContain('older entries')
  })
})

describe('the position form', () => {
  it('records a position with its note, keeps the history newest first, and audits it', async () => {
    for (const [position, notedOn, note] of [
      ['undecided', '2026-03-01', 'Waiting for instructions.'],
      ['supportive', '2026-05-20', 'Said so in the Fifth Committee.'],
    ]) {
      const res = await post('/organizers/states/fin/position', {
        _csrf: amina.csrfToken,
        position,
        notedOn,
        note,
      })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe('/organizers/states/fin?saved=position#position')
    }
    const body = (await page('/organizers/states/fin')).body
    expect(body).toContain('Position: Supportive')
    expect(body.indexOf('Said so in the Fifth Committee.')).toBeLessThan(
      body.indexOf('Waiting for instructions.'),
    )
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FIN' })
    expect(event).toMatchObject({ action: 'position.set', actor_label: 'Amina Organizer' })
    // A position alone does not canvass a state: nobody reached its mission yet.
    expect(await statusOf('FIN')).toBe('not_contacted')
  })

  it('names the fields at fault (422) and refuses a form without its CSRF token (403)', async () => {
    const bad = await post('/organizers/states/fin/position', {
      _csrf: amina.csrfToken,
      position: 'maybe',
      notedOn: '2026-02-30',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('href="#position-position"')
    expect(bad.body).toContain('href="#position-notedOn"')
    const forged = await post('/organizers/states/fin/position', {
      position: 'opposed',
      notedOn: '2026-05-01',
    })
    expect(forged.statusCode).toBe(403)
    expect((await page('/organizers/states/fin')).body).toContain('Position: Supportive')
  })
})

describe('letters on the page', () => {
  it('lists them newest first with their writers, 50 a page, with counts', async () => {
    for (let i = 1; i <= 52; i++)
      await writeLetter('ISL', `Writer ${String(i).padStart(2, '0')}`, {
        organization: i === 52 ? 'Friends of the Court' : undefined,
      })
    // One clock: the letters share created_at, so the newest is the last inserted.
    const first = await page('/organizers/states/isl')
    expect(first.body).toContain('1–50 of 52')
    expect(first.body).toContain('Writer 52')
    expect(first.body).toContain('Friends of the Court')
    expect(first.body).not.toContain('Writer 02<')
    expect(first.body).toContain('Page 1 of 2')
    expect(first.body).toContain('href="/organizers/states/isl?page=2#letters"')
    expect(first.body.indexOf('Writer 52')).toBeLessThan(first.body.indexOf('Writer 51'))
    const second = await page('/organizers/states/isl?page=2')
    expect(second.body).toContain('51–52 of 52')
    expect(second.body).toContain('Writer 02')
    expect(second.body).toContain('Writer 01')
    expect(second.body).not.toContain('Writer 03')
  })

  it('marks a printed letter delivered: audited, the state canvassed, and only once', async () => {
    const printed = await writeLetter('EST', 'Kadri Tamm', { printed: true })
    const unprinted = await writeLetter('EST', 'Mart Kask')
    expect(await statusOf('EST')).toBe('not_contacted')

    const before = (await page('/organizers/states/est')).body
    expect(before).toContain(`/organizers/states/est/letters/${printed.id}/delivered`)
    expect(before).not.toContain(`/letters/${unprinted.id}/delivered`)

    const url = `/organizers/states/est/letters/${printed.id}/delivered`
    expect((await post(url, {})).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(303)
    expect(await statusOf('EST')).toBe('not_contacted')

    const done = await post(url, { _csrf: amina.csrfToken, page: '1' })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/organizers/states/est?saved=delivered#letters')
    expect(await statusOf('EST')).toBe('contacted')
    const row = await ctx.db
      .selectFrom('letter')
      .selectAll()
      .where('public_id', '=', printed.id)
      .executeTakeFirstOrThrow()
    expect(row.printed_delivered_at).toBe('2026-06-01T12:00:00.000Z')
    expect(row.printed_delivered_by).toBe(amina.organizer.id)
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'letter', subjectId: printed.reference })
    expect(event).toMatchObject({ action: 'letter.delivered_by_hand', actor_label: 'Amina Organizer' })

    const after = (await page('/organizers/states/est')).body
    expect(after).toContain('Delivered by hand')
    expect(after).not.toContain(`/letters/${printed.id}/delivered`)

    const again = await post(url, { _csrf: amina.csrfToken })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('already marked delivered')
    const never = await post(`/organizers/states/est/letters/${unprinted.id}/delivered`, {
      _csrf: amina.csrfToken,
    })
    expect(never.statusCode).toBe(409)
    expect(never.body).toContain('never printed')
    // Through another state's page: no such letter there.
    const elsewhere = await post(`/organizers/states/fra/letters/${unprinted.id}/delivered`, {
      _csrf: amina.csrfToken,
    })
    expect(elsewhere.statusCode).toBe(404)
  })
})

describe('escaping', () => {
  it('shows markup typed into an engagement, a position note and a supporter name as text', async () => {
    const script = '<script>alert("x")</script>'
    await writeLetter('LVA', `Eve ${script}`, { organization: `<b>${script}</b>` })
    expect(
      (
        await post('/organizers/states/lva/engagements', {
          _csrf: amina.csrfToken,
          kind: 'note',
          occurredOn: '2026-05-01',
          text: `Note ${script}`,
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await post('/organizers/states/lva/position', {
          _csrf: amina.csrfToken,
          position: 'opposed',
          notedOn: '2026-05-01',
          note: `Pos ${script}`,
        })
      ).statusCode,
    ).toBe(303)
    const body = (await page('/organizers/states/lva')).body
    expect(body).toContain('Eve &lt;script&gt;')
    expect(body).toContain('Note &lt;script&gt;')
    expect(body).toContain('Pos &lt;script&gt;')
    expect(body).toContain('&lt;b&gt;&lt;script&gt;')
    expect(body).not.toContain('<script>')
    // Typed back into a form that failed: escaped there too.
    const failed = await post('/organizers/states/lva/engagements', {
      _csrf: amina.csrfToken,
      kind: 'note',
      occurredOn: 'soon',
      text: script,
    })
    expect(failed.statusCode).toBe(422)
    expect(failed.body).not.toContain('<script>')
    expect(failed.body).toContain('&lt;script&gt;')
  })
})
