import crypto from 'node:crypto'
import path from 'node:path'
import { onPostgres, startTestPostgres } from './test-postgres.js'

/**
 * Where `npm run crash` keeps its database: a SQLite file in its folder, or a PostgreSQL database
 * of its own, made for the run and dropped after it: on DATABASE_URL's server when set (the
 * database named there is left alone: crash letters never land in a real campaign's), else on a
 * throwaway cluster started for the run (scripts/lib/test-postgres.ts). PostgreSQL itself is not
 * killed: the app instances and workers are.
 */
export type CrashEngine = 'sqlite' | 'postgres'

export interface CrashDatabaseLocation {
  readonly engine: CrashEngine
  /** What openDatabase() opens: the file, or the postgres:// URL of the run's database. */
  readonly location: string
  /** For the server and worker processes; DATABASE_URL empty on SQLite, whatever the shell has. */
  readonly env: { readonly DATABASE_PATH: string; readonly DATABASE_URL: string }
  /** For the README: "one SQLite file (WAL)" or "one PostgreSQL 15.x database". */
  describe(version: string): string
  /** Drops the run's PostgreSQL database (and stops the throwaway cluster); nothing on SQLite. */
  remove(): Promise<void>
}

export function crashEngineOf(value: string | undefined): CrashEngine {
  const engine = value ?? (process.env.DATABASE_URL?.trim() ? 'postgres' : 'sqlite')
  if (engine !== 'sqlite' && engine !== 'postgres') {
    throw new Error(`--engine must be sqlite or postgres (got "${engine}")`)
  }
  return engine
}

export async function crashDatabase(engine: CrashEngine, dir: string): Promise<CrashDatabaseLocation> {
  if (engine === 'sqlite') {
    const file = path.join(dir, 'crash.sqlite')
    return {
      engine,
      location: file,
      env: { DATABASE_PATH: file, DATABASE_URL: '' },
      describe: () => 'one SQLite file (WAL)',
      remove: async () => {},
    }
  }
  const given = process.env.DATABASE_URL?.trim()
  const cluster = given ? null : await startTestPostgres()
  const server = given ?? cluster!.url
  const name = `code_blue_crash_${crypto.randomBytes(4).toString('hex')}`
  try {
    await onPostgres(server, (c) =>
      c.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`),
    )
  } catch (error) {
    await cluster?.stop()
    throw new Error(
      `Could not create the crash test's database ${name} on DATABASE_URL's server: ${String(error)}`,
    )
  }
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    engine,
    location: url.toString(),
    env: { DATABASE_PATH: path.join(dir, 'unused.sqlite'), DATABASE_URL: url.toString() },
    describe: (version) =>
      `one PostgreSQL ${version} database (${given ? "DATABASE_URL's server" : 'a throwaway local cluster, fsync off: PostgreSQL itself is not killed'})`,
    async remove() {
      await onPostgres(server, (c) => c.query(`drop database if exists ${name} with (force)`))
      await cluster?.stop()
    },
  }
}
