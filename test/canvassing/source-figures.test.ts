import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import {
  confirmMembership,
  joinCampaign,
  joinFromLetter,
  unsubscribeMember,
} from '../../src/members/members.service.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { addPartner, removePartner } from '../../src/partners/partners.service.js'
import { getSourceFigures } from '../../src/partners/source-figures.service.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 14, item 3: organizers see, per source, letters written, letters e-mailed and new members,
// on the dashboard ("By source") and as a CSV. Every figure below comes from data made through the
// services, as supporters and organizers make it.

const { app, ctx } = await buildTestApp()
const transport = transportFor(ctx)
const { cookie } = await signInOrganizer(app, ctx, { role: 'viewer' })

let n = 0
const supporter = () => ({
  name: `Writer ${++n}`,
  city: 'Nairobi',
  country: 'KE',
  email: `writer${n}@example.org`,
})

/** A letter to France written from `source`, left as a draft. */
async function draft(source?: string) {
  return createLetter(ctx, {
    state: 'FRA',
    language: 'en',
    supporter: supporter(),
    ...(source ? { source } : {}),
  })
}

/** A letter whose writer asked for e-mail delivery and has not confirmed: not e-mailed. */
async function awaiting(source?: string) {
  const letter = await draft(source)
  await requestEmailDelivery(ctx, letter.id, {})
  return letter
}

/** A letter its writer confirmed: handed to the outbox for the mission, so e-mailed. */
async function emailed(source?: string) {
  const letter = await awaiting(source)
  await confirmEmailDelivery(ctx, await tokenFromOutbox(ctx, letter.id))
  return letter
}

/** The member confirmation link's token, as its owner reads it in the queued e-mail. */
async function confirmMember(email: string) {
  const member = await ctx.db
    .selectFrom('member')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow()
  const row = await ctx.db
    .selectFrom('outbox_message')
    .select('payload')
    .where('member_id', '=', member.id)
    .where('kind', '=', 'member_confirmation')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  const token = (JSON.parse(row.payload ?? '{}') as { url: string }).url.split('/').pop() ?? ''
  return confirmMembership(ctx, token)
}

const join = (email: string, source?: string) =>
  joinCampaign(ctx, {
    kind: 'individual',
    name: 'A Member',
    email,
    country: 'KE',
    ...(source ? { source } : {}),
  })

beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  await addPartner(ctx, SHELL_ACTOR, { name: 'Amnesty International Kenya', code: 'amnesty-ke' })
  await addPartner(ctx, SHELL_ACTOR, {
    name: 'Zeta Network',
    code: 'zeta',
    website: 'https://zeta.example.org',
  })
  await addPartner(ctx, SHELL_ACTOR, { name: '=HYPERLINK("http://evil.example","Beta")', code: 'beta-news' })
  // A partner removed: its code is then one of no partner.
  const gone = await addPartner(ctx, SHELL_ACTOR, { name: 'Gone Partner', code: 'gone' })
  await removePartner(ctx, SHELL_ACTOR, gone.id)

  // amnesty-ke: 5 written, 3 e-mailed (one of them sent by the outbox since).
  await draft('amnesty-ke')
  await awaiting('amnesty-ke')
  await emailed('amnesty-ke')
  await emailed('Amnesty-KE')
  const sent = await emailed('amnesty-ke')
  await runJobsThenDrain(ctx, transport)
  // beta-news: 1 written, none e-mailed. zeta: nothing yet.
  await draft('beta-news')
  // Codes of no partner: flyer-2027 with 2 written, 1 e-mailed; gone with 1 written; only-members with none.
  await draft('flyer-2027')
  await emailed('flyer-2027')
  await draft('gone')
  // No source: 3 written (one with a code that is not valid), 1 e-mailed, 1 awaiting.
  await draft()
  await draft('Not a valid code!')
  await emailed()
  await awaiting()

  // Members: amnesty-ke 2 confirmed (one left since: they joined all the same), 1 pending (not counted).
  await join('m1@example.org', 'amnesty-ke')
  await confirmMember('m1@example.org')
  await join('m2@example.org', 'amnesty-ke')
  const left = await confirmMember('m2@example.org')
  await unsubscribeMember(ctx, left.publicId)
  await join('m3@example.org', 'amnesty-ke')
  // flyer-2027: a writer who joined from the letter's offer; only-members: 1; no source: 2 confirmed.
  await joinFromLetter(ctx, { name: 'Writer', email: 'm4@example.org', country: 'KE', source: 'flyer-2027' })
  await confirmMember('m4@example.org')
  await join('m5@example.org', 'only-members')
  await confirmMember('m5@example.org')
  await join('m6@example.org')
  await confirmMember('m6@example.org')
  await join('m7@example.org', 'not valid')
  await confirmMember('m7@example.org')
  await join('m8@example.org')

  const status = await ctx.db
    .selectFrom('letter')
    .select('status')
    .where('public_id', '=', sent.id)
    .executeTakeFirstOrThrow()
  expect(status.status).toBe('sent')
})

