import crypto from 'node:crypto'
import { onPostgres, startTestPostgres } from './test-postgres.js'

/**
 * The two engines side by side in the load and bench scripts (issue 17): which to run
 * (`--engines sqlite,postgres`), and a PostgreSQL server to run on: the one at `--database-url`
 * or DATABASE_URL (a superuser, or a role that may create databases), else a throwaway cluster
 * started for the run (scripts/lib/test-postgres.ts). Each run gets a fresh database there,
 * dropped after.
 */
export type BenchEngine = 'sqlite' | 'postgres'

export const ENGINES: readonly BenchEngine[] = ['sqlite', 'postgres']
export const ENGINE_LABEL: Record<BenchEngine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' }

/** `sqlite`, `postgres` or both, comma-separated, in the order given. */
export function parseEngines(text: string): BenchEngine[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  if (names.length === 0 || names.some((name) => !ENGINES.includes(name as BenchEngine)))
    throw new Error(`--engines takes sqlite, postgres or both, separated by a comma (got "${text}")`)
  return [...new Set(names)] as BenchEngine[]
}

/**
 * The throwaway cluster keeps what it commits (fsync and full-page writes on, PostgreSQL's
 * defaults) but, like SQLite's default SQLITE_SYNCHRONOUS=NORMAL, answers a commit before its log
 * reaches the disk (synchronous_commit off): the same durability on both sides of the table.
 */
const BENCH_SETTINGS: Record<string, string> = { synchronous_commit: 'off', max_connections: '300' }

export interface BenchPostgres {
  /** The server, for the figures' heading: version, and where it runs with which settings. */
  readonly description: string
  /** The postmaster's process id where this script started the server (its CPU can be read); else null. */
  readonly pid: number | null
  /** A new empty database, locale C (text compares byte by byte, as on SQLite), and how to drop it. */
  createDatabase(purpose: string): Promise<{ url: string; drop(): Promise<void> }>
  stop(): Promise<void>
}

/** The server at `given` (a postgres:// URL), or a throwaway cluster when `given` is empty. */
export async function startBenchPostgres(given: string | undefined): Promise<BenchPostgres> {
  const url = given?.trim()
  const cluster = url ? null : await startTestPostgres({ settings: BENCH_SETTINGS })
  const serverUrl = url || cluster!.url
  try {
    const version = await onPostgres(serverUrl, async (client) => {
      const { rows } = await client.query<{ server_version: string }>('show server_version')
      return rows[0]!.server_version.split(' ')[0]
    })
    return {
      description: cluster
        ? `PostgreSQL ${version}, a throwaway cluster on this machine (its files in the temp folder; synchronous_commit off, as SQLITE_SYNCHRONOUS=NORMAL; other settings PostgreSQL's defaults, shared_buffers 128 MB)`
        : `PostgreSQL ${version} at the server given (DATABASE_URL or --database-url)`,
      pid: cluster?.pid ?? null,
      async createDatabase(purpose) {
        const name = `cb_${purpose}_${crypto.randomBytes(4).toString('hex')}`
        await onPostgres(serverUrl, (client) =>
          client.query(
            `create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
          ),
        )
        const database = new URL(serverUrl)
        database.pathname = `/${name}`
        return {
          url: database.toString(),
          // `with (force)`: a server killed mid-run must not keep the database.
          drop: async () => {
            await onPostgres(serverUrl, (client) =>
              client.query(`drop database if exists ${name} with (force)`),
            )
          },
        }
      },
      stop: async () => {
        await cluster?.stop()
      },
    }
  } catch (error) {
    await cluster?.stop()
    throw error
  }
}

/**
 * The environment that points a server or script at a database: the SQLite file, or PostgreSQL's
 * URL. DATABASE_URL is set either way, empty for SQLite, so that one in this process's
 * environment cannot send the SQLite run to PostgreSQL.
 */
export function databaseEnv(sqliteFile: string, postgresUrl: string | null): Record<string, string> {
  return { DATABASE_PATH: sqliteFile, DATABASE_URL: postgresUrl ?? '' }
}
