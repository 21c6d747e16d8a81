import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The letters a member wrote are counted in two places, the member's own page and the organizers'
// members list (and its CSV): both ask letters' one count per address (letters-per-address.ts),
// so they agree however the address was typed. They once folded case differently: the member's
// page with JavaScript's toLowerCase (É -> é), the list as SQLite's lower() does (ASCII only).

const { app, ctx } = await buildTestApp()
let cookie = ''
// A membership kept from before addresses were lower-cased on joining, with a letter in "É".
const ADDRESS = 'ÉLISE.Writer@Example.ORG'
let publicId = ''

beforeAll(async () => {
  cookie = (await signInOrganizer(app, ctx, { role: 'coordinator' })).cookie
  publicId = (await insertMember(ctx, { email: ADDRESS, name: 'Élise Writer' })).public_id
  for (const [state, email] of [
    ['FRA', 'ÉLISE.writer@example.org'],
    ['KEN', 'ÉLISE.WRITER@EXAMPLE.ORG'],
    ['GHA', 'someone.else@example.org'],
  ] as const)
    await createLetter(ctx, { state, language: 'en', supporter: { name: 'Élise Writer', email } })
})

describe('the letters per address', () => {
  it("are the same on the member's page, in the members list and in its CSV", async () => {
    const page = await app.inject({ url: `/members/${publicId}` })
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<strong class="member-letters">2<\/strong>/)

    const list = (await app.inject({ url: '/organizers/members', headers: { cookie } })).body
    const row = list.split('<tr').find((tr) => tr.includes(ADDRESS))
    expect(row).toMatch(/data-label="Letters" class="num">2</)

    const csv = (await app.inject({ url: '/organizers/members.csv', headers: { cookie } })).rawPayload
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[]
    expect(records.find((r) => r['E-mail'] === ADDRESS)?.['Letters written']).toBe('2')
  })
})
