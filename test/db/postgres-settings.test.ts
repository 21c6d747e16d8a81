import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { openDatabase } from '../../src/db/connection.js'
import { projectPath } from '../../src/lib/paths.js'
import { borrowTestPostgresServer, createTestPostgresDatabase } from '../helpers/test-context.js'

// What the service asks of PostgreSQL: DATABASE_POOL_SIZE connections at most per process, and a
// database whose text compares byte by byte (locale C), refused at start otherwise. It needs a
// PostgreSQL server in either run: the run's own, or one started for this file on a SQLite run.

const server = await borrowTestPostgresServer()
if (!server.url) console.warn(`postgres-settings.test.ts: ${server.reason}`)

/** A new database with `locale` (the clauses after `template template0`), dropped after `use`. */
async function withDatabase<T>(locale: string, use: (url: string) => Promise<T>): Promise<T> {
  const database = await createTestPostgresDatabase({ server: server.url!, locale })
  try {
    return await use(database!.url)
  } finally {
    await database!.drop()
  }
}

const contextOn = (url: string, env: Record<string, string> = {}) =>
  createContext(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ...env }), {
    log: pino({ level: 'silent' }),
  })

async function tablesIn(url: string): Promise<number> {
  const db = openDatabase(url)
  try {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.tables where table_schema = 'public'`.execute(db)
    return rows[0]!.n
  } finally {
    await db.destroy()
  }
}

describe.skipIf(!server.url)('DATABASE_POOL_SIZE', () => {
  it('caps the connections a context keeps open to PostgreSQL', async () => {
    for (const size of [2, 4]) {
      await withDatabase("encoding 'UTF8' lc_collate 'C' lc_ctype 'C'", async (url) => {
        const ctx = await contextOn(url, { DATABASE_POOL_SIZE: String(size) })
        try {
          // Six queries at once, each holding its connection a while: the pool opens what it may.
          await Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.05)`.execute(ctx.db)))
          const { rows } = await sql<{ n: number }>`
            select count(*) as n from pg_stat_activity where datname = current_database()`.execute(ctx.db)
          expect(rows[0]!.n, `DATABASE_POOL_SIZE=${size}`).toBe(size)
        } finally {
          await ctx.close()
        }
      })
    }
  })
})

describe.skipIf(!server.url)('a PostgreSQL database in another locale', () => {
  const refusal =
    /^The PostgreSQL database cb_test_\w+ \(.*\) does not compare text byte by byte as the service needs: create it with (CREATE DATABASE cb_test_\w+ TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C') \(/

  it.for([
    ["encoding 'UTF8' locale_provider icu icu_locale 'en' lc_collate 'C' lc_ctype 'C'", "ICU locale 'en'"],
    ["encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'", "LC_CTYPE 'C.UTF-8'"],
    ["encoding 'SQL_ASCII' lc_collate 'C' lc_ctype 'C'", "ENCODING 'SQL_ASCII'"],
  ])('is refused before any table is made: %s', async ([locale, named], { skip }) => {
    const database = await createTestPostgresDatabase({ server: server.url!, locale }).catch(
      (error: Error) => {
        // A cluster without that locale (or built without ICU) cannot make it: say so.
        skip(`skipped: this PostgreSQL cannot create a database with ${locale}: ${error.message}`)
        return null
      },
    )
    try {
      const error = await contextOn(database!.url).then(
        async (ctx) => {
          await ctx.close()
          return null
        },
        (e: unknown) => e as Error,
      )
      expect(error?.message).toMatch(refusal)
      expect(error?.message).toContain(named)
      expect(error?.message).not.toContain('\n')
      expect(await tablesIn(database!.url)).toBe(0)
    } finally {
      await database?.drop()
    }
  })

  it('is accepted once made again as the message says', async () => {
    const message = await withDatabase(
      "encoding 'UTF8' locale_provider icu icu_locale 'en' lc_collate 'C' lc_ctype 'C'",
      (url) =>
        contextOn(url).then(
          () => '',
          (e: Error) => e.message,
        ),
    )
    const statement = refusal.exec(message)?.[1]
    expect(statement).toBeDefined()
    const name = `cb_test_${crypto.randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: server.url! })
    await admin.connect()
    try {
      await admin.query(statement!.replace(/cb_test_\w+/, name))
      const url = new URL(server.url!)
      url.pathname = `/${name}`
      const ctx = await contextOn(url.toString())
      const { rows } = await sql<{ n: number }>`select count(*) as n from state`.execute(ctx.db)
      await ctx.close()
      expect(rows[0]!.n).toBeGreaterThan(190)
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })

  it('stops `npm start` with that one line and status 1', { timeout: 60_000 }, async () => {
    await withDatabase("encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'", async (url) => {
      const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          projectPath('node_modules/.bin/tsx'),
          [projectPath('src/server.ts')],
          {
            // Should the check be missing, the server would serve on: stopped, the test fails.
            timeout: 30_000,
            killSignal: 'SIGKILL',
            cwd: projectPath(),
            env: { ...process.env, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', OUTBOX_WORKER: 'off' },
          },
          (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        )
      })
      expect(run.status).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(/^Could not start: The PostgreSQL database cb_test_\w+ \([^\n]*\n$/)
    })
  })
})
