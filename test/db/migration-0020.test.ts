import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migration 0020 (missions' replies) lets the outbox carry a new kind, 'reply_notice': SQLite
// rebuilds outbox_message for its CHECK, PostgreSQL swaps the constraint. On a database of 0018 of
// the run's engine holding a message and its attempt, every row must be kept, the new kind allowed
// and any other refused, and the migration must undo cleanly.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0020-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'at-0018.sqlite'))

const AT = '2026-05-01T10:00:00.000Z'
const NEW_TABLES = [
  'letter_reply_notice',
  'mission_reply',
  'mission_reply_letter',
  'state_position_publication',
]
let counter = 0

const tablesOf = async (db: Database) =>
  (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => NEW_TABLES.includes(name))
    .sort()
const outboxOf = (db: Database) => db.selectFrom('outbox_message').selectAll().orderBy('id').execute()
const attemptsOf = (db: Database) => db.selectFrom('delivery_attempt').selectAll().orderBy('id').execute()
const message = (kind: string) => {
  counter++
  return {
    kind: kind as 'reminder',
    status: 'queued' as const,
    recipients: '["writer@example.org"]',
    message_id: `<m${counter}@example.org>`,
    attempts: 0,
    next_attempt_at: AT,
    created_at: AT,
    updated_at: AT,
  }
}

describe('migration 0020 on a database of 0018 with outbox messages, on the run’s engine', () => {
  let db: Database
  let before: { outbox: unknown[]; attempts: unknown[] }

  beforeAll(async () => {
    db = openDatabase(database.location)
    await migrateTo(db, '0018-outbox-workers')
    expect(await tablesOf(db)).toEqual([])
    const { id } = await db
      .insertInto('outbox_message')
      .values(message('reminder'))
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('delivery_attempt')
      .values({
        outbox_id: id,
        attempt: 1,
        started_at: AT,
        finished_at: AT,
        outcome: 'temporary_failure',
        response: '451',
        worker: 'h:1:a',
      })
      .execute()
    await expect(db.insertInto('outbox_message').values(message('reply_notice')).execute()).rejects.toThrow(
      /CHECK constraint failed|violates check constraint/,
    )
    before = { outbox: await outboxOf(db), attempts: await attemptsOf(db) }
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('keeps every message and attempt, allows reply_notice and refuses an unknown kind', async () => {
    expect(await tablesOf(db)).toEqual(NEW_TABLES)
    expect(await outboxOf(db)).toEqual(before.outbox)
    expect(await attemptsOf(db)).toEqual(before.attempts)
    const { id } = await db
      .insertInto('outbox_message')
      .values(message('reply_notice'))
      .returning('id')
      .executeTakeFirstOrThrow()
    expect(id).toBeGreaterThan((before.outbox[0] as { id: number }).id)
    await expect(db.insertInto('outbox_message').values(message('carrier_pigeon')).execute()).rejects.toThrow(
      /CHECK constraint failed|violates check constraint/,
    )
  })

  it('can be undone to 0018 (dropping reply notices, keeping the rest) and done again', async () => {
    await migrateTo(db, '0018-outbox-workers')
    expect(await tablesOf(db)).toEqual([])
    expect(await outboxOf(db)).toEqual(before.outbox)
    expect(await attemptsOf(db)).toEqual(before.attempts)
    await expect(db.insertInto('outbox_message').values(message('reply_notice')).execute()).rejects.toThrow(
      /CHECK constraint failed|violates check constraint/,
    )
    await migrateToLatest(db)
    expect(await tablesOf(db)).toEqual(NEW_TABLES)
  })
})
