import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/test-app.js'

const { app } = await buildTestApp()

async function getJson(url: string) {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, body: res.json(), headers: res.headers }
}

describe('GET /api/states', () => {
  it('lists the 195 states with their missions, in the documented shape', async () => {
    const { status, body } = await getJson('/api/states')
    expect(status).toBe(200)
    expect(body.count).toBe(195)
    expect(body.on).toBe('2026-06-01')
    const chad = body.states.find((s: { iso3: string }) => s.iso3 === 'TCD')
    expect(chad).toMatchObject({
      iso2: 'TD',
      iso3: 'TCD',
      name: 'Chad',
      formalName: 'Republic of Chad',
      membership: 'member',
      regionalGroup: 'african',
      admissionDate: '1960-09-20',
      securityCouncil: null,
      // The seed's contact details (data/seed/missions.json): a fresh directory has them.
      mission: {
        name: 'Permanent Mission of the Republic of Chad to the United Nations',
        city: 'New York',
        addressLines: ['129 East 36th Street', 'New York, NY 10016'],
        phone: '212-986-0980; 212-986-0262',
        emails: ['chadmission.un@gmail.com'],
        languages: ['fr'],
        head: { honorific: 'H.E. Mr.', name: 'Abakar Mouctar', function: 'Permanent Representative' },
        headStatus: 'filled',
        source: { kind: 'seed' },
      },
    })
    expect(typeof chad.mission.updatedAt).toBe('string')
    // A state the Blue Book does not list keeps its mission's name only: the head is null.
    const stp = body.states.find((s: { iso3: string }) => s.iso3 === 'STP')
    expect(stp.mission).toMatchObject({
      addressLines: [],
      emails: [],
      languages: [],
      head: null,
      headStatus: 'unknown',
    })
  })

  it('sorts by name as a reader expects, accents included', async () => {
    const { body } = await getJson('/api/states')
    const names: string[] = body.states.map((s: { name: string }) => s.name)
    expect(names.indexOf("Côte d'Ivoire")).toBe(names.indexOf('Costa Rica') + 1)
  })

  it('filters by regional group, membership and Security Council seat', async () => {
    expect((await getJson('/api/states?group=eastern_european')).body.count).toBe(23)
    expect((await getJson('/api/states?membership=observer')).body.count).toBe(2)
    const permanent = await getJson('/api/states?council=permanent')
    expect(permanent.body.states.map((s: { iso3: string }) => s.iso3).sort()).toEqual([
      'CHN',
      'FRA',
      'GBR',
      'RUS',
      'USA',
    ])
    expect((await getJson('/api/states?council=elected')).body.count).toBe(10)
    expect((await getJson('/api/states?council=none&membership=member')).body.count).toBe(193 - 15)
    const in2024 = await getJson('/api/states?council=elected&on=2024-05-01')
    expect(in2024.body.states.map((s: { iso3: string }) => s.iso3)).toEqual(
      expect.arrayContaining(['DZA', 'GUY', 'KOR', 'SLE', 'SVN', 'ECU', 'JPN', 'MLT', 'MOZ', 'CHE']),
    )
    // The "A3" in 2026: Somalia, the Democratic Republic of the Congo, Liberia.
    const a3 = await getJson('/api/states?group=african&council=any')
    expect(a3.body.states.map((s: { iso3: string }) => s.iso3).sort()).toEqual(['COD', 'LBR', 'SOM'])
  })

  it('searches names, aliases and codes regardless of accents and case', async () => {
    const names = async (q: string) =>
      (await getJson(`/api/states?q=${encodeURIComponent(q)}`)).body.states.map(
        (s: { iso3: string }) => s.iso3,
      )
    expect(await names('cote d’ivoire')).toEqual(['CIV'])
    expect(await names('Turkey')).toEqual(['TUR'])
    expect(await names('turkiye')).toEqual(['TUR'])
    expect(await names('tcd')).toEqual(['TCD'])
    expect(await names('zzzz')).toEqual([])
  })

  it('treats an empty parameter as absent, as a submitted search form sends it', async () => {
    expect((await getJson('/api/states?group=&council=&q=')).body.count).toBe(195)
  })

  it.each([
    ['group=bogus', 'group'],
    ['council=sometimes', 'council'],
    ['membership=friend', 'membership'],
    ['on=2026-13-45', 'on'],
    [`q=${'x'.repeat(101)}`, 'q'],
  ])('rejects %s with 400 naming the parameter', async (query, field) => {
    const { status, body } = await getJson(`/api/states?${query}`)
    expect(status).toBe(400)
    expect(body.field).toBe(field)
    expect(body.message).toContain(`"${field}"`)
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/)
  })
})

