import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migration 0010 (issue 12, finding 4) widens the organizer role CHECK (and the outbox kinds) by
// rebuilding three tables that nine others reference. A database of 0009 with organizers of both
// old roles, their invitations, sessions, audit rows and rows pointing at them must come out with
// every row, index and foreign key as it was, under the new CHECKs.
//
// The rebuild is SQLite's alone, so the first part runs on SQLite in either run: PostgreSQL has no
// 0009 to start from (its baseline creates today's tables at once, and the migrator records 0010
// as done without running it). What 0010 gave, the roles and kinds its CHECKs allow and ids never
// handed out twice, is then checked on a new database of the run's engine: PostgreSQL's baseline
// under TEST_ENGINE=postgres (schema-engines.test.ts compares the columns, keys and indexes of both
// engines, not CHECKs).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0010-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
/** A new database of the run's engine, for the second part. */
const fresh = await createTestDatabase(path.join(tmp, 'new.sqlite'))

const AT = '2026-05-01T10:00:00.000Z'
/** The tables 0010 rebuilds, and tables whose rows point at them. */
const TABLES = [
  'organizer',
  'organizer_invite',
  'organizer_session',
  'audit_event',
  'directory_upload',
  'campaign_update',
  'outbox_message',
  'delivery_attempt',
] as const

type Row = Record<string, unknown>
type Db = Database

const rowsOf = async (db: Db, table: string) =>
  (await sql<Row>`select * from ${sql.table(table)} order by rowid`.execute(db)).rows
const indexesOf = async (db: Db) =>
  (
    await sql<{ name: string; tbl_name: string; sql: string | null }>`
      select name, tbl_name, sql from sqlite_master where type = 'index' order by name`.execute(db)
  ).rows
