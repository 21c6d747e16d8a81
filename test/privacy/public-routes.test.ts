import { describe, expect, it } from 'vitest'
import { editMission, getMissionForEdit } from '../../src/directory/directory-upkeep.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { confirmedLetter, FRANCE_EMAIL, pass, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { listRoutes } from '../helpers/route-list.js'
import { buildTestApp } from '../helpers/test-app.js'

// What a supporter or organizer typed, made unmistakable so any leak is found by a plain search.
const SECRETS = {
  name: 'Zebulon Quartermaine-Privacy',
  email: 'zebulon.leak@example.org',
  organization: 'Quartermaine Leak Foundation',
  address: '99 Leakwatch Lane',
  city: 'Leaksville',
  note: 'A private paragraph that must stay between the writer and the mission.',
  engagement: 'Met the deputy in private; she asked us not to quote her.',
  positionNote: 'Internal: their legal adviser hinted at support.',
  organizer: 'Zed Quill',
}

// Routes whose whole point is to show one person their own letter: reached only with an
// unguessable id or link token (tested where they are built). Everything else is public.
const PERSONAL_BY_DESIGN = [
  /^\/letters\/:id/,
  /^\/api\/letters\/:id/,
  /^\/confirm\/:token/,
  /^\/replies\/:token/,
  /^\/members\/:publicId/,
  /^\/join\/confirm\/:token/,
  /^\/privacy\/erase\/:token/,
]
const ORGANIZERS_ONLY = [
  /^\/organizers/,
  /^\/api\/organizers/,
  /^\/api\/letters\/print/,
  /^\/api\/states\/:iso3\/engagements/,
]

describe('public pages and API', async () => {
  const { app, ctx } = await buildTestApp()
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  const transport = transportFor(ctx)
  // One letter delivered by e-mail (it canvasses France), one printed, one draft.
  await confirmedLetter(ctx, transport, { email: SECRETS.email, name: SECRETS.name })
  await pass(ctx, transport)
  await createLetter(ctx, {
    state: 'KEN',
    template: 'organization',
    language: 'en',
    supporter: {
      name: SECRETS.name,
      organization: SECRETS.organization,
      addressLines: [SECRETS.address],
      city: SECRETS.city,
      country: 'KE',
      email: SECRETS.email,
    },
    personalNote: SECRETS.note,
  })
  const now = ctx.clock.nowIso()
  await ctx.db
    .insertInto('engagement')
    .values({
      state_iso3: 'KEN',
      kind: 'meeting',
      occurred_on: '2026-05-20',
      text: SECRETS.engagement,
      source: 'organizer',
      created_at: now,
    })
    .execute()
  await ctx.db
    .insertInto('state_position')
    .values({
      state_iso3: 'KEN',
      position: 'undecided',
      noted_on: '2026-05-21',
      note: SECRETS.positionNote,
      created_at: now,
    })
    .execute()

  await ctx.db
    .insertInto('member')
    .values({
      public_id: 'privacy-test-member-00001',
      kind: 'organization',
      status: 'active',
      email: SECRETS.email,
      name: SECRETS.name,
      country: 'KE',
      organization_name: SECRETS.organization,
      helps: '[]',
      source: 'join_form',
      consent_updates: 1,
      consent_version: 'test',
      consent_at: now,
      confirmed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute()

  // An organizer corrects Kenya's mission (its telephone): the public sees the campaign did.
  const editor = await signInOrganizer(app, ctx, { name: SECRETS.organizer })
  const kenya = await getMissionForEdit(ctx, 'KEN')
  await editMission(ctx, actorOf(editor.organizer), 'KEN', {
    details: { ...kenya.details, phone: '+1 212 421 4740' },
    baseVersion: kenya.version,
  })

  const routes = listRoutes(app).filter(
    (route) =>
      route.method === 'GET' &&
      !PERSONAL_BY_DESIGN.some((pattern) => pattern.test(route.url)) &&
      !ORGANIZERS_ONLY.some((pattern) => pattern.test(route.url)) &&
      !route.url.includes('*') &&
      !route.url.startsWith('/docs/static'),
  )

  it('include the coverage and the states (the walk found them)', () => {
    expect(routes.map((route) => route.url)).toEqual(
      expect.arrayContaining([
        '/progress',
        '/api/coverage',
        '/states/:iso3',
        '/api/states/:iso3',
        '/write/:iso3',
        '/join',
        '/privacy',
        '/privacy/erase',
      ]),
    )
  })

  it('show no supporter’s name, e-mail, address or paragraph, nor any organizer note', async () => {
    const checked: string[] = []
    for (const route of routes) {
      for (const iso3 of ['fra', 'ken']) {
        const url = route.url.replace(':iso3', iso3)
        const response = await app.inject({ method: 'GET', url })
        expect(response.statusCode, url).toBeLessThan(500)
        for (const [what, secret] of Object.entries(SECRETS)) {
          expect(response.body.includes(secret), `${url} shows the ${what}`).toBe(false)
        }
        checked.push(url)
        if (!route.url.includes(':iso3')) break
      }
    }
    expect(checked.length).toBeGreaterThan(10)
  })

  it('say a mission was edited by the campaign, never by which organizer', async () => {
    const page = await app.inject({ method: 'GET', url: '/states/ken' })
    expect(page.body).toContain('+1 212 421 4740')
    expect(page.body).toContain('edited by the campaign on')
    expect(page.body).not.toContain(SECRETS.organizer)
    const api = (await app.inject({ method: 'GET', url: '/api/states/ken' })).json()
    expect(api.mission.source).toEqual({ kind: 'organizer', ref: 'the campaign', date: '2026-06-01' })
    expect(api.fieldSources.phone).toEqual(api.mission.source)
    expect(api.history[0].mission.source).toEqual(api.mission.source)
    const list = await app.inject({ method: 'GET', url: '/api/states?q=kenya' })
    expect(list.body).toContain('"ref":"the campaign"')
    expect(list.body).not.toContain(SECRETS.organizer)
  })

  it('still count those letters (the facts are there, the people are not)', async () => {
    const coverage = (await app.inject({ method: 'GET', url: '/api/coverage' })).json()
    expect(JSON.stringify(coverage)).toMatch(/"FRA"/)
    expect(coverage.totals.canvassed).toBeGreaterThanOrEqual(2)
    // The secrets are in the database: their absence above is the pages' doing.
    const stored = await ctx.db
      .selectFrom('letter')
      .select(['supporter_name', 'supporter_email'])
      .where('supporter_name', '=', SECRETS.name)
      .execute()
    expect(stored).toHaveLength(2)
    expect(stored.every((row) => row.supporter_email === SECRETS.email)).toBe(true)
  })
})
