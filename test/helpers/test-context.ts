import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, inject } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { type AppContext, type ContextOverrides, createContext } from '../../src/context.js'
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
 * how to drop it; otherwise null. Locale C: text sorts byte by byte, as on SQLite.
 */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const server = testPostgresUrl()
  return server ? createPostgresDatabaseOn(server) : null
}

/**
 * A new empty database (`cb_test_<random>`, locale C) on the PostgreSQL server `server` (a
 * superuser's URL), and how to drop it.
 */
export async function createPostgresDatabaseOn(
  server: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cb_test_${crypto.randomBytes(6).toString('hex')}`
  await onServer(server, (client) =>
    client.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`),
  )
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // `with (force)`: a connection a test left open must not keep the database.
    drop: () => onServer(server, (client) => client.query(`drop database if exists ${name} with (force)`)),
  }
}

async function onServer(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await run(client)
  } finally {
    await client.end()
  }
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
