import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { withStatementCache } from '../../src/db/statement-cache.js'

// Kysely prepares the SQL of every query it runs; the cache makes that once per SQL text. It must
// give the same answers as preparing each time, including after the schema changes. SQLite in
// either run: the cache holds better-sqlite3's prepared statements, on SQLite connections only.

let sqlite: SQLite.Database
let db: Kysely<Record<string, Record<string, unknown>>>
afterEach(async () => {
  await db?.destroy()
})

function open(capacity?: number) {
  sqlite = new SQLite(':memory:')
  const prepared: string[] = []
  const prepare = sqlite.prepare.bind(sqlite)
  sqlite.prepare = ((text: string) => {
    prepared.push(text)
    return prepare(text)
  }) as typeof sqlite.prepare
  db = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, capacity) }) })
  return prepared
}

describe('withStatementCache', () => {
  it('prepares each SQL text once and runs it with each call’s parameters', async () => {
    const prepared = open()
    await sql`create table note (id integer primary key, body text)`.execute(db)
    for (const body of ['first', 'second', 'third']) {
      await db.insertInto('note').values({ body }).execute()
    }
    const found = []
    for (const id of [1, 3, 2]) {
      found.push(await db.selectFrom('note').select('body').where('id', '=', id).executeTakeFirst())
    }
    expect(found).toEqual([{ body: 'first' }, { body: 'third' }, { body: 'second' }])
    expect(prepared.filter((text) => text.startsWith('insert'))).toHaveLength(1)
    expect(prepared.filter((text) => text.startsWith('select'))).toHaveLength(1)
  })

  it('keeps at most `capacity` statements, dropping the one used least recently', async () => {
    const prepared = open(2)
    const one = sql`select 1 as n`
    const two = sql`select 2 as n`
    const three = sql`select 3 as n`
    await one.execute(db)
    await two.execute(db)
    await one.execute(db) // "one" is now the most recently used
    await three.execute(db) // evicts "two"
    await one.execute(db) // still cached
    await two.execute(db) // prepared again
    expect(prepared).toEqual(['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 2 as n'])
  })

  it('answers with the new schema after a migration changes a table under a cached statement', async () => {
    open()
    await sql`create table note (id integer primary key, body text)`.execute(db)
    await db.insertInto('note').values({ body: 'before' }).execute()
    const all = () => sql<Record<string, unknown>>`select * from note`.execute(db)
    expect((await all()).rows).toEqual([{ id: 1, body: 'before' }])
    await sql`alter table note add column author text default 'nobody'`.execute(db)
    expect((await all()).rows).toEqual([{ id: 1, body: 'before', author: 'nobody' }])
  })

  it('closes the database', async () => {
    open()
    await sql`select 1`.execute(db)
    await db.destroy()
    expect(sqlite.open).toBe(false)
  })
})
