import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { type AppContext, createContext } from '../../src/context.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { fixedClock } from '../../src/lib/clock.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { borrowPostgres } from '../helpers/postgres-server.js'
import { TEST_NOW } from '../helpers/test-context.js'

// PostgreSQL runs the service's transactions SERIALIZABLE and runs one again when it is aborted for
// a conflict (src/db/postgres-transactions.ts). Letters written at once to one state conflict
// often: each reads the letters table (a unique reference, the writer's earlier letter) and
// inserts into it, and each updates the state's row of state_letter_stats. None may fail for it.

const { server, reason } = await borrowPostgres()
if (!server) console.info(`postgres-transactions.test.ts: ${reason}`)

describe.skipIf(!server)('transactions on PostgreSQL under contention', () => {
  let ctx: AppContext
  let drop: () => Promise<void> = async () => {}
  afterAll(async () => {
    await ctx?.close()
    await drop()
  })

  it('writes every one of 120 letters to one state, 10 connections at once', async () => {
    const database = await server!.createDatabase()
    drop = database.drop
    ctx = await createContext(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), {
      clock: fixedClock(TEST_NOW),
      log: pino({ level: 'silent' }),
    })
    await setMission(ctx, 'FRA', FRANCE)
    const written = await Promise.allSettled(
      Array.from({ length: 120 }, (_, n) =>
        createLetter(ctx, {
          state: 'FRA',
          language: 'en',
          supporter: { name: `Writer ${n}`, city: 'Lyon', country: 'FR', email: `writer-${n}@example.org` },
        }),
      ),
    )
    const failed = written.flatMap((w) => (w.status === 'rejected' ? [String(w.reason)] : []))
    expect(failed).toEqual([])
    const stats = await ctx.db
      .selectFrom('state_letter_stats')
      .select('written')
      .where('state_iso3', '=', 'FRA')
      .executeTakeFirstOrThrow()
    expect(stats.written).toBe(120)
  }, 60_000)
})
