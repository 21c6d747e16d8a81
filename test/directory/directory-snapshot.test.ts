import { describe, expect, it } from 'vitest'
import { databaseLocation, openDatabase } from '../../src/db/connection.js'
import * as repo from '../../src/directory/directory.repository.js'
import { getState, listStates } from '../../src/directory/directory.service.js'
import { missionDetailsToColumns, UNKNOWN_HEAD } from '../../src/directory/mission-details.js'
import { setMission } from '../helpers/directory-fixtures.js'
import { createTestContext } from '../helpers/test-context.js'

// Names only (no missions.json contact details): Chad has no phone until the change below.
const ctx = await createTestContext({ seed: 'names-only' })

describe('the cached directory list', () => {
  it('shows a change written by another process (another connection) at the next request', async () => {
    const before = await listStates(ctx, { q: 'Chad' })
    expect(before.states[0]?.mission.phone).toBeNull()

    // The import command runs as its own process: a second connection to the same file.
    const other = openDatabase(databaseLocation(ctx.config))
    await other.transaction().execute((trx) =>
      repo.insertMissionVersion(trx, {
        state_iso3: 'TCD',
        valid_from: '2026-06-02T00:00:00.000Z',
        ...missionDetailsToColumns({
          name: 'Permanent Mission of the Republic of Chad to the United Nations',
          city: 'New York',
          addressLines: ['129 East 36th Street', 'New York, NY 10016'],
          phone: '212-986-0980',
          fax: null,
          emails: [],
          website: null,
          languages: ['fr'],
          head: UNKNOWN_HEAD,
        }),
        field_sources: JSON.stringify({ phone: { kind: 'organizer', ref: 'test', date: '2026-06-02' } }),
        changed_fields: JSON.stringify(['addressLines', 'phone', 'languages']),
        import_id: null,
        created_at: '2026-06-02T00:00:00.000Z',
      }),
    )
    await other.destroy()

    const after = await listStates(ctx, { q: 'Chad' })
    expect(after.states[0]?.mission).toMatchObject({ phone: '212-986-0980', languages: ['fr'], version: 2 })
    // A state's details are kept the same way, and follow the same change.
    expect((await getState(ctx, 'TCD')).history.map((v) => v.version)).toEqual([2, 1])
  })

  it("keeps a state's details while nothing changes, and follows a change by this process or another", async () => {
    const first = await getState(ctx, 'NER')
    expect(await getState(ctx, 'NER')).toBe(first)
    // A write elsewhere in the database (not the directory) keeps them.
    await ctx.db
      .insertInto('state_tag')
      .values({
        state_iso3: 'NER',
        tag: 'peacekeeping_host',
        note: null,
        source: 'test',
        created_at: '2026-06-02',
      })
      .execute()
    expect(await getState(ctx, 'NER')).toBe(first)

    await setMission(ctx, 'NER', { phone: '212-421-3260' })
    const afterOwn = await getState(ctx, 'NER')
    expect(afterOwn.mission.phone).toBe('212-421-3260')

    const other = openDatabase(databaseLocation(ctx.config))
    await other
      .updateTable('state')
      .set({ updated_at: '2026-06-03T00:00:00.000Z', formal_name: 'Republic of the Niger (renamed in test)' })
      .where('iso3', '=', 'NER')
      .execute()
    await other.destroy()
    expect((await getState(ctx, 'NER')).formalName).toBe('Republic of the Niger (renamed in test)')
  })

  it('shows the Council of the year asked for, whatever year was asked before', async () => {
    expect(
      (await listStates(ctx, { council: 'elected', on: '2026-01-01' })).states.map((s) => s.iso3),
    ).toContain('LVA')
    expect(
      (await listStates(ctx, { council: 'elected', on: '2024-01-01' })).states.map((s) => s.iso3),
    ).not.toContain('LVA')
    expect((await listStates(ctx, { council: 'elected', on: '2026-12-31' })).count).toBe(10)
  })
})
