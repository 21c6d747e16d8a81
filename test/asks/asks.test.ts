import { beforeAll, describe, expect, it } from 'vitest'
import { createAsk, currentAskIdFor, listAsks, resolveAskTargets } from '../../src/asks/index.js'
import { getAskDetail, getAsksOverview } from '../../src/canvassing/ask-figures.js'
import type { EngagementKind, Position } from '../../src/db/schema.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { buildTestApp } from '../helpers/test-app.js'

// Asks on the run's engine: each kind of target resolves to the states the directory records for
// it (recounted here from its tables), a new letter lands in the right ask, the figures match a
// recount from the letters, engagements and positions, and the API answers them and its errors.

const { app, ctx } = await buildTestApp()
const db = ctx.db

const letterTo = (state: string) =>
  createLetter(ctx, { state, language: 'en', supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' } })
const engage = (state_iso3: string, kind: EngagementKind) =>
  db
    .insertInto('engagement')
    .values({
      state_iso3,
      kind,
      occurred_on: '2026-05-20',
      text: '',
      source: 'organizer',
      created_at: ctx.clock.nowIso(),
    })
    .execute()
const notePosition = (state_iso3: string, position: Position) =>
  db
    .insertInto('state_position')
    .values({ state_iso3, position, noted_on: '2026-05-30', note: '', created_at: ctx.clock.nowIso() })
    .execute()
const askOf = async (publicId: string) =>
  (await db.selectFrom('letter').select('ask_id').where('public_id', '=', publicId).executeTakeFirstOrThrow())
    .ask_id

const memberCodes = async () =>
  (
    await db.selectFrom('state').select('iso3').where('membership', '=', 'member').orderBy('iso3').execute()
  ).map((r) => r.iso3)

describe('the targets of each kind of ask', () => {
  const target = (kind: Parameters<typeof resolveAskTargets>[1]['target_kind'], more = {}) =>
    resolveAskTargets(ctx, { target_kind: kind, target_council_on: null, target_group: null, ...more })

  it('all member states: the 193, observers left out', async () => {
    const all = await target('all_members')
    expect(all).toHaveLength(193)
    expect(all).toEqual(await memberCodes())
    expect(all).not.toContain('VAT')
  })

  it('the Security Council on a date: the members seated that year, as recorded', async () => {
    for (const on of ['2026-06-01', '2024-03-15']) {
      const year = Number(on.slice(0, 4))
      const seated = await db
        .selectFrom('security_council_seat')
        .select('state_iso3')
        .where('term_start_year', '<=', year)
        .where((eb) => eb.or([eb('term_end_year', 'is', null), eb('term_end_year', '>=', year)]))
        .orderBy('state_iso3')
        .execute()
      const council = await target('security_council', { target_council_on: on })
      expect(council).toEqual(seated.map((r) => r.state_iso3))
      expect(council).toHaveLength(15)
      expect(council).toEqual(expect.arrayContaining(['CHN', 'FRA', 'GBR', 'RUS', 'USA']))
    }
    // The elected members differ from one term to the next.
    expect(await target('security_council', { target_council_on: '2026-06-01' })).not.toEqual(
      await target('security_council', { target_council_on: '2024-03-15' }),
    )
  })

  it('troop and police contributors, and mission hosts: the states tagged so', async () => {
    const tagged = async (tags: string[]) =>
      (
        await db
          .selectFrom('state_tag')
          .select('state_iso3')
          .distinct()
          .where('tag', 'in', tags as never)
          .orderBy('state_iso3')
          .execute()
      ).map((r) => r.state_iso3)
    const contributors = await target('troop_police_contributors')
    expect(contributors.length).toBeGreaterThan(0)
    expect(contributors).toEqual(await tagged(['troop_contributor', 'police_contributor']))
    const hosts = await target('mission_hosts')
    expect(hosts.length).toBeGreaterThan(0)
    expect(hosts).toEqual(await tagged(['peacekeeping_host']))
    expect(hosts).toContain('COD')
    // A tag an organizer adds counts at once.
    await db
      .insertInto('state_tag')
      .values({
        state_iso3: 'NPL',
        tag: 'police_contributor',
        note: null,
        source: 'test',
        created_at: ctx.clock.nowIso(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute()
    expect(await target('troop_police_contributors')).toContain('NPL')
  })

  it('a regional group, and a hand-picked list (member states only)', async () => {
    const african = (
      await db
        .selectFrom('state')
        .select('iso3')
        .where('membership', '=', 'member')
        .where('regional_group', '=', 'african')
        .orderBy('iso3')
        .execute()
    ).map((r) => r.iso3)
    expect(african.length).toBeGreaterThan(50)
    expect(await target('regional_group', { target_group: 'african' })).toEqual(african)
    expect(await target('state_list', { states: ['KEN', 'VAT', 'BRA'] })).toEqual(['BRA', 'KEN'])
    await expect(
      createAsk(ctx, SHELL_ACTOR, {
        title: 'Two',
        purpose: '',
        targetKind: 'state_list',
        states: ['KEN', 'VAT'],
        startsOn: '2026-06-01',
      }),
    ).rejects.toMatchObject({ errors: { states: 'Not UN member states: VAT' } })
  })
})

describe('letters within asks, and the figures', () => {
  let first: number
  let council: number
  let hosts: number
  const letters: Record<string, string> = {}

  beforeAll(async () => {
    first = (await listAsks(ctx))[0]!.id
    council = await createAsk(ctx, SHELL_ACTOR, {
      title: 'The Security Council',
      purpose: 'Council members first',
      targetKind: 'security_council',
      councilOn: '2026-06-01',
      goals: { statesCanvassed: 15, supportiveStates: 5, letters: 4 },
      startsOn: '2026-05-01',
    })
    // Ended before today: no letter is written within it any more.
    hosts = await createAsk(ctx, SHELL_ACTOR, {
      title: 'Hosts',
      purpose: 'Hosting states',
      targetKind: 'mission_hosts',
      startsOn: '2026-01-01',
      endsOn: '2026-05-31',
    })
  })

  it('records a new letter in the newest running ask aimed at its state, else in the first', async () => {
    letters.FRA = (await letterTo('FRA')).id
    letters.USA = (await letterTo('USA')).id
    letters.KEN = (await letterTo('KEN')).id
    letters.CAF = (await letterTo('CAF')).id
    expect(await askOf(letters.FRA)).toBe(council)
    expect(await askOf(letters.USA)).toBe(council)
    expect(await askOf(letters.KEN)).toBe(first)
    // CAF is a host (not on the Council), but the hosts' ask ended yesterday.
    expect(await askOf(letters.CAF)).toBe(first)
    expect(await currentAskIdFor(ctx, 'CAF')).toBe(first)
    // A newer running ask aimed at the same state takes its letters.
    const newer = await createAsk(ctx, SHELL_ACTOR, {
      title: 'Permanent five',
      purpose: '',
      targetKind: 'state_list',
      states: ['FRA', 'GBR'],
      startsOn: '2026-05-20',
    })
    letters.FRA2 = (await letterTo('FRA')).id
    expect(await askOf(letters.FRA2)).toBe(newer)
    expect(await askOf(letters.FRA)).toBe(council)
    expect(hosts).toBeGreaterThan(first)
  })

  it('gives each ask’s figures as a recount of letters, engagements and positions gives them', async () => {
    await engage('FRA', 'meeting')
    await engage('KEN', 'call')
    await engage('USA', 'note') // not a contact: USA stays not canvassed
    await notePosition('FRA', 'supportive')
    await notePosition('KEN', 'committed')
    await notePosition('USA', 'supportive')
    await notePosition('USA', 'opposed') // the latest position counts
    const overview = await getAsksOverview(ctx, 'organizers')
    for (const { ask, figures, goals } of overview.asks) {
      const targets = ask.targetStates
      const lettersIn = await db
        .selectFrom('letter')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('ask_id', '=', ask.id)
        .executeTakeFirstOrThrow()
      const contacted = new Set(
        (
          await db
            .selectFrom('engagement')
            .select('state_iso3')
            .where('kind', 'in', ['meeting', 'call', 'reply_received', 'acknowledgement'])
            .execute()
        ).map((r) => r.state_iso3),
      )
      const positions = await db
        .selectFrom('state_position')
        .select(['state_iso3', 'position'])
        .orderBy('id')
        .execute()
      const latest = new Map(positions.map((p) => [p.state_iso3, p.position]))
      expect(figures).toEqual({
        targetedStates: targets.length,
        canvassedStates: targets.filter((s) => contacted.has(s)).length,
        supportiveStates: targets.filter((s) => ['supportive', 'committed'].includes(latest.get(s) ?? ''))
          .length,
        letters: Number(lettersIn.n),
      })
      if (ask.id === council) {
        expect(figures).toEqual({ targetedStates: 15, canvassedStates: 1, supportiveStates: 1, letters: 2 })
        expect(goals).toEqual({
          statesCanvassed: { goal: 15, reached: 1, percent: 6.7 },
          supportiveStates: { goal: 5, reached: 1, percent: 20 },
          letters: { goal: 4, reached: 2, percent: 50 },
        })
      }
      if (ask.id === first) {
        expect(figures).toMatchObject({
          targetedStates: 193,
          canvassedStates: 2,
          supportiveStates: 2,
          letters: 2,
        })
        expect(await askOf(letters.KEN!)).toBe(first)
        expect(goals.statesCanvassed).toEqual({ goal: 193, reached: 2, percent: 1 })
        expect(goals.letters).toBeNull()
      }
    }
    const all = await db
      .selectFrom('letter')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(overview.campaign).toEqual({
      targetedStates: 193,
      canvassedStates: 2,
      supportiveStates: 2,
      letters: Number(all.n),
    })
    const detail = await getAskDetail(ctx, council, 'organizers')
    expect(detail.states).toHaveLength(15)
    expect(detail.states.find((s) => s.iso3 === 'FRA')).toMatchObject({
      canvassed: true,
      supportive: true,
      letters: 1,
    })
    expect(detail.states.find((s) => s.iso3 === 'USA')).toMatchObject({
      canvassed: false,
      supportive: false,
      letters: 1,
    })
  })
})

describe('GET /api/asks', () => {
  it('lists every ask with its figures and the campaign’s, without anyone’s data', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/asks' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.on).toBe('2026-06-01')
    expect(body.asks.length).toBe((await listAsks(ctx)).length)
    expect(body.asks[0]).toMatchObject({
      title: 'All 193 member states',
      target: { kind: 'all_members', councilOn: null, group: null },
      figures: { targetedStates: 193 },
      goals: { statesCanvassed: { goal: 193 }, supportiveStates: null, letters: null },
    })
    expect(body.campaign.targetedStates).toBe(193)
    // The first ask starts on the day migration 0019 ran on this empty database (no letter yet).
    expect(body.asks[0].running).toBe(body.asks[0].startsOn <= '2026-06-01')
    expect(body.asks.find((a: { title: string }) => a.title === 'Hosts').running).toBe(false)
    expect(res.body).not.toContain('Ada Obi')
  })

  it('answers one ask with its target states', async () => {
    const council = (await listAsks(ctx)).find((a) => a.target.kind === 'security_council')!
    const res = await app.inject({ method: 'GET', url: `/api/asks/${council.id}` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.id).toBe(council.id)
    expect(body.states.map((s: { iso3: string }) => s.iso3).sort()).toEqual(council.targetStates)
    expect(body.figures.targetedStates).toBe(15)
  })

  it('answers 404 for an unknown ask and 400 naming the id for a bad one', async () => {
    const missing = await app.inject({ method: 'GET', url: '/api/asks/9999' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().message).toBe('There is no ask with the id 9999')
    for (const bad of ['abc', '0', '-3', '1.5']) {
      const res = await app.inject({ method: 'GET', url: `/api/asks/${bad}` })
      expect(res.statusCode, bad).toBe(400)
      expect(res.json()).toMatchObject({ code: 'invalid_parameter', field: 'id' })
    }
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/asks', '/api/asks/{id}']))
  })
})
