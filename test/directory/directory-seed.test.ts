import countries from 'i18n-iso-countries'
import { describe, expect, it } from 'vitest'
import { findCouncilMembersOn, listStates } from '../../src/directory/directory.service.js'
import { readSeedCouncil, readSeedStates, seedDirectory } from '../../src/directory/directory-seed.js'
import { readSeedMissions } from '../../src/directory/seed-missions.js'
import { createTestContext } from '../helpers/test-context.js'

const ctx = await createTestContext()

describe('the seeded directory', () => {
  it('holds exactly the 193 member states and the 2 observer states', async () => {
    const members = await listStates(ctx, { membership: 'member' })
    const observers = await listStates(ctx, { membership: 'observer' })
    const all = await listStates(ctx)
    expect(members.count).toBe(193)
    expect(observers.states.map((s) => s.iso3).sort()).toEqual(['PSE', 'VAT'])
    expect(all.count).toBe(195)
  })

  it('counts member states per regional group, observers never among them', async () => {
    const expected = {
      african: 54,
      asia_pacific: 54,
      eastern_european: 23,
      latin_american_caribbean: 33,
      western_european_others: 29,
    } as const
    for (const [group, count] of Object.entries(expected)) {
      const { states } = await listStates(ctx, {
        group: group as keyof typeof expected,
        membership: 'member',
      })
      expect(states.length, group).toBe(count)
    }
    const asiaPacific = (await listStates(ctx, { group: 'asia_pacific', membership: 'member' })).states.map(
      (s) => s.iso3,
    )
    expect(asiaPacific).toEqual(expect.arrayContaining(['CYP', 'KIR']))
    const weog = (await listStates(ctx, { group: 'western_european_others' })).states
    expect(weog.map((s) => s.iso3)).toEqual(expect.arrayContaining(['USA', 'TUR', 'ISR']))
    expect(weog.find((s) => s.iso3 === 'USA')?.regionalGroupNote).toMatch(/observer/i)
    expect(weog.find((s) => s.iso3 === 'TUR')?.regionalGroupNote).toMatch(/Asia-Pacific/)
  })

  it('has well-formed, unique ISO codes that agree with ISO 3166-1', async () => {
    const { states } = await listStates(ctx)
    for (const field of ['iso2', 'iso3', 'isoNumeric'] as const) {
      expect(new Set(states.map((s) => s[field])).size, field).toBe(195)
    }
    for (const s of states) {
      expect(countries.alpha2ToAlpha3(s.iso2), s.name).toBe(s.iso3)
      expect(countries.alpha2ToNumeric(s.iso2), s.name).toBe(s.isoNumeric)
    }
    expect(states.map((s) => s.iso2)).not.toContain('XK')
    expect(states.map((s) => s.iso2)).not.toContain('TW')
  })

  it('gives every member an admission date between the Charter and South Sudan, observers none', async () => {
    const { states } = await listStates(ctx)
    for (const s of states) {
      if (s.membership === 'observer') {
        expect(s.admissionDate, s.name).toBeNull()
        continue
      }
      expect(s.admissionDate, s.name).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(new Date(`${s.admissionDate}T00:00:00Z`).toISOString().slice(0, 10), s.name).toBe(
        s.admissionDate,
      )
      expect(s.admissionDate! >= '1945-10-24' && s.admissionDate! <= '2011-07-14', s.name).toBe(true)
    }
    const byIso3 = new Map(states.map((s) => [s.iso3, s]))
    expect(byIso3.get('SSD')?.admissionDate).toBe('2011-07-14')
    expect(byIso3.get('CHE')?.admissionDate).toBe('2002-09-10')
    expect(byIso3.get('STP')?.admissionDate).toBe('1975-09-16')
  })

  it('names each mission, the United States in its own form, every one in New York', async () => {
    const { states } = await listStates(ctx)
    const byIso3 = new Map(states.map((s) => [s.iso3, s]))
    expect(byIso3.get('USA')?.mission.name).toBe('United States Mission to the United Nations')
    expect(byIso3.get('TCD')?.mission.name).toBe(
      'Permanent Mission of the Republic of Chad to the United Nations',
    )
    const seedMissions = readSeedMissions()
    expect(byIso3.get('STP')?.mission.headStatus).toBe('unknown')
    for (const s of states) {
      expect(s.mission.city).toBe('New York')
      expect(s.mission.name).toMatch(/Mission .*to the United Nations$/)
      expect(s.mission.source.kind).toBe('seed')
      // The head as missions.json gives it; unknown where it gives none (São Tomé and Príncipe).
      expect(s.mission.headStatus, s.iso3).toBe(seedMissions.missions[s.iso3]?.head.status ?? 'unknown')
    }
  })

  it("keeps aliases unique and never equal to another state's name", () => {
    const seen = new Map<string, string>()
    for (const s of readSeedStates()) {
      for (const name of [s.name, s.formalName, ...s.aliases]) {
        const key = name.toLowerCase()
        const owner = seen.get(key)
        if (owner && owner !== s.iso3) throw new Error(`"${name}" names both ${owner} and ${s.iso3}`)
        seen.set(key, s.iso3)
      }
    }
    expect(seen.size).toBeGreaterThan(195 * 2)
  })

  it('answers "who sits on the Security Council on a given date" from the terms', async () => {
    const on2026 = await findCouncilMembersOn(ctx, '2026-06-01')
    expect(on2026.map((s) => s.iso3).sort()).toEqual(
      [
        'CHN',
        'FRA',
        'RUS',
        'GBR',
        'USA',
        'DNK',
        'GRC',
        'PAK',
        'PAN',
        'SOM',
        'BHR',
        'COL',
        'COD',
        'LVA',
        'LBR',
      ].sort(),
    )
    expect(on2026.slice(0, 5).every((s) => s.securityCouncil?.seat === 'permanent')).toBe(true)
    const denmark = on2026.find((s) => s.iso3 === 'DNK')
    expect(denmark?.securityCouncil).toEqual({
      seat: 'elected',
      termStart: '2025-01-01',
      termEnd: '2026-12-31',
    })
    // The Council changes on 1 January: 2025's elected members differ from 2026's.
    const on2025 = (await findCouncilMembersOn(ctx, '2025-12-31')).map((s) => s.iso3)
    expect(on2025).toHaveLength(15)
    expect(on2025).toEqual(expect.arrayContaining(['DZA', 'GUY', 'KOR', 'SLE', 'SVN', 'DNK']))
    expect(on2025).not.toContain('BHR')
    const on2027 = (await findCouncilMembersOn(ctx, '2027-03-01')).map((s) => s.iso3)
    expect(on2027).toHaveLength(10)
    expect(on2027).not.toContain('DNK')
  })

  it('seats only member states, each elected term two calendar years', () => {
    const council = readSeedCouncil()
    const members = new Set(
      readSeedStates()
        .filter((s) => s.membership === 'member')
        .map((s) => s.iso3),
    )
    for (const iso3 of council.permanent) expect(members.has(iso3), iso3).toBe(true)
    for (const term of council.elected) {
      expect(members.has(term.iso3), term.iso3).toBe(true)
      expect(term.termEnd - term.termStart, term.iso3).toBe(1)
    }
  })

  it('seeds once: a second run adds nothing and changes no mission', async () => {
    const before = await ctx.db.selectFrom('mission_version').selectAll().execute()
    await seedDirectory(ctx)
    const after = await ctx.db.selectFrom('mission_version').selectAll().execute()
    expect(after).toEqual(before)
    expect(after).toHaveLength(195)
  })
})
