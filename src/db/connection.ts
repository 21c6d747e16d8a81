import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'

export { type Engine, engineOf } from './engine.js'

import { DEFAULT_SYNCHRONOUS, SYNCHRONOUS_MODES, type SynchronousMode } from './durability.js'
import { withImmediateTransactions } from './immediate-transactions.js'
import { PostgresKysely } from './postgres-transactions.js'
import type { DB } from './schema.js'
import { withStatementCache } from './statement-cache.js'

export type Database = Kysely<DB>

/** Where the database is: DATABASE_URL when set (PostgreSQL), else the SQLite file. */
export function databaseLocation(config: { databasePath: string; databaseUrl: string | null }): string {
  return config.databaseUrl ?? config.databasePath
}

/** Whether `location` is a PostgreSQL URL (postgres:// or postgresql://) rather than a SQLite file. */
export const isPostgresLocation = (location: string): boolean => /^postgres(ql)?:\/\//.test(location)

/**
 * Opens the database at `location`: a postgres:// URL (a pool of at most `poolSize` connections
 * to PostgreSQL) or the SQLite file (created if needed; `synchronous` is its durability), with the
 * settings the service relies on.
 */
export function openDatabase(
  location: string,
  {
    synchronous = DEFAULT_SYNCHRONOUS,
    poolSize = 10, // DATABASE_POOL_SIZE's default
  }: { synchronous?: SynchronousMode; poolSize?: number } = {},
): Database {
  return isPostgresLocation(location) ? openPostgres(location, poolSize) : openSqlite(location, synchronous)
}

function openSqlite(file: string, synchronous: SynchronousMode): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new SQLite(file)
  // WAL: readers never wait for the writer, and a crash mid-write leaves the last commit intact.
  sqlite.pragma('journal_mode = WAL')
  // @NOTE checked again after loadConfig: SQLite ignores a pragma value it does not know, silently.
  if (!SYNCHRONOUS_MODES.includes(synchronous)) {
    sqlite.close()
    throw new Error(`synchronous must be ${SYNCHRONOUS_MODES.join(' or ')} (got "${synchronous}")`)
  }
  sqlite.pragma(`synchronous = ${synchronous}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Statement journals (every letter update fires the letter-count triggers) stay in memory
  // instead of a temporary file each: measured at ~0.5 ms of system time saved per letter write.
  sqlite.pragma('temp_store = MEMORY')
  return new Kysely<DB>({
    dialect: new SqliteDialect({ database: withImmediateTransactions(withStatementCache(sqlite)) }),
  })
}

const INT8 = 20
const NUMERIC = 1700
const BOOL = 16

/**
 * Values as the SQLite driver gives them, so the same code reads both engines: `count(*)` and
 * `sum()` are int8 or numeric on PostgreSQL, which `pg` returns as strings (they may pass 2^53;
 * counts here never do); a comparison is a boolean, which SQLite returns as 0 or 1 (the schema's
 * flags, e.g. `consent_updates`, are integers on both engines).
 * @NOTE per pool, not `pg.types.setTypeParser`: a global setting would change any other `pg` user.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value)
    if (oid === BOOL) return (value: string) => (value === 't' ? 1 : 0)
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')
  }) as pg.CustomTypesConfig['getTypeParser'],
}

function openPostgres(connectionString: string, poolSize: number): Database {
  // Named, so pg_stat_activity (and db:restore's refusal) says which sessions are the service's.
  const pool = new pg.Pool({
    connectionString,
    types: typeParsers,
    max: poolSize,
    application_name: 'code-blue-letters',
  })
  // An idle connection that the server drops (a restart) must not crash the process: the pool
  // replaces it, and the next query reports any lasting problem.
  pool.on('error', () => {})
  return new PostgresKysely<DB>({ dialect: new PostgresDialect({ pool }) })
}
