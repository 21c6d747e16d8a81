import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely'

/** The database engine a `Kysely` runs on: code whose SQL must differ asks `engineOf(db)`. */
export type Engine = 'sqlite' | 'postgres'

/** Which engine `db` (or a transaction of it) runs on. */
export function engineOf(db: Pick<Kysely<unknown>, 'getExecutor'>): Engine {
  // A transaction is a Kysely of its own, sharing its parent's executor and so its adapter.
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}

/**
 * SQLite's `indexed by <index>` after a table name, or nothing on PostgreSQL, which has no such
 * clause: its planner picks a partial index whose condition the query repeats, from statistics.
 * (On SQLite, INDEXED BY keeps the planner on the index and fails loudly if it is ever lost.)
 */
export function indexedBy(db: Pick<Kysely<unknown>, 'getExecutor'>, index: string): RawBuilder<unknown> {
  return engineOf(db) === 'sqlite' ? sql.raw(`indexed by ${index}`) : sql``
}
