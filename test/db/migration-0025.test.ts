import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { engineOf } from '../../src/db/engine.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestContext } from '../helpers/test-context.js'

// Migration 0025 (an ask's title and purpose in other languages) on the run's engine: the first
// ask gets its five, undone and done again cleanly; a first ask an organizer renamed before it ran
// gets none (its organizer writes their own), and the ask's own text is never touched.

const ctx = await createTestContext()
const db = ctx.db
const texts = () => db.selectFrom('ask_text').select(['ask_id', 'language']).orderBy('language').execute()

/** The names of the indexes on `letter`, on either engine. */
async function letterIndexes(): Promise<string[]> {
  const query =
    engineOf(db) === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'letter'`
      : sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'letter'`
  return (await query.execute(db)).rows.map((r) => r.name)
}

describe('migration 0025', () => {
  it('gives the first ask its title and purpose in the five other UN languages', async () => {
    expect((await texts()).map((t) => t.language)).toEqual(['ar', 'es', 'fr', 'ru', 'zh'])
    const own = await db
      .selectFrom('ask')
      .select(['title', 'purpose'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
    expect(own.title).toBe('All 193 member states')
    expect(own.purpose).toMatch(/^Ask every UN member state/)
  })

  it('undoes to 0022 and does again, and leaves a renamed first ask to its organizers', async () => {
    await migrateTo(db, '0022-operations')
    const tables = await db.introspection.getTables()
    expect(tables.map((t) => t.name)).not.toContain('ask_text')
    expect(await letterIndexes()).not.toContain('letter_ask')
    await db.updateTable('ask').set({ title: 'Everyone' }).where('id', '=', 1).execute()
    await migrateToLatest(db)
    expect(await texts()).toEqual([])
    await migrateTo(db, '0022-operations')
    await db.updateTable('ask').set({ title: 'All 193 member states' }).where('id', '=', 1).execute()
    await migrateToLatest(db)
    expect(await texts()).toHaveLength(5)
    // Printing by ask reads an ask's letters through their own index, in id order.
    expect(await letterIndexes()).toContain('letter_ask')
    // Each language once per ask, and only the five: English is the ask's own.
    await expect(
      db
        .insertInto('ask_text')
        .values({ ask_id: 1, language: 'en' as never, title: 'x', purpose: '' })
        .execute(),
    ).rejects.toThrow()
    await expect(
      db.insertInto('ask_text').values({ ask_id: 1, language: 'fr', title: 'x', purpose: '' }).execute(),
    ).rejects.toThrow()
  })
})
