import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { getCoverage, pickStatesNeedingLetters } from '../../src/canvassing/coverage.service.js'
import type { EngagementKind, Position } from '../../src/db/schema.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { confirmedLetter, pass, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { createTestContext } from '../helpers/test-context.js'

// Each step adds one fact and checks that the canvassed count moves exactly as
// canvassing/coverage-rules.ts defines it. The steps build on each other, in order.

describe('coverage of the member states', async () => {
  const ctx = await createTestContext()
  const transport = transportFor(ctx)
  beforeAll(async () => {
    await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
    await setMission(ctx, 'ITA', { emails: ['italy@un.int'] })
  })

  const canvassed = async () => (await getCoverage(ctx, 'organizers')).totals.canvassed
  const stateOf = async (iso3: string) => {
    const found = (await getCoverage(ctx, 'organizers')).states.find((s) => s.iso3 === iso3)
    if (!found) throw new Error(`${iso3} is not in the coverage`)
    return found
  }
  const letterTo = (state: string) =>
    createLetter(ctx, { state, language: 'en', supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' } })
  const engage = (state_iso3: string, kind: EngagementKind, occurred_on: string) =>
    ctx.db
      .insertInto('engagement')
      .values({
        state_iso3,
        kind,
        occurred_on,
        text: '',
        source: 'organizer',
        created_at: ctx.clock.nowIso(),
      })
      .execute()
  const notePosition = (state_iso3: string, position: Position) =>
    ctx.db
      .insertInto('state_position')
      .values({ state_iso3, position, noted_on: '2026-05-30', note: '', created_at: ctx.clock.nowIso() })
      .execute()

  it('starts with 193 member states, none canvassed, observers left out', async () => {
    const coverage = await getCoverage(ctx, 'organizers')
    expect(coverage.on).toBe('2026-06-01')
    expect(coverage.totals).toEqual({
      memberStates: 193,
      canvassed: 0,
      byStatus: { not_contacted: 193, contacted: 0, replied: 0, engaged: 0 },
      lettersWritten: 0,
      lettersDelivered: 0,
      lettersWithPersonalNote: 0,
    })
    expect(coverage.states).toHaveLength(193)
    expect(coverage.states.map((s) => s.iso3)).not.toContain('VAT')
    expect(coverage.states.map((s) => s.iso3)).not.toContain('PSE')
    expect(coverage.groups.reduce((n, g) => n + g.memberStates, 0)).toBe(193)
    expect(coverage.timeline).toEqual([])
    expect(await stateOf('CHL')).toMatchObject({
      status: 'not_contacted',
      position: 'unknown',
      canvassedOn: null,
    })
  })

  it('does not count a letter written, printed, failed, or confirmed but not yet sent', async () => {
    await letterTo('DEU')
    const printed = await letterTo('DEU')
    await markLetterPrinted(ctx, printed.id)
    // An e-mail the mission's server refused for good, as the outbox worker records it.
    const failed = await confirmedLetter(ctx, transport, { state: 'ITA' })
    const row = await ctx.db
      .selectFrom('letter')
      .selectAll()
      .where('public_id', '=', failed.id)
      .executeTakeFirstOrThrow()
    await ctx.db
      .updateTable('outbox_message')
      .set({ status: 'failed' })
      .where('id', '=', row.outbox_id)
      .execute()
    await ctx.db.updateTable('letter').set({ status: 'failed' }).where('id', '=', row.id).execute()
    // Last: each confirmation pass would also send the mission letters already queued.
    await confirmedLetter(ctx, transport, { state: 'FRA' })
    expect(await canvassed()).toBe(0)
    expect((await stateOf('DEU')).letters).toEqual({
      written: 2,
      printed: 1,
      emailed: 0,
      delivered: 0,
      failed: 0,
      withPersonalNote: 0,
    })
    expect((await stateOf('ITA')).letters).toMatchObject({ written: 1, emailed: 1, failed: 1, delivered: 0 })
    expect((await stateOf('FRA')).letters).toMatchObject({ written: 1, emailed: 1, delivered: 0 })
    expect((await getCoverage(ctx, 'organizers')).totals.lettersWritten).toBe(4)
  })

  it('counts a state once an e-mail to its mission is accepted (status sent)', async () => {
    await pass(ctx, transport)
    expect(await canvassed()).toBe(1)
    expect(await stateOf('FRA')).toMatchObject({
      status: 'contacted',
      canvassed: true,
      canvassedOn: '2026-06-01',
      firstContactOn: '2026-06-01',
      letters: { delivered: 1 },
    })
  })

  it('counts a printed letter an organizer marked delivered', async () => {
    const handed = await letterTo('DEU')
    await markLetterPrinted(ctx, handed.id)
    await ctx.db
      .updateTable('letter')
      .set({ printed_delivered_at: '2026-05-20T10:00:00.000Z' })
      .where('public_id', '=', handed.id)
      .execute()
    expect(await canvassed()).toBe(2)
    expect(await stateOf('DEU')).toMatchObject({ status: 'contacted', canvassedOn: '2026-05-20' })
  })

  it('does not count a note, a "no reply yet" or a public statement: they are no contact', async () => {
    await engage('JPN', 'note', '2026-05-01')
    await engage('JPN', 'no_reply_yet', '2026-05-02')
    await engage('JPN', 'public_statement', '2026-05-03')
    expect(await canvassed()).toBe(2)
    expect(await stateOf('JPN')).toMatchObject({
      status: 'not_contacted',
      canvassedOn: null,
      firstContactOn: null,
    })
  })

  it('counts a meeting (engaged) and a call (contacted) logged by an organizer', async () => {
    await engage('BRA', 'meeting', '2026-04-10')
    expect(await canvassed()).toBe(3)
    expect(await stateOf('BRA')).toMatchObject({ status: 'engaged', canvassedOn: '2026-04-10' })
    await engage('KEN', 'call', '2026-04-12')
    expect(await canvassed()).toBe(4)
    expect(await stateOf('KEN')).toMatchObject({ status: 'contacted', canvassedOn: '2026-04-12' })
  })

  it('raises a canvassed state to replied on a reply or an acknowledgement, without counting it twice', async () => {
    await engage('FRA', 'reply_received', '2026-06-01')
    await engage('DEU', 'acknowledgement', '2026-05-25')
    expect(await canvassed()).toBe(4)
    expect((await stateOf('FRA')).status).toBe('replied')
    expect(await stateOf('DEU')).toMatchObject({
      status: 'replied',
      canvassedOn: '2026-05-20',
      firstContactOn: '2026-05-20',
      lastContactOn: '2026-05-25',
    })
  })

  it("takes a state's latest position; a position makes a canvassed state engaged, but does not canvass", async () => {
    await notePosition('FRA', 'supportive')
    expect(await stateOf('FRA')).toMatchObject({ status: 'engaged', position: 'supportive' })
    await notePosition('DEU', 'supportive')
    await notePosition('DEU', 'undecided')
    expect(await stateOf('DEU')).toMatchObject({ status: 'replied', position: 'undecided' })
    await notePosition('CHL', 'committed')
    expect(await stateOf('CHL')).toMatchObject({ status: 'not_contacted', position: 'committed' })
    expect(await canvassed()).toBe(4)
  })

  it('leaves observer states out of every count', async () => {
    await engage('VAT', 'meeting', '2026-05-05')
    await engage('PSE', 'call', '2026-05-05')
    const coverage = await getCoverage(ctx, 'organizers')
    expect(coverage.totals.canvassed).toBe(4)
    expect(coverage.totals.memberStates).toBe(193)
  })

  it('adds up by status, by regional group and over time', async () => {
    const coverage = await getCoverage(ctx, 'organizers')
    expect(coverage.totals.byStatus).toEqual({ not_contacted: 189, contacted: 1, replied: 1, engaged: 2 })
    const western = coverage.groups.find((g) => g.group === 'western_european_others')
    expect(western).toMatchObject({ label: 'Western European and Others Group', canvassed: 2 })
    expect(western?.byStatus).toMatchObject({ replied: 1, engaged: 1 })
    expect(coverage.groups.reduce((n, g) => n + g.canvassed, 0)).toBe(4)
    expect(coverage.timeline).toEqual([
      { date: '2026-04-10', canvassed: 1 },
      { date: '2026-04-12', canvassed: 2 },
      { date: '2026-05-20', canvassed: 3 },
      { date: '2026-06-01', canvassed: 4 },
    ])
    expect(coverage.totals.lettersDelivered).toBe(2)
  })

  it('shows the Security Council of the day with each member’s status', async () => {
    const { council } = await getCoverage(ctx, 'organizers')
    expect(council.permanent.map((s) => s.iso3)).toEqual(['CHN', 'FRA', 'RUS', 'GBR', 'USA'])
    expect(council.elected).toHaveLength(10)
    expect(council.elected.every((s) => s.councilSeat === 'elected')).toBe(true)
    expect(council.permanent.find((s) => s.iso3 === 'FRA')?.status).toBe('engaged')
  })

  it('keeps letter counts (by triggers) equal to a direct count of the letters', async () => {
    const direct = await sql<{
      iso3: string
      written: number
      printed: number
      emailed: number
      delivered: number
      failed: number
    }>`
      select state_iso3 as iso3, count(*) as written,
        sum(case when printed_at is not null then 1 else 0 end) as printed,
        sum(case when status = 'sent' or printed_delivered_at is not null then 1 else 0 end) as delivered,
        sum(case when status = 'failed' then 1 else 0 end) as failed,
        sum(case when channel = 'email' and status in ('queued', 'sending', 'sent', 'failed', 'uncertain') then 1 else 0 end) as emailed
      from letter group by state_iso3`.execute(ctx.db)
    const { states } = await getCoverage(ctx, 'organizers')
    expect(direct.rows.length).toBeGreaterThan(0)
    for (const row of direct.rows) {
      const { letters } = states.find((s) => s.iso3 === row.iso3)!
      expect(letters).toMatchObject({
        written: row.written,
        printed: row.printed,
        emailed: row.emailed,
        delivered: row.delivered,
        failed: row.failed,
      })
    }
  })

  it('offers the states that most need letters: not canvassed, fewest letters first', async () => {
    const coverage = await getCoverage(ctx, 'organizers')
    const picked = pickStatesNeedingLetters(coverage, 6)
    expect(picked).toHaveLength(6)
    expect(picked.every((s) => !s.canvassed && s.letters.written === 0)).toBe(true)
    expect(pickStatesNeedingLetters(coverage, 6)).toEqual(picked) // the same all day
  })
})
