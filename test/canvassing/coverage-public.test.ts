import { beforeAll, describe, expect, it } from 'vitest'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { pass, tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The progress page and GET /api/coverage are public: they must show counts, never people.
// Every private value below is distinctive, so that finding it anywhere in a response is a leak.

const SECRETS = {
  name: 'Zebulon Quixmoor-Pettigrew',
  organization: 'Quixmoor Foundation for Secrets',
  role: 'Chief Secret Keeper',
  address: '17 Hidden Orchard Lane',
  city: 'Vexbridge',
  email: 'zebulon.quixmoor@example.org',
  note: 'My private paragraph QX-NOTE-7741 about my family.',
  engagementText: 'Met the counsellor QX-ENGAGEMENT-5512 off the record',
  supporterReply: 'The mission wrote back to me QX-REPLY-3390',
  organizerName: 'Hortensia Vexley-Marchbanks',
  organizerEmail: 'hortensia.vexley@campaign.example',
  positionNote: 'Told us privately QX-POSITION-2208',
}

describe('public coverage: GET /api/coverage and /progress', async () => {
  const { app, ctx } = await buildTestApp()
  const transport = transportFor(ctx)

  beforeAll(async () => {
    await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
    const letter = await createLetter(ctx, {
      state: 'FRA',
      language: 'en',
      supporter: {
        name: SECRETS.name,
        organization: SECRETS.organization,
        role: SECRETS.role,
        addressLines: [SECRETS.address],
        city: SECRETS.city,
        country: 'GB',
        email: SECRETS.email,
      },
      personalNote: SECRETS.note,
    })
    await requestEmailDelivery(ctx, letter.id, {})
    await pass(ctx, transport)
    await confirmEmailDelivery(ctx, await tokenFromOutbox(ctx, letter.id))
    await pass(ctx, transport) // the mission's copy: FRA is canvassed
    const now = ctx.clock.nowIso()
    const organizer = await ctx.db
      .insertInto('organizer')
      .values({
        email: SECRETS.organizerEmail,
        name: SECRETS.organizerName,
        role: 'organizer',
        password_hash: 'x',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const row = await ctx.db
      .selectFrom('letter')
      .select('id')
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    await ctx.db
      .insertInto('engagement')
      .values([
        {
          state_iso3: 'KEN',
          kind: 'meeting',
          occurred_on: '2026-05-10',
          text: SECRETS.engagementText,
          source: 'organizer',
          organizer_id: organizer.id,
          created_at: now,
        },
        {
          state_iso3: 'FRA',
          kind: 'reply_received',
          occurred_on: '2026-06-01',
          text: SECRETS.supporterReply,
          source: 'supporter',
          letter_id: row.id,
          created_at: now,
        },
      ])
      .execute()
    await ctx.db
      .insertInto('state_position')
      .values({
        state_iso3: 'KEN',
        position: 'supportive',
        noted_on: '2026-05-11',
        note: SECRETS.positionNote,
        organizer_id: organizer.id,
        created_at: now,
      })
      .execute()
    // Published by an organizer: the public pages show no position until then (mission-replies.test.ts).
    await ctx.db
      .insertInto('state_position_publication')
      .values({ state_iso3: 'KEN', published_at: now, published_by: organizer.id })
      .execute()
  })

  const expectNoSecrets = (body: string) => {
    for (const [what, value] of Object.entries(SECRETS)) {
      expect(body, what).not.toContain(value)
      // Parts too: a leak may be reformatted or cut.
      for (const part of value.split(/\s+/).filter((p) => /QX-|Zebulon|Quixmoor|Hortensia|Vexley/.test(p))) {
        expect(body, `${what}: ${part}`).not.toContain(part)
      }
    }
  }

  it('answers GET /api/coverage with counts and statuses, and nothing about people', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/coverage' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.totals).toMatchObject({
      memberStates: 193,
      canvassed: 2,
      lettersWritten: 1,
      lettersDelivered: 1,
    })
    expect(body.groups).toHaveLength(5)
    expect(body.states).toHaveLength(193)
    const france = body.states.find((s: { iso3: string }) => s.iso3 === 'FRA')
    expect(france).toEqual({
      iso3: 'FRA',
      iso2: 'FR',
      name: 'France',
      regionalGroup: 'western_european_others',
      councilSeat: 'permanent',
      status: 'replied',
      canvassed: true,
      canvassedOn: '2026-06-01',
      position: 'unknown',
      letters: { written: 1, delivered: 1 },
    })
    expect(body.states.find((s: { iso3: string }) => s.iso3 === 'KEN')).toMatchObject({
      status: 'engaged',
      position: 'supportive',
      canvassedOn: '2026-05-10',
    })
    expect(body.timeline).toEqual([
      { date: '2026-05-10', canvassed: 1 },
      { date: '2026-06-01', canvassed: 2 },
    ])
    expectNoSecrets(res.body)
  })

  it('shows /progress: N of 193 canvassed, groups, the map, letters per state, and nothing about people', async () => {
    const res = await app.inject({ method: 'GET', url: '/progress' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    const html = res.body
    expect(html).toMatch(/2 of 193<\/span> member states canvassed/)
    expect(html).toContain('Western European and Others Group')
    expect(html).toMatch(/<progress class="coverage-bar"[^>]*max="29" value="1"/)
    expect(html.match(/<a href="\/states\/[a-z]{3}" class="world-map__state/g)).toHaveLength(193)
    expect(html).toContain('<a href="/states/fra" class="world-map__state map-status-replied"')
    expect(html).toContain('Write to a state that still needs letters')
    expect(html).toMatch(/<a class="button" href="\/write\/[a-z]{3}">Write to /)
    expect(html).toContain('id="letters-per-state"')
    expect(html).toContain('<a href="/progress">Progress</a>')
    expectNoSecrets(html)
  })

  it('names the states in the language of the page, sorted as that language sorts them', async () => {
    const res = await app.inject({ method: 'GET', url: '/progress?lang=fr' })
    expect(res.statusCode).toBe(200)
    const html = res.body
    expect(html).toMatch(/<html lang="fr" dir="ltr">/)
    // The table, the Council's lists and the map's tooltips: France's UN names in French.
    const table = /<table class="coverage-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? ''
    const rows = [...table.matchAll(/<th scope="row"><a href="\/states\/([a-z]{3})">([^<]+)<\/a>/g)].map(
      (m) => [m[1]!, m[2]!] as const,
    )
    expect(rows).toHaveLength(193)
    expect(rows).toContainEqual(['deu', 'Allemagne'])
    const names = rows.map(([, name]) => name.replace(/&#x27;/g, "'"))
    expect(names).toEqual([...names].sort(new Intl.Collator('fr-FR', { sensitivity: 'base' }).compare))
    // Accents sort as French readers expect: "Égypte" among the E's, not after "Zimbabwe".
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Érythrée'))
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Zimbabwe'))
    expect(html).toMatch(/<a href="\/states\/deu"[^>]*data-iso3="DEU"><title>Allemagne\s?: /)
    expect(html).toMatch(/<a class="button" href="\/write\/[a-z]{3}">/)
    // Back in English, the directory's names in English order.
    const english = (await app.inject({ method: 'GET', url: '/progress?lang=en' })).body
    expect(english).toContain('<a href="/states/deu">Germany</a>')
  })

  it('documents /api/coverage in the OpenAPI description', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' })
    const spec = res.json()
    expect(spec.paths['/api/coverage'].get.tags).toEqual(['canvassing'])
    expect(Object.keys(spec.paths['/api/coverage'].get.responses)).toContain('200')
  })

  it('escapes markup in the names it shows (a state renamed by an import, say)', async () => {
    await ctx.db
      .updateTable('state')
      .set({ name: '<script>alert("x")</script> Ruritania & Co', updated_at: '2026-06-01T12:30:00.000Z' })
      .where('iso3', '=', 'KEN')
      .execute()
    const page = await app.inject({ method: 'GET', url: '/progress' })
    expect(page.body).not.toContain('<script>alert')
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ruritania &amp; Co')
    // Inside the map's SVG (its own escaping).
    expect(page.body).toContain(
      '<title>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; Ruritania &#38; Co: Engaged',
    )
    const api = await app.inject({ method: 'GET', url: '/api/coverage' })
    expect(api.json().states.map((s: { name: string }) => s.name)).toContain(
      '<script>alert("x")</script> Ruritania & Co',
    )
  })
})
