import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import type { NewMemberRow } from '../../src/db/schema.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
let cookie = ''

const member = (over: Partial<NewMemberRow> = {}) => insertMember(ctx, over)

const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } })
/** The e-mail addresses listed on a page, in order. */
const listed = (html: string) => [...html.matchAll(/class="members-email">([^<]+)</g)].map((m) => m[1])
type CsvRecord = Record<string, string>
const csvOf = (payload: Buffer) => parse(payload, { bom: true, columns: true }) as CsvRecord[]

beforeAll(async () => {
  cookie = (await signInOrganizer(app, ctx, { role: 'coordinator' })).cookie
  await member({ email: 'ada@example.org', name: 'Ada Obi', helps: JSON.stringify(['letters', 'research']) })
  await member({
    kind: 'organization',
    email: 'office@rights.example.org',
    name: 'Chidi Eze',
    organization_name: 'Rights Watchers',
    organization_kind: 'ngo',
    country: 'NG',
    helps: JSON.stringify(['research']),
    created_at: '2026-05-02T10:00:00.000Z',
  })
  await member({ email: 'pending@example.org', status: 'pending', confirmed_at: null, country: 'FR' })
  await member({
    email: 'left@example.org',
    status: 'unsubscribed',
    unsubscribed_at: '2026-05-20T10:00:00.000Z',
  })
  await member({ email: 'quiet@example.org', consent_updates: 0, consent_version: null, consent_at: null })
  await member({ email: null, name: null, status: 'erased', erased_at: '2026-05-21T10:00:00.000Z' })
  // Letters written from Ada's address, in whatever case, count toward her membership; a
  // stranger's do not.
  for (const email of ['ada@example.org', 'Ada@Example.ORG', 'someone.else@example.org'])
    await createLetter(ctx, { state: 'FRA', language: 'en', supporter: { name: 'Ada Obi', email } })
})

describe('the members list', () => {
  it('is for organizers only, and never cached', async () => {
    const stranger = await app.inject({ method: 'GET', url: '/organizers/members' })
    expect(stranger.statusCode).toBe(303)
    expect(stranger.headers.location).toBe('/organizers/login?next=%2Forganizers%2Fmembers')
    const page = await get('/organizers/members')
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
  })

  it('lists every member but the erased, the newest first, with counts by status', async () => {
    const html = (await get('/organizers/members')).body
    expect(listed(html)).toEqual([
      'office@rights.example.org',
      'quiet@example.org',
      'left@example.org',
      'pending@example.org',
      'ada@example.org',
    ])
    expect(html).toMatch(/<strong>3<\/strong> confirmed/)
    expect(html).toMatch(/<strong>1<\/strong> not confirmed yet/)
    expect(html).toMatch(/<strong>1<\/strong> unsubscribed/)
    expect(html).toContain('Showing 1–5 of 5 members')
  })

  it('shows an organization with its contact person, and the letters written from each address', async () => {
    const html = (await get('/organizers/members?kind=organization')).body
    expect(listed(html)).toEqual(['office@rights.example.org'])
    expect(html).toContain('Rights Watchers')
    expect(html).toContain('Contact: Chidi Eze')
    expect(html).toContain('Non-governmental organization')
    expect(html).toContain('Nigeria')
    const ada = (await get('/organizers/members?country=ke&help=research')).body
    expect(listed(ada)).toEqual(['ada@example.org'])
    expect(ada).toMatch(/data-label="Letters" class="num">2</)
    expect(ada).toContain('Research and legal analysis')
    expect(ada).toContain('wording of 2026-11-30')
  })

  it('filters by status: confirmed, pending, unsubscribed', async () => {
    expect(listed((await get('/organizers/members?status=confirmed')).body)).toEqual([
      'office@rights.example.org',
      'quiet@example.org',
      'ada@example.org',
    ])
    expect(listed((await get('/organizers/members?status=pending')).body)).toEqual(['pending@example.org'])
    expect(listed((await get('/organizers/members?status=unsubscribed&kind=')).body)).toEqual([
      'left@example.org',
    ])
  })

  it('answers 400 naming the parameter for a value it does not know', async () => {
    for (const [query, field] of [
      ['kind=robot', 'kind'],
      ['status=erased', 'status'],
      ['help=juggling', 'help'],
      ['country=K1', 'country'],
      ['country=XX', 'country'],
      ['page=0', 'page'],
      ['page=two', 'page'],
    ]) {
      const response = await get(`/organizers/members?${query}`)
      expect(response.statusCode, query).toBe(400)
      expect(response.body, query).toContain(`&quot;${field}&quot;`)
    }
  })

  it('pages 50 members at a time', async () => {
    for (let i = 0; i < 52; i++)
      await member({
        email: `bulk${i}@example.org`,
        country: 'GH',
        created_at: `2026-04-01T10:00:${String(i).padStart(2, '0')}.000Z`,
      })
    const first = (await get('/organizers/members?country=GH')).body
    expect(listed(first)).toHaveLength(50)
    expect(listed(first)[0]).toBe('bulk51@example.org')
    expect(first).toContain('Page 1 of 2')
    // (Handlebars writes "=" in attributes as &#x3D;)
    expect(first).toContain('href="/organizers/members?country&#x3D;GH&amp;page&#x3D;2#members"')
    const second = (await get('/organizers/members?country=GH&page=2')).body
    expect(listed(second)).toEqual(['bulk1@example.org', 'bulk0@example.org'])
    // Past the last page: the last page.
    expect(listed((await get('/organizers/members?country=GH&page=9')).body)).toHaveLength(2)
  })

  it('escapes what members typed', async () => {
    await member({ email: 'markup@example.org', name: '<script>alert(1)</script>', country: 'TZ' })
    const html = (await get('/organizers/members?country=TZ')).body
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')
  })
})

