import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { seedDirectory } from '../../src/directory/directory-seed.js'
import { seedLetterTemplates } from '../../src/letters/letter-template-seed.js'
import { fixedClock } from '../../src/lib/clock.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migration 0023 (letter templates) on a database of 0022 of the run's engine holding a letter:
// the letter kept, with no version (it was written from the files); the seed then publishes the
// first ask's versions; undone to 0022 (versions and the letter's column gone, the letter kept)
// and done again cleanly.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0023-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'at-0022.sqlite'))
const AT = '2026-05-01T10:00:00.000Z'
const ctxOf = (db: Database) => ({ db, clock: fixedClock(AT), log: pino({ level: 'silent' }) })

describe('migration 0023 on a database of 0022 with a letter in it', () => {
  let db: Database

  beforeAll(async () => {
    db = openDatabase(database.location)
    await migrateToLatest(db)
    await seedDirectory(ctxOf(db), { contacts: false })
    await migrateTo(db, '0022-operations')
    const mission = await db
      .selectFrom('mission_version')
      .select('id')
      .where('state_iso3', '=', 'GHA')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('letter')
      .values({
        public_id: 'migration0023letter001',
        reference: 'CB-M23001',
        state_iso3: 'GHA',
        template_id: 'supporter',
        language: 'en',
        paper_size: 'a4',
        status: 'draft',
        supporter_name: 'Test Writer',
        supporter_address_lines: '[]',
        addressee: '{}',
        document: '{"paragraphs":["As written."]}',
        mission_version_id: mission.id,
        ask_id: 1,
        created_at: AT,
        updated_at: AT,
      } as never)
      .execute()
    await migrateToLatest(db)
  })
  afterAll(() => db?.destroy())

  it('keeps the letter, with no version, and writes no version itself', async () => {
    const letter = await db.selectFrom('letter').selectAll().executeTakeFirstOrThrow()
    expect(letter).toMatchObject({ template_version_id: null, document: '{"paragraphs":["As written."]}' })
    expect(await db.selectFrom('letter_template_version').selectAll().execute()).toEqual([])
    const seeded = await seedLetterTemplates(ctxOf(db))
    expect(seeded.published).toHaveLength(24)
  })

  it('can be undone to 0022 and done again', async () => {
    await migrateTo(db, '0022-operations')
    const tables = await db.introspection.getTables()
    expect(tables.map((t) => t.name)).not.toContain('letter_template_version')
    expect(tables.find((t) => t.name === 'letter')!.columns.map((c) => c.name)).not.toContain(
      'template_version_id',
    )
    expect(await db.selectFrom('letter').select('reference').execute()).toEqual([{ reference: 'CB-M23001' }])
    await migrateToLatest(db)
    expect((await seedLetterTemplates(ctxOf(db))).published).toHaveLength(24)
  })
})
