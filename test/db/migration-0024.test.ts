import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestDatabase } from '../helpers/test-context.js'

// Migration 0024 (moderation): every ask gets moderation 'none' (today's behaviour), refusing any
// other word than the three; the word list and the review records appear; the outbox may carry
// 'review_notice' (SQLite rebuilds outbox_message, PostgreSQL swaps its constraint) with every
// message kept; and it undoes cleanly. On a database of 0022 of the run's engine.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-migration-0024-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const database = await createTestDatabase(path.join(tmp, 'at-0022.sqlite'))

const AT = '2026-05-01T10:00:00.000Z'
const NEW_TABLES = ['letter_review', 'moderation_term']
let counter = 0

const tablesOf = async (db: Database) =>
  (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => NEW_TABLES.includes(name))
    .sort()
const outboxOf = (db: Database) => db.selectFrom('outbox_message').selectAll().orderBy('id').execute()
const message = (kind: string) => {
  counter++
  return {
    kind: kind as 'reminder',
    status: 'queued' as const,
    recipients: '["writer@example.org"]',
    message_id: `<m24-${counter}@example.org>`,
    attempts: 0,
    next_attempt_at: AT,
    created_at: AT,
    updated_at: AT,
  }
}
const CHECK = /CHECK constraint failed|violates check constraint/

describe('migration 0024 on a database of 0022, on the run’s engine', () => {
  let db: Database
  let outboxBefore: unknown[]

  beforeAll(async () => {
    db = openDatabase(database.location)
    await migrateTo(db, '0022-operations')
    expect(await tablesOf(db)).toEqual([])
    await db.insertInto('outbox_message').values(message('reply_notice')).execute()
    await expect(db.insertInto('outbox_message').values(message('review_notice')).execute()).rejects.toThrow(
      CHECK,
    )
    outboxBefore = await outboxOf(db)
    await migrateToLatest(db)
  })
  afterAll(() => db.destroy())

  it('gives every ask moderation none, allows only the three choices, and review_notice in the outbox', async () => {
    expect(await tablesOf(db)).toEqual(NEW_TABLES)
    const asks = await db.selectFrom('ask').select(['id', 'moderation']).execute()
    expect(asks.length).toBeGreaterThan(0)
    expect(asks.every((a) => a.moderation === 'none')).toBe(true)
    await db.updateTable('ask').set({ moderation: 'first_time' }).where('id', '=', asks[0]!.id).execute()
    await expect(
      db
        .updateTable('ask')
        .set({ moderation: 'sometimes' as 'all' })
        .where('id', '=', asks[0]!.id)
        .execute(),
    ).rejects.toThrow(CHECK)
    expect(await outboxOf(db)).toEqual(outboxBefore)
    await db.insertInto('outbox_message').values(message('review_notice')).execute()
    await expect(db.insertInto('outbox_message').values(message('carrier_pigeon')).execute()).rejects.toThrow(
      CHECK,
    )
  })

  it('refuses a review held for an unknown reason or with an unknown outcome', async () => {
    const review = { letter_id: 999_999, held_at: AT, held_because: 'all' as const, held_terms: null }
    // The CHECK refuses it before any foreign key is looked at (there is no such letter).
    await expect(
      db
        .insertInto('letter_review')
        .values({ ...review, held_because: 'whim' as 'all' })
        .execute(),
    ).rejects.toThrow(CHECK)
    await expect(
      db
        .insertInto('letter_review')
        .values({ ...review, outcome: 'shrugged' as 'approved' })
        .execute(),
    ).rejects.toThrow(CHECK)
  })

  it('can be undone to 0022 (dropping review notices, keeping the rest) and done again', async () => {
    await migrateTo(db, '0022-operations')
    expect(await tablesOf(db)).toEqual([])
    expect(await outboxOf(db)).toEqual(outboxBefore)
    const columns = (await db.introspection.getTables())
      .find((t) => t.name === 'ask')!
      .columns.map((c) => c.name)
    expect(columns).not.toContain('moderation')
    await migrateToLatest(db)
    expect(await tablesOf(db)).toEqual(NEW_TABLES)
  })
})