/** What every row should be, in order (partners by name: "=" sorts before letters). */
const EXPECTED = [
  {
    kind: 'partner',
    code: 'beta-news',
    partner: '=HYPERLINK("http://evil.example","Beta")',
    letters: 1,
    emailed: 0,
    members: 0,
  },
  {
    kind: 'partner',
    code: 'amnesty-ke',
    partner: 'Amnesty International Kenya',
    letters: 5,
    emailed: 3,
    members: 2,
  },
  { kind: 'partner', code: 'zeta', partner: 'Zeta Network', letters: 0, emailed: 0, members: 0 },
  { kind: 'unknown', code: 'flyer-2027', partner: null, letters: 2, emailed: 1, members: 1 },
  { kind: 'unknown', code: 'gone', partner: null, letters: 1, emailed: 0, members: 0 },
  { kind: 'unknown', code: 'only-members', partner: null, letters: 0, emailed: 0, members: 1 },
  { kind: 'none', code: null, partner: null, letters: 4, emailed: 1, members: 2 },
]

describe('the figures per source', () => {
  it('count letters written, e-mailed and new members: partners by name, codes of no partner, no source', async () => {
    const figures = await getSourceFigures(ctx)
    expect(figures.rows).toEqual(EXPECTED)
    expect(figures.moreUnknown).toBe(0)
  })

  it('add up to all letters and all confirmed members', async () => {
    const { rows } = await getSourceFigures(ctx)
    const letters = await ctx.db.selectFrom('letter').select('id').execute()
    const members = await ctx.db
      .selectFrom('member')
      .select('id')
      .where('confirmed_at', 'is not', null)
      .execute()
    expect(rows.reduce((sum, r) => sum + r.letters, 0)).toBe(letters.length)
    expect(rows.reduce((sum, r) => sum + r.members, 0)).toBe(members.length)
  })

  it('list at most `unknownLimit` codes of no partner, saying how many more there are', async () => {
    const figures = await getSourceFigures(ctx, { unknownLimit: 1 })
    expect(figures.rows.map((r) => r.code)).toEqual(['beta-news', 'amnesty-ke', 'zeta', 'flyer-2027', null])
    expect(figures.moreUnknown).toBe(2)
  })
})

