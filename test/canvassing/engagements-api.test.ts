import { describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
const bongani = await signInOrganizer(app, ctx, { name: 'Bongani Organizer' })

const url = (iso3: string) => `/api/states/${iso3}/engagements`
const statusOf = async (iso3: string) =>
  (await getCoverage(ctx, 'organizers')).states.find((s) => s.iso3 === iso3)?.status
const add = (iso3: string, payload: unknown, headers = bongani.apiHeaders) =>
  app.inject({ method: 'POST', url: url(iso3), headers, payload: payload as Record<string, unknown> })

describe('POST /api/states/:iso3/engagements', () => {
  it('logs an engagement (201), audited with its author; a reply makes the state replied', async () => {
    expect(await statusOf('CHL')).toBe('not_contacted')
    const res = await add('chl', {
      kind: 'reply_received',
      occurredOn: '2026-05-30',
      text: 'A letter from the Ambassador.',
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      iso3: 'CHL',
      kind: 'reply_received',
      occurredOn: '2026-05-30',
      text: 'A letter from the Ambassador.',
      source: 'organizer',
      author: 'Bongani Organizer',
      letterReference: null,
    })
    expect(await statusOf('CHL')).toBe('replied')
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'CHL' })
    expect(event).toMatchObject({ action: 'engagement.add', actor_label: 'Bongani Organizer' })
  })

  it('refuses strangers (401) and a change without a valid x-csrf-token (403), before reading the body', async () => {
    const body = { kind: 'meeting', occurredOn: '2026-05-30' }
    const stranger = await add('arg', body, {})
    expect(stranger.statusCode).toBe(401)
    expect(stranger.json().code).toBe('unauthorized')
    const noToken = await add('arg', body, { cookie: bongani.cookie })
    expect(noToken.statusCode).toBe(403)
    expect(noToken.json()).toMatchObject({ code: 'csrf_invalid', field: '_csrf' })
    const wrongToken = await add(
      'arg',
      { nonsense: true },
      { cookie: bongani.cookie, 'x-csrf-token': 'wrong' },
    )
    expect(wrongToken.statusCode).toBe(403)
    expect(await statusOf('ARG')).toBe('not_contacted')
  })

  it('answers 400 naming the field at fault', async () => {
    const badKind = await add('arg', { kind: 'dinner', occurredOn: '2026-05-30' })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.json().field).toBe('kind')
    const future = await add('arg', { kind: 'call', occurredOn: '2026-06-02' })
    expect(future.statusCode).toBe(400)
    expect(future.json()).toMatchObject({ field: 'occurredOn' })
    expect(future.json().errors.occurredOn).toContain('future')
    const notADate = await add('arg', { kind: 'call', occurredOn: '30/05/2026' })
    expect(notADate.statusCode).toBe(400)
    expect(notADate.json().field).toBe('occurredOn')
    const emptyNote = await add('arg', { kind: 'note', occurredOn: '2026-05-30', text: '  ' })
    expect(emptyNote.statusCode).toBe(400)
    expect(emptyNote.json().field).toBe('text')
    const badCode = await add('ar1', { kind: 'call', occurredOn: '2026-05-30' })
    expect(badCode.statusCode).toBe(400)
    expect(badCode.json().field).toBe('iso3')
    expect(await statusOf('ARG')).toBe('not_contacted')
  })

  it('ignores fields it does not know: the author is always the signed-in organizer', async () => {
    const res = await add('ury', {
      kind: 'call',
      occurredOn: '2026-05-30',
      author: 'Someone else',
      source: 'supporter',
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ author: 'Bongani Organizer', source: 'organizer' })
  })

  it('answers 404 for an unknown state', async () => {
    const res = await add('zzz', { kind: 'call', occurredOn: '2026-05-30' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('not_found')
  })
})

describe('GET /api/states/:iso3/engagements', () => {
  it("lists a state's engagements newest first, for organizers only", async () => {
    await add('PRY', { kind: 'call', occurredOn: '2026-04-01', text: 'First call.' })
    await add('PRY', { kind: 'meeting', occurredOn: '2026-05-15', text: 'Meeting at the mission.' })
    const res = await app.inject({ method: 'GET', url: url('pry'), headers: { cookie: bongani.cookie } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('private, no-store')
    const body = res.json()
    expect(body.iso3).toBe('PRY')
    expect(body.engagements.map((e: { text: string }) => e.text)).toEqual([
      'Meeting at the mission.',
      'First call.',
    ])
    expect(await statusOf('PRY')).toBe('engaged')

    expect((await app.inject({ method: 'GET', url: url('pry') })).statusCode).toBe(401)
    expect(
      (await app.inject({ method: 'GET', url: url('zzz'), headers: { cookie: bongani.cookie } })).statusCode,
    ).toBe(404)
  })

  it('is described in the OpenAPI document under the canvassing tag', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    const path = doc.paths['/api/states/{iso3}/engagements']
    expect(path.get.tags).toEqual(['canvassing'])
    expect(path.post.tags).toEqual(['canvassing'])
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404']),
    )
  })
})
