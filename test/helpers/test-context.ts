import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, inject } from 'vitest'
import { onPostgres, startTestPostgres } from '../../scripts/lib/test-postgres.js'
import { loadConfig } from '../../src/config.js'
import { type AppContext, type ContextOverrides, createContext } from '../../src/context.js'
import { findPostgresBin } from '../../src/db/postgres-programs.js'
import { fixedClock } from '../../src/lib/clock.js'

/** The tests' "now": inside the 2026 Security Council year. */
export const TEST_NOW = '2026-06-01T12:00:00.000Z'

/**
 * A context on a fresh SQLite file of its own (real SQLite, migrated and seeded), a fixed clock
 * and a silent log. Closed and deleted after the test file. Under TEST_ENGINE=postgres, on a fresh
 * PostgreSQL database of its own instead, created here and dropped after the file.
 */
export async function createTestContext(
  overrides: ContextOverrides & { env?: Record<string, string> } = {},
): Promise<AppContext> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-test-'))
  const postgres = await createTestPostgresDatabase()
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'test.sqlite'),
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    LOG_LEVEL: 'silent',
    // Tests write many letters from one address; the rate-limit test sets its own.
    RATE_LIMIT_LETTERS: '100000',
    RATE_LIMIT_SENDS: '100000',
    RATE_LIMIT_LOGINS: '100000',
    ...overrides.env,
  })
  const ctx = await createContext(config, {
    clock: fixedClock(TEST_NOW),
    // TEST_LOG_LEVEL=warn (or error, info…) shows the app's log while debugging a test.
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...overrides,
  }).catch(async (error: unknown) => {
    await postgres?.drop()
    throw error
  })
  afterAll(async () => {
    await ctx.close()
    await postgres?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return ctx
}

/** The PostgreSQL server of a TEST_ENGINE=postgres run (test/postgres-setup.ts), or undefined. */
export function testPostgresUrl(): string | undefined {
  return inject('testDatabaseUrl')
}

/**
 * Under TEST_ENGINE=postgres, a new empty database (`cb_test_<random>`) on the tests' server, and
 * how to drop it; otherwise null. Locale C: text sorts byte by byte, as on SQLite. `server` (a
 * superuser's URL, see borrowTestPostgresServer) and `locale` (the clauses of `create database`
 * after `template template0`) are for the tests of PostgreSQL itself.
 */
export async function createTestPostgresDatabase({
  server = testPostgresUrl(),
  locale = "encoding 'UTF8' lc_collate 'C' lc_ctype 'C'",
}: {
  server?: string
  locale?: string
} = {}): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!server) return null
  const name = `cb_test_${crypto.randomBytes(6).toString('hex')}`
  await onPostgres(server, (client) => client.query(`create database ${name} template template0 ${locale}`))
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // `with (force)`: a connection a test left open must not keep the database.
    drop: async () => {
      await onPostgres(server, (client) => client.query(`drop database if exists ${name} with (force)`))
    },
  }
}

/** A database's settings, as a process the test starts reads them, and its location. */
export interface TestDatabase {
  /** DATABASE_URL is empty on SQLite: a child process must not inherit one from the shell. */
  readonly env: { readonly DATABASE_PATH: string; readonly DATABASE_URL: string }
  /** What openDatabase() opens: the PostgreSQL URL, or the SQLite file. */
  readonly location: string
}

/**
 * The database of something a test file starts itself (`npm start`, a script, a context of its
 * own): the SQLite file `file`, or under TEST_ENGINE=postgres a fresh PostgreSQL database instead,
 * dropped after the file. Called at the top of a file or describe block (it registers afterAll).
 */
export async function createTestDatabase(file: string): Promise<TestDatabase> {
  const postgres = await createTestPostgresDatabase()
  if (postgres) afterAll(() => postgres.drop())
  const url = postgres?.url ?? ''
  return { env: { DATABASE_PATH: file, DATABASE_URL: url }, location: url || file }
}

/**
 * A PostgreSQL server for a test of PostgreSQL itself, whatever the run's engine: the run's own
 * under TEST_ENGINE=postgres, else a throwaway cluster started for this file as the run would
 * start it (stopped after the file). `url` null, with the reason, where PostgreSQL is not installed.
 */
export async function borrowTestPostgresServer(): Promise<{ url: string | null; reason: string }> {
  const url = testPostgresUrl()
  if (url) return { url, reason: '' }
  if (!findPostgresBin('initdb')) {
    return {
      url: null,
      reason: 'skipped: no PostgreSQL found (apt-get install -y postgresql, or PG_BIN=<folder of initdb>)',
    }
  }
  const server = await startTestPostgres()
  afterAll(() => server.stop())
  return { url: server.url, reason: '' }
}

/** Where the shared reference files are, or null (with the reason) where they are absent. */
export function referenceFile(name: string): { file: string | null; reason: string } {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/reference', name)
  if (fs.existsSync(file)) return { file, reason: '' }
  return {
    file: null,
    reason: `skipped: ../shared/reference/${name} is absent (it ships beside the project only)`,
  }
}

/** A new empty database (`cb_test_<random>`, locale C) on the PostgreSQL server `server` (a superuser's URL). */
export async function createPostgresDatabaseOn(
  server: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const database = await createTestPostgresDatabase({ server })
  if (!database) throw new Error('createPostgresDatabaseOn needs a server')
  return database
}
