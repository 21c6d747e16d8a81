/**
 * A process writing to a SQLite file in read-then-write transactions, for
 * test/db/immediate-transactions.test.ts: `tsx sqlite-writer.ts FILE immediate|deferred N TAG START`
 * (START: the time, in ms since the epoch, both processes begin at, so that they overlap).
 * Prints one line of JSON: how many transactions committed and the errors met.
 */
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { openDatabase } from '../../src/db/connection.js'
import { withStatementCache } from '../../src/db/statement-cache.js'

/** The one table the writers use (not the service's schema). */
interface Hits {
  hits: { id: number; tag: string; seen: number }
}

const [file, mode, count, tag, start] = process.argv.slice(2)
// "deferred": Kysely's own SQLite set-up, for comparison; "immediate": the service's.
const db =
  mode === 'immediate'
    ? (openDatabase(file!) as unknown as Kysely<Hits>)
    : new Kysely<Hits>({
        dialect: new SqliteDialect({
          database: withStatementCache(
            (() => {
              const sqlite = new SQLite(file!)
              sqlite.pragma('journal_mode = WAL')
              sqlite.pragma('busy_timeout = 5000')
              return sqlite
            })(),
          ),
        }),
      })
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(start) - Date.now())))
let committed = 0
const errors: string[] = []
for (let i = 0; i < Number(count); i++) {
  try {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from hits`.execute(trx)
      // Another process may commit meanwhile (the event loop turns between the statements).
      await new Promise((resolve) => setTimeout(resolve, 1))
      await sql`insert into hits (tag, seen) values (${tag}, ${Number(rows[0]?.n)})`.execute(trx)
    })
    committed++
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error))
  }
}
await db.destroy()
console.log(JSON.stringify({ committed, errors: [...new Set(errors)], failed: errors.length }))