describe('GET /api/states/:iso3', () => {
  it('gives one state with its Council terms, the source of each detail and its history', async () => {
    const { status, body } = await getJson('/api/states/DNK')
    expect(status).toBe(200)
    expect(body.securityCouncil).toEqual({ seat: 'elected', termStart: '2025-01-01', termEnd: '2026-12-31' })
    expect(body.councilTerms).toHaveLength(1)
    expect(body.fieldSources.phone).toEqual({
      kind: 'seed',
      ref: 'data/seed/missions.json',
      date: '2024-12-18',
    })
    expect(body.fieldSources.head).toEqual({
      kind: 'seed',
      ref: 'data/seed/missions.json',
      date: '2026-01-29',
    })
    expect(body.fieldSources.name).toMatchObject({ kind: 'seed', ref: 'data/seed/states.json' })
    expect(body.history).toHaveLength(1)
    expect(body.history[0]).toMatchObject({ version: 1, validUntil: null })
  })

  it('accepts a lower-case code', async () => {
    expect((await getJson('/api/states/fra')).body.securityCouncil.seat).toBe('permanent')
  })

  it('answers an unknown code with a JSON 404', async () => {
    const { status, body } = await getJson('/api/states/XXX')
    expect(status).toBe(404)
    expect(body).toMatchObject({ statusCode: 404, code: 'not_found' })
    expect(body.message).toContain('XXX')
  })

  it('answers a malformed code with a 400 naming iso3', async () => {
    const { status, body } = await getJson('/api/states/T1')
    expect(status).toBe(400)
    expect(body.field).toBe('iso3')
  })

  it('answers an unknown API path with a JSON 404', async () => {
    const { status, body } = await getJson('/api/nothing-here')
    expect(status).toBe(404)
    expect(body.code).toBe('not_found')
  })
})

describe('service endpoints', () => {
  it('GET /healthz says ok', async () => {
    expect(await getJson('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } })
  })

  it('describes the API in OpenAPI, generated from the route schemas', async () => {
    const { status, body } = await getJson('/docs/json')
    expect(status).toBe(200)
    expect(body.openapi).toMatch(/^3\./)
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/states', '/api/states/{iso3}']))
    const parameters = body.paths['/api/states'].get.parameters.map((p: { name: string }) => p.name)
    expect(parameters).toEqual(expect.arrayContaining(['q', 'group', 'membership', 'council', 'on']))
    const docs = await app.inject({ method: 'GET', url: '/docs' })
    expect([200, 302]).toContain(docs.statusCode)
  })
})

describe('when the database fails', () => {
  it('answers 500 without details and reports the health as unavailable', async () => {
    const broken = await buildTestApp()
    await broken.ctx.db.destroy()
    const res = await broken.app.inject({ method: 'GET', url: '/api/states' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'internal',
      message: expect.stringContaining('Something went wrong'),
    })
    expect(res.body).not.toMatch(/sqlite|kysely|driver|\.ts:\d+/i)
    expect((await broken.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503)
    const page = await broken.app.inject({ method: 'GET', url: '/states' })
    expect(page.statusCode).toBe(500)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).not.toMatch(/sqlite|kysely|driver|\.ts:\d+/i)
  })
})

describe('compression', () => {
  it('compresses the list for clients that accept it, and serves it plain to the others', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/states' })
    const br = await app.inject({ method: 'GET', url: '/api/states', headers: { 'accept-encoding': 'br' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5)
    const { brotliDecompressSync } = await import('node:zlib')
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.json())
  })
})
