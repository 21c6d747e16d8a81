import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '../../scripts/seed-demo.js'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { borrowPostgres } from '../helpers/postgres-server.js'
import { TEST_NOW } from '../helpers/test-context.js'

// The demo seeder into PostgreSQL (scripts/lib/demo-load-postgres.ts), against the same seed into
// SQLite: the same letters, engagements and positions, and the same counters kept by each engine's
// triggers. Runs in either run: it borrows the suite's PostgreSQL server or starts one.

const { server, reason } = await borrowPostgres()
if (!server) console.info(`seed-demo-postgres.test.ts: ${reason}`)

const quiet = () => {}
const LETTERS = 1500

describe.skipIf(!server)('seedDemo into PostgreSQL', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-seed-pg-'))
  let database: { url: string; drop(): Promise<void> }
  let pg: Database
  let lite: Database
  beforeAll(async () => {
    database = await server!.createDatabase()
    const options = { letters: LETTERS, seed: 'engines', now: TEST_NOW, bluebook: null, log: quiet }
    await seedDemo({ ...options, database: database.url })
    await seedDemo({ ...options, database: path.join(tmp, 'demo.sqlite') })
    pg = openDatabase(database.url)
    lite = openDatabase(path.join(tmp, 'demo.sqlite'))
  }, 180_000)
  afterAll(async () => {
    await pg?.destroy()
    await lite?.destroy()
    await database?.drop()
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  /** A table's rows in id order, each with its columns sorted: the engines order columns apart. */
  const rowsOf = async (db: Database, table: string, order: string) => {
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} order by ${sql.raw(order)}`.execute(db)
    return rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))))
  }

  it('writes the same letters as into SQLite from the same seed', async () => {
    const [post, sqlite] = [await rowsOf(pg, 'letter', 'id'), await rowsOf(lite, 'letter', 'id')]
    expect(post).toHaveLength(LETTERS)
    expect(post).toEqual(sqlite)
  })

  it('keeps state_letter_stats as SQLite does, and equal to counting the letters: the triggers fired', async () => {
    const kept = await rowsOf(pg, 'state_letter_stats', 'state_iso3')
    expect(kept).toEqual(await rowsOf(lite, 'state_letter_stats', 'state_iso3'))
    const { rows: counted } = await sql<{ state_iso3: string; written: number; delivered: number }>`
      select state_iso3, count(*) as written,
        sum(case when status = 'sent' or printed_delivered_at is not null then 1 else 0 end) as delivered
      from letter group by state_iso3 order by state_iso3`.execute(pg)
    expect(
      kept
        .filter((row) => Number(row.written) > 0)
        .map((row) => ({
          state_iso3: row.state_iso3,
          written: row.written,
          delivered: row.delivered,
        })),
    ).toEqual(counted)
  })

  it('links supporters’ answers to the same letters, and writes the same positions', async () => {
    expect(await rowsOf(pg, 'engagement', 'id')).toEqual(await rowsOf(lite, 'engagement', 'id'))
    expect(await rowsOf(pg, 'state_position', 'id')).toEqual(await rowsOf(lite, 'state_position', 'id'))
    const { rows } = await sql<{
      n: number
    }>`select count(*) as n from engagement where letter_id is not null`.execute(pg)
    expect(Number(rows[0]!.n)).toBeGreaterThan(0)
  })

  it('starts again from nothing with --fresh, and adds to its own letters without', async () => {
    const again = await seedDemo({
      letters: 100,
      database: database.url,
      fresh: true,
      now: TEST_NOW,
      bluebook: null,
      log: quiet,
    })
    expect(again.engine).toBe('postgres')
    expect(again.counts.letter).toBe(100)
    expect(again.fileBytes).toBeGreaterThan(0)
    const more = await seedDemo({
      letters: 100,
      database: database.url,
      now: TEST_NOW,
      bluebook: null,
      log: quiet,
    })
    expect(more.counts.letter).toBe(200)
  }, 120_000)
})