describe('the members CSV', () => {
  it('is a download in UTF-8 with a BOM, never cached, for organizers only', async () => {
    expect((await app.inject({ method: 'GET', url: '/organizers/members.csv' })).statusCode).toBe(303)
    const response = await get('/organizers/members.csv')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toBe('attachment; filename="members-2026-06-01.csv"')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  })

  it('holds the filtered list, as many rows as the page counts', async () => {
    const records = csvOf((await get('/organizers/members.csv?status=confirmed&country=KE')).rawPayload)
    const page = (await get('/organizers/members?status=confirmed&country=KE')).body
    const total = Number(/of (\d+) members? matching/.exec(page)?.[1])
    expect(records).toHaveLength(total)
    expect(records.map((r) => r['E-mail'])).toEqual(listed(page))
    const ada = records.find((r) => r['E-mail'] === 'ada@example.org')
    expect(ada).toMatchObject({
      Kind: 'Individual',
      'Name or organization': 'Ada Obi',
      Country: 'Kenya',
      'Country code': 'KE',
      'Ways to help': 'Writing to ambassadors at the UN and to governments; Research and legal analysis',
      Status: 'Confirmed',
      'Agreed to updates': 'yes',
      'Consent wording version': '2026-11-30',
      'Joined on': '2026-05-01',
      'Letters written': '2',
    })
    const all = csvOf((await get('/organizers/members.csv')).rawPayload)
    expect(all.some((r) => r.Status === 'Erased' || r['E-mail'] === '')).toBe(false)
  })

  it('defuses cells a spreadsheet would run as formulas', async () => {
    await member({
      email: 'formula@example.org',
      name: '=HYPERLINK("http://evil.example","x")',
      country: 'UG',
    })
    await member({ email: 'at@example.org', name: '@SUM(A1)', country: 'UG' })
    const records = csvOf((await get('/organizers/members.csv?country=UG')).rawPayload)
    expect(records.map((r) => r['Name or organization']).sort()).toEqual([
      '\'=HYPERLINK("http://evil.example","x")',
      "'@SUM(A1)",
    ])
  })
})
