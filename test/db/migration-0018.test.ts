import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, engineOf, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migrations 0017 (shared counters, job leases) and 0018 (outbox workers) are the first to run on
// both engines: PostgreSQL's baseline stands for 0001–0016. On a database of 0016 of the run's
// engine (PostgreSQL under TEST_ENGINE=postgres) holding an outbox message and its attempts, they
// must keep every row, name no worker for attempts made before them, and undo cleanly.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0018-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'at-0016.sqlite'))

const AT = '2026-05-01T10:00:00.000Z'
const NEW_TABLES = ['rate_limit_hit', 'job_lease', 'outbox_worker']

async function shape(db: Database): Promise<{ tables: string[]; attemptColumns: string[] }> {
  const tables = await db.introspection.getTables()
  return {
    tables: tables
      .map((t) => t.name)
      .filter((name) => NEW_TABLES.includes(name))
      .sort(),
    attemptColumns: tables.find((t) => t.name === 'delivery_attempt')!.columns.map((c) => c.name),
  }
}

const attemptsOf = (db: Database) =>
  db
    .selectFrom('delivery_attempt')
    .select(['id', 'outbox_id', 'attempt', 'started_at', 'finished_at', 'outcome', 'response'])
    .orderBy('id')
    .execute()

describe('migrations 0017 and 0018 on a database of 0016 with outbox attempts in it, on the run’s engine', () => {
  let db: Database
  let before: Awaited<ReturnType<typeof attemptsOf>>

  beforeAll(async () => {
    db = openDatabase(database.location)
    await migrateTo(db, '0016-outbox-sending')
    expect(await shape(db)).toEqual({
      tables: [],
      attemptColumns: ['id', 'outbox_id', 'attempt', 'started_at', 'finished_at', 'outcome', 'response'],
    })
    const { id } = await db
      .insertInto('outbox_message')
      .values({
        kind: 'reminder',
        status: 'uncertain',
        recipients: '["writer@example.org"]',
        message_id: '<m1@example.org>',
        attempts: 2,
        next_attempt_at: AT,
        created_at: AT,
        updated_at: AT,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('delivery_attempt')
      .values([
        {
          outbox_id: id,
          attempt: 1,
          started_at: AT,
          finished_at: AT,
          outcome: 'temporary_failure',
          response: '451 later',
        },
        { outbox_id: id, attempt: 2, started_at: AT, finished_at: null, outcome: null, response: null },
      ])
      .execute()
    before = await attemptsOf(db)
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('keeps every attempt, names no worker for them, and adds the new tables', async () => {
    expect(before).toHaveLength(2)
    expect(await attemptsOf(db)).toEqual(before)
    const workers = await db.selectFrom('delivery_attempt').select('worker').execute()
    expect(workers).toEqual([{ worker: null }, { worker: null }])
    expect(await shape(db)).toEqual({
      tables: [...NEW_TABLES].sort(),
      attemptColumns: expect.arrayContaining(['worker']),
    })
    await db.insertInto('outbox_worker').values({ name: 'host:1:a', alive_until: AT }).execute()
    await db
      .insertInto('job_lease')
      .values({ name: 'reminders', holder: 'host:1:a', leased_until: AT, started_at: AT })
      .execute()
    await db.insertInto('rate_limit_hit').values({ key: 'k', hits: 1, resets_at: AT }).execute()
    await expect(
      db.insertInto('outbox_worker').values({ name: 'host:1:a', alive_until: AT }).execute(),
    ).rejects.toThrow(/UNIQUE constraint failed|duplicate key value/)
  })

  it('can be undone to 0016, keeping the attempts, and done again', async () => {
    await migrateTo(db, '0016-outbox-sending')
    expect((await shape(db)).tables).toEqual([])
    expect((await shape(db)).attemptColumns).not.toContain('worker')
    expect(await attemptsOf(db)).toEqual(before)
    if (engineOf(db) === 'postgres') {
      // Nothing before the baseline to go back to.
      await expect(migrateTo(db, '0015-bounces')).rejects.toThrow(
        'PostgreSQL starts from its baseline (0016-outbox-sending): it has no 0015-bounces',
      )
    }
    await migrateToLatest(db)
    expect((await shape(db)).tables).toEqual([...NEW_TABLES].sort())
  })
})