/** Whether running `statement` fails, with the message SQLite gives. */
const refusal = async (db: Db, statement: ReturnType<typeof sql>) => {
  try {
    await statement.execute(db)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

async function fillAt0009(db: Db): Promise<void> {
  const organizer = (id: number, email: string, role: string, disabledAt: string | null) => sql`
    insert into organizer (id, email, name, role, password_hash, created_at, updated_at, last_login_at, disabled_at)
    values (${id}, ${email}, ${`Name ${id}`}, ${role}, ${`scrypt$hash${id}`}, ${AT}, ${AT}, ${AT}, ${disabledAt})`
  await organizer(7, 'ada@example.org', 'admin', null).execute(db)
  await organizer(9, 'olu@example.org', 'organizer', '2026-05-02T00:00:00.000Z').execute(db)
  // An id handed out once and gone: AUTOINCREMENT never gives it again.
  await organizer(11, 'gone@example.org', 'organizer', null).execute(db)
  await sql`delete from organizer where id = 11`.execute(db)
  await sql`insert into organizer_invite (id, token_hash, role, purpose, note, created_by, created_at, expires_at, used_at, used_by)
    values (3, 'hash-setup', 'admin', 'setup', null, null, ${AT}, ${AT}, ${AT}, 7),
           (4, 'hash-invite', 'organizer', 'invite', 'for Olu', 7, ${AT}, ${AT}, ${AT}, 9),
           (5, 'hash-open', 'organizer', 'invite', null, 7, ${AT}, '2026-06-01T00:00:00.000Z', null, null)`.execute(
    db,
  )
  await sql`insert into organizer_session (token_hash, organizer_id, created_at, expires_at, last_seen_at)
    values ('session-ada', 7, ${AT}, ${AT}, ${AT}), ('session-olu', 9, ${AT}, ${AT}, ${AT})`.execute(db)
  await sql`insert into audit_event (id, at, organizer_id, actor_label, action, subject_type, subject_id, summary, details)
    values (20, ${AT}, 7, 'Name 7', 'organizer.invite', 'organizer', '9', 'Invited an organizer', '{"role":"organizer"}'),
           (21, ${AT}, null, 'shell', 'directory.import', 'directory', null, 'Imported', '{}')`.execute(db)
  await sql`insert into directory_upload (id, file_name, source_date, content, sha256, report, uploaded_by, uploaded_at)
    values (2, 'bluebook.json', '2026-04-30', '{}', 'abc', '{}', 9, ${AT})`.execute(db)
  await sql`insert into campaign_update (id, subject, body, created_by, created_at, sent_by, sent_at, recipients)
    values (6, 'News', 'Body', 7, ${AT}, 7, ${AT}, 12)`.execute(db)
  await sql`insert into outbox_message (id, kind, status, recipients, message_id, attempts, next_attempt_at, created_at, updated_at, sent_at)
    values (30, 'reminder', 'sent', '["writer@example.org"]', '<m30@example.org>', 1, ${AT}, ${AT}, ${AT}, ${AT})`.execute(
    db,
  )
  await sql`insert into delivery_attempt (id, outbox_id, attempt, started_at, finished_at, outcome, response)
    values (40, 30, 1, ${AT}, ${AT}, 'accepted', '250 OK')`.execute(db)
}

describe('migration 0010 on a SQLite database of 0009 with organizers in it', () => {
  let db: Db
  const before: Record<string, Row[]> = {}
  let indexesBefore: Awaited<ReturnType<typeof indexesOf>>

  beforeAll(async () => {
    db = openDatabase(path.join(tmp, 'at-0009.sqlite'))
    await migrateTo(db, '0009-privacy')
    // 0009 really is the last one run: the old CHECK still refuses the new roles.
    expect(
      await refusal(
        db,
        sql`insert into organizer (email, name, role, password_hash, created_at, updated_at)
          values ('v@example.org', 'V', 'viewer', 'h', ${AT}, ${AT})`,
      ),
    ).toMatch(/CHECK constraint failed/)
    await fillAt0009(db)
    for (const table of TABLES) before[table] = await rowsOf(db, table)
    indexesBefore = await indexesOf(db)
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('keeps every row, with the same ids and values', async () => {
    for (const table of TABLES) {
      expect(before[table]!.length, table).toBeGreaterThan(0)
      // Only the columns of 0009: a later migration may add some.
      const after = (await rowsOf(db, table)).map((row) =>
        Object.fromEntries(Object.keys(before[table]![0]!).map((column) => [column, row[column]])),
      )
      expect(after, table).toEqual(before[table])
    }
  })

  it('accepts the new roles and refuses a role that is none', async () => {
    await sql`update organizer set role = 'coordinator' where id = 9`.execute(db)
    await sql`insert into organizer_invite (token_hash, role, purpose, created_by, created_at, expires_at)
      values ('hash-viewer', 'viewer', 'invite', 7, ${AT}, ${AT})`.execute(db)
    expect(
      (await sql<{ role: string }>`select role from organizer where id = 9`.execute(db)).rows[0]?.role,
    ).toBe('coordinator')
    expect(await refusal(db, sql`update organizer set role = 'owner' where id = 7`)).toMatch(
      /CHECK constraint failed/,
    )
    expect(
      await refusal(
        db,
        sql`insert into organizer_invite (token_hash, role, purpose, created_at, expires_at)
          values ('hash-bad', 'superuser', 'invite', ${AT}, ${AT})`,
      ),
    ).toMatch(/CHECK constraint failed/)
    // The outbox, rebuilt by the same migration, takes its new kind and still refuses others.
    await sql`insert into outbox_message (kind, status, recipients, message_id, next_attempt_at, created_at, updated_at)
      values ('organizer_notice', 'queued', '["ada@example.org"]', '<n1@example.org>', ${AT}, ${AT}, ${AT})`.execute(
      db,
    )
    expect(
      await refusal(
        db,
        sql`insert into outbox_message (kind, status, recipients, message_id, next_attempt_at, created_at, updated_at)
          values ('spam', 'queued', '[]', '<n2@example.org>', ${AT}, ${AT}, ${AT})`,
      ),
    ).toMatch(/CHECK constraint failed/)
  })

  it('leaves no broken foreign key, and still enforces them', async () => {
    expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([])
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys).toBe(
      1,
    )
    const foreignKey = /FOREIGN KEY constraint failed/
    // Rows of other tables still point at the rebuilt tables, by name: neither can be left dangling.
    expect(await refusal(db, sql`delete from organizer where id = 7`)).toMatch(foreignKey)
    expect(await refusal(db, sql`delete from outbox_message where id = 30`)).toMatch(foreignKey)
    expect(
      await refusal(
        db,
        sql`insert into organizer_session (token_hash, organizer_id, created_at, expires_at, last_seen_at)
          values ('session-nobody', 999, ${AT}, ${AT}, ${AT})`,
      ),
    ).toMatch(foreignKey)
    expect(
      await refusal(
        db,
        sql`insert into audit_event (at, organizer_id, actor_label, action, subject_type, summary)
        values (${AT}, 999, 'x', 'x', 'x', 'x')`,
      ),
    ).toMatch(foreignKey)
    expect(
      await refusal(
        db,
        sql`insert into delivery_attempt (outbox_id, attempt, started_at) values (999, 1, ${AT})`,
      ),
    ).toMatch(foreignKey)
    expect(await refusal(db, sql`update organizer_invite set used_by = 999 where id = 5`)).toMatch(foreignKey)
  })

  it('keeps every index, unique constraints included', async () => {
    const after = await indexesOf(db)
    for (const index of indexesBefore) {
      expect(
        after.find((i) => i.name === index.name),
        index.name,
      ).toEqual(index)
    }
    expect(
      await refusal(
        db,
        sql`insert into organizer (email, name, role, password_hash, created_at, updated_at)
          values ('ada@example.org', 'Twin', 'viewer', 'h', ${AT}, ${AT})`,
      ),
    ).toMatch(/UNIQUE constraint failed: organizer.email/)
    expect(
      await refusal(
        db,
        sql`insert into outbox_message (kind, status, recipients, message_id, next_attempt_at, created_at, updated_at)
          values ('reminder', 'queued', '[]', '<m30@example.org>', ${AT}, ${AT}, ${AT})`,
      ),
    ).toMatch(/UNIQUE constraint failed: outbox_message.message_id/)
  })

  it('never hands out an organizer id again (AUTOINCREMENT’s sequence kept)', async () => {
    const { rows } = await sql<{ id: number }>`
      insert into organizer (email, name, role, password_hash, created_at, updated_at)
      values ('new@example.org', 'New', 'viewer', 'h', ${AT}, ${AT}) returning id`.execute(db)
    expect(rows[0]?.id).toBe(12)
  })
})

describe('what 0010 allows, on a new database of the run’s engine (PostgreSQL: its baseline)', () => {
  let db: Db
  // Each engine words a refusal its own way.
  const CHECK = /CHECK constraint failed|violates check constraint/
  const insertOrganizer = (email: string, role: string) =>
    sql<{ id: number }>`insert into organizer (email, name, role, password_hash, created_at, updated_at)
      values (${email}, 'Name', ${role}, 'h', ${AT}, ${AT}) returning id`

  beforeAll(async () => {
    db = openDatabase(fresh.location)
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('takes the four roles and the organizer_notice kind, and refuses others', async () => {
    for (const role of ['viewer', 'organizer', 'coordinator', 'admin']) {
      await insertOrganizer(`${role}@example.org`, role).execute(db)
      await sql`insert into organizer_invite (token_hash, role, purpose, created_at, expires_at)
        values (${`hash-${role}`}, ${role}, 'invite', ${AT}, ${AT})`.execute(db)
    }
    expect(await refusal(db, insertOrganizer('owner@example.org', 'owner'))).toMatch(CHECK)
    expect(
      await refusal(
        db,
        sql`insert into organizer_invite (token_hash, role, purpose, created_at, expires_at)
          values ('hash-bad', 'superuser', 'invite', ${AT}, ${AT})`,
      ),
    ).toMatch(CHECK)
    const message = (kind: string, id: string) =>
      sql`insert into outbox_message (kind, status, recipients, message_id, next_attempt_at, created_at, updated_at)
        values (${kind}, 'queued', '[]', ${id}, ${AT}, ${AT}, ${AT})`
    await message('organizer_notice', '<n1@example.org>').execute(db)
    expect(await refusal(db, message('spam', '<n2@example.org>'))).toMatch(CHECK)
  })

  it('never hands out a deleted organizer’s id again', async () => {
    const first = (await insertOrganizer('first@example.org', 'viewer').execute(db)).rows[0]!.id
    await sql`delete from organizer where id = ${first}`.execute(db)
    const next = (await insertOrganizer('next@example.org', 'viewer').execute(db)).rows[0]!.id
    expect(next).toBeGreaterThan(first)
  })
})
