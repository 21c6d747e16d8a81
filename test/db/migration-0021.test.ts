import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findCurrentPositions, findEngagementSpans } from '../../src/canvassing/coverage.repository.js'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { seedDirectory } from '../../src/directory/directory-seed.js'
import { fixedClock } from '../../src/lib/clock.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migration 0021 (corrections) on a database of 0018 of the run's engine holding letters (some with
// a personal paragraph), engagements and positions: every row kept and counted as before, the new
// counter filled from the letters already there, the letter triggers counting it from then on,
// and undone to 0018 and done again cleanly.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0021-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'at-0018.sqlite'))
const AT = '2026-05-01T10:00:00.000Z'

let serial = 0
async function insertLetter(db: Database, iso3: string, note: string | null): Promise<void> {
  serial += 1
  const mission = await db
    .selectFrom('mission_version')
    .select('id')
    .where('state_iso3', '=', iso3)
    .executeTakeFirstOrThrow()
  await db
    .insertInto('letter')
    .values({
      public_id: `migration0021letter${String(serial).padStart(3, '0')}`,
      reference: `CB-M21${String(serial).padStart(3, '0')}`,
      state_iso3: iso3,
      template_id: 'supporter',
      language: 'en',
      paper_size: 'a4',
      status: 'draft',
      supporter_name: 'Test Writer',
      supporter_address_lines: '[]',
      personal_note: note,
      addressee: '{}',
      document: '{}',
      mission_version_id: mission.id,
      created_at: AT,
      updated_at: AT,
    } as never)
    .execute()
}

const counters = async (db: Database) =>
  Object.fromEntries(
    (
      await db
        .selectFrom('state_letter_stats')
        .select(['state_iso3', 'written', 'with_personal_note'])
        .where('state_iso3', 'in', ['GHA', 'PER'])
        .execute()
    ).map((r) => [r.state_iso3, [Number(r.written), Number(r.with_personal_note)]]),
  )

describe('migration 0021 on a database of 0018 with letters, engagements and positions in it', () => {
  let db: Database

  beforeAll(async () => {
    db = openDatabase(database.location)
    // The directory is seeded as it is at start, on the latest schema (the seeder keeps what
    // organizers changed of the Council's terms, migration 0022), then taken back to 0018.
    await migrateToLatest(db)
    await seedDirectory({ db, clock: fixedClock(AT), log: pino({ level: 'silent' }) }, { contacts: false })
    await migrateTo(db, '0018-outbox-workers')
    await insertLetter(db, 'GHA', 'A paragraph of my own.')
    await insertLetter(db, 'GHA', '')
    await insertLetter(db, 'GHA', null)
    await insertLetter(db, 'PER', 'Otro párrafo.')
    await db
      .insertInto('engagement')
      .values({
        state_iso3: 'GHA',
        kind: 'call',
        occurred_on: '2026-04-30',
        text: '',
        source: 'organizer',
        organizer_id: null,
        letter_id: null,
        created_at: AT,
      } as never)
      .execute()
    await db
      .insertInto('state_position')
      .values({
        state_iso3: 'PER',
        position: 'supportive',
        noted_on: '2026-04-29',
        note: '',
        organizer_id: null,
        created_at: AT,
      } as never)
      .execute()
    await migrateToLatest(db)
  })
  afterAll(() => db?.destroy())

  it('fills the personal-paragraph counter from the letters there, and the triggers keep it', async () => {
    expect(await counters(db)).toEqual({ GHA: [3, 1], PER: [1, 1] })
    await insertLetter(db, 'GHA', 'Another one.')
    await insertLetter(db, 'PER', null)
    expect(await counters(db)).toEqual({ GHA: [4, 2], PER: [2, 1] })
  })

  it('keeps the engagements and positions, counted by coverage (none is withdrawn)', async () => {
    expect(await findEngagementSpans(db)).toEqual([
      { state_iso3: 'GHA', kind: 'call', first_on: '2026-04-30', last_on: '2026-04-30' },
    ])
    expect(await findCurrentPositions(db, { publishedOnly: false })).toEqual([
      { state_iso3: 'PER', position: 'supportive', noted_on: '2026-04-29' },
    ])
    const engagement = await db.selectFrom('engagement').selectAll().executeTakeFirstOrThrow()
    expect(engagement).toMatchObject({ withdrawn_at: null, withdrawn_by: null, withdrawn_reason: null })
  })

  it('can be undone to 0018 (letters still counted, without the new counter) and done again', async () => {
    await migrateTo(db, '0018-outbox-workers')
    const columns = (await db.introspection.getTables())
      .find((t) => t.name === 'state_letter_stats')!
      .columns.map((c) => c.name)
    expect(columns).not.toContain('with_personal_note')
    expect((await db.introspection.getTables()).map((t) => t.name)).not.toContain('engagement_revision')
    await insertLetter(db, 'GHA', 'Written while at 0018.')
    const written = await db
      .selectFrom('state_letter_stats')
      .select('written')
      .where('state_iso3', '=', 'GHA')
      .executeTakeFirstOrThrow()
    expect(Number(written.written)).toBe(5)
    await migrateToLatest(db)
    expect(await counters(db)).toEqual({ GHA: [5, 3], PER: [2, 1] })
  })
})