describe('the dashboard’s table “By source”', () => {
  it('shows each row with its figures, to every organizer who reads the dashboard', async () => {
    const page = await app.inject({ method: 'GET', url: '/organizers', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    const section = page.body.slice(page.body.indexOf('id="sources-heading"'))
    const rows = [...section.matchAll(/<tr data-source="([^"]+)">([\s\S]*?)<\/tr>/g)].map(
      ([, source, cells]) => ({
        source,
        name: /<th scope="row">([\s\S]*?)<\/th>/.exec(cells!)?.[1]?.replace(/<[^>]+>/g, ''),
        numbers: [...cells!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => Number(m[1])),
      }),
    )
    expect(rows).toEqual(
      EXPECTED.map((e) => ({
        source: e.code ?? 'none',
        name:
          e.kind === 'partner'
            ? e.partner?.replace(/"/g, '&quot;').replace(/=/g, '&#x3D;')
            : e.kind === 'unknown'
              ? 'Code of no partner'
              : 'No source',
        numbers: [e.letters, e.emailed, e.members],
      })),
    )
    expect(page.body).toContain('href="/organizers/sources.csv"')
    // A viewer does not manage partners: no link to do so.
    expect(section).not.toContain('href="/organizers/partners"')
  })
})

describe('the CSV of the figures by source', () => {
  it('is for organizers only, like the coverage CSV', async () => {
    const res = await app.inject({ method: 'GET', url: '/organizers/sources.csv' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/login?next=%2Forganizers%2Fsources.csv')
  })

  it('is a download never cached, UTF-8 with a BOM and CRLF, one row a source with the same figures', async () => {
    const res = await app.inject({ method: 'GET', url: '/organizers/sources.csv', headers: { cookie } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="sources-2026-06-01.csv"')
    expect(res.headers['cache-control']).toBe('private, no-store')
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(res.rawPayload.toString('utf8')).toContain('\r\n')
    const records = parse(res.rawPayload, { bom: true, columns: true }) as Record<string, string>[]
    expect(Object.keys(records[0]!)).toEqual([
      'Source code',
      'Partner',
      'Kind',
      'Letters written',
      'Letters e-mailed',
      'New members',
    ])
    expect(
      records.map((r) => [
        r['Source code'],
        r.Kind,
        r['Letters written'],
        r['Letters e-mailed'],
        r['New members'],
      ]),
    ).toEqual(
      EXPECTED.map((e) => [
        e.code ?? '',
        { partner: 'Partner', unknown: 'Code of no partner', none: 'No source' }[e.kind],
        String(e.letters),
        String(e.emailed),
        String(e.members),
      ]),
    )
    // An organizer's partner name that a spreadsheet would run as a formula is made text.
    expect(records.map((r) => r.Partner)).toEqual([
      `'=HYPERLINK("http://evil.example","Beta")`,
      'Amnesty International Kenya',
      'Zeta Network',
      '',
      '',
      '',
      '',
    ])
  })
})

describe('the figures per source, for every status', () => {
  // @NOTE last: it adds letters the figures above do not count.
  it('count every status as the coverage does, with or without a source (failed and uncertain e-mailed; expired and drafts not)', async () => {
    // Letters the outbox gave up on, or could not tell, and a confirmation link that lapsed.
    const more = [await emailed('flyer-2027'), await emailed(), await emailed('flyer-2027'), await awaiting()]
    const statuses = ['failed', 'uncertain', 'expired', 'expired'] as const
    for (const [i, letter] of more.entries())
      await ctx.db
        .updateTable('letter')
        .set({ status: statuses[i]! })
        .where('public_id', '=', letter.id)
        .execute()
    const rows = await ctx.db.selectFrom('letter').select(['source', 'status', 'channel']).execute()
    const isEmailed = (r: (typeof rows)[number]) =>
      r.channel === 'email' && ['queued', 'sending', 'sent', 'failed', 'uncertain'].includes(r.status)
    const { rows: figures } = await getSourceFigures(ctx)
    for (const figure of figures) {
      const mine = rows.filter((r) => r.source === figure.code)
      expect({ code: figure.code, letters: figure.letters, emailed: figure.emailed }).toEqual({
        code: figure.code,
        letters: mine.length,
        emailed: mine.filter(isEmailed).length,
      })
    }
    // The dashboard's "Letters e-mailed" for all states is the same sum.
    const stats = await ctx.db.selectFrom('state_letter_stats').select(['emailed']).execute()
    expect(figures.reduce((sum, r) => sum + r.emailed, 0)).toBe(stats.reduce((sum, r) => sum + r.emailed, 0))
  })
})
