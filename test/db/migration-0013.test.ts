import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'

// Migration 0013 (issue 14, item 3): a source code on letters and members, and the partners.
// Columns are added (not a table rebuild): existing rows get no source, the letter's triggers stay.
// SQLite in either run: PostgreSQL has no 0012 to start from (its baseline has these columns,
// indexes and the partner table from the start; schema-engines.test.ts checks they match SQLite's).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0013-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const AT = '2026-05-01T10:00:00.000Z'

const columnsOf = async (db: Database, table: string) =>
  (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map(
    (r) => r.name,
  )
const schemaObjects = async (db: Database, type: 'index' | 'trigger') =>
  (
    await sql<{ name: string }>`select name from sqlite_master where type = ${type} order by name`.execute(db)
  ).rows.map((r) => r.name)

describe('migration 0013 on a SQLite database of 0012 with a member in it', () => {
  let db: Database
  let triggersBefore: string[]

  beforeAll(async () => {
    db = openDatabase(path.join(tmp, 'at-0012.sqlite'))
    await migrateTo(db, '0012-letter-languages')
    expect(await columnsOf(db, 'letter')).not.toContain('source')
    await sql`insert into member (public_id, kind, status, email, helps, source, consent_updates, created_at, updated_at, confirmed_at)
      values ('p1', 'individual', 'active', 'old@example.org', '[]', 'join_form', 0, ${AT}, ${AT}, ${AT})`.execute(
      db,
    )
    triggersBefore = await schemaObjects(db, 'trigger')
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('adds the columns, existing rows without a source, and keeps the letter’s triggers', async () => {
    expect(await columnsOf(db, 'letter')).toContain('source')
    expect(await columnsOf(db, 'member')).toEqual(expect.arrayContaining(['source', 'source_code']))
    const member = await sql<{ source: string; source_code: string | null }>`
      select source, source_code from member where public_id = 'p1'`.execute(db)
    expect(member.rows).toEqual([{ source: 'join_form', source_code: null }])
    // Every trigger of 0012 kept (later migrations add their own: 0019's per-ask counters).
    expect(await schemaObjects(db, 'trigger')).toEqual(expect.arrayContaining(triggersBefore))
    expect(triggersBefore).toEqual(expect.arrayContaining(['letter_stats_insert', 'letter_pdf_stale']))
    expect(await schemaObjects(db, 'index')).toEqual(
      expect.arrayContaining(['letter_source', 'member_source']),
    )
  })

  it('makes a partner’s code unique', async () => {
    await sql`insert into partner (name, code, created_at, updated_at) values ('A', 'a', ${AT}, ${AT})`.execute(
      db,
    )
    await expect(
      sql`insert into partner (name, code, created_at, updated_at) values ('B', 'a', ${AT}, ${AT})`.execute(
        db,
      ),
    ).rejects.toThrow(/UNIQUE constraint failed: partner.code/)
  })

  it('can be undone and done again', async () => {
    await migrateTo(db, '0012-letter-languages')
    expect(await columnsOf(db, 'letter')).not.toContain('source')
    expect(await columnsOf(db, 'member')).not.toContain('source_code')
    expect(await schemaObjects(db, 'index')).not.toContain('letter_source')
    await migrateToLatest(db)
    expect(await columnsOf(db, 'letter')).toContain('source')
  })
})
