/**
 * Transactions on PostgreSQL (src/db/postgres-transactions.ts): SERIALIZABLE, run again after a
 * conflict, and after three conflicts run alone, so that a long transaction among short ones that
 * keep conflicting with it still commits (it lost every run before: a confirmation answered 500).
 * Runs on PostgreSQL whatever the run's engine (test/helpers/borrowed-postgres.ts).
 */
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connection.js'
import { onEmptyPostgresDatabase, postgresMissing } from '../helpers/borrowed-postgres.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(postgresMissing !== null)(
  `transactions on PostgreSQL${postgresMissing ? ` (${postgresMissing})` : ''}`,
  () => {
    it(
      'let a long transaction that keeps losing to short ones run alone, and commit',
      () =>
        onEmptyPostgresDatabase(async (url) => {
          const db = openDatabase(url)
          try {
            await sql`create table tally (n integer not null)`.execute(db)
            // Each reads the whole table and adds a row: any two that overlap conflict.
            const count = async (trx: typeof db) =>
              Number((await sql<{ n: number }>`select count(*) as n from tally`.execute(trx)).rows[0]!.n)
            let inside = 0
            let done = false
            const shortOnes = Array.from({ length: 3 }, async () => {
              let committed = 0
              while (!done) {
                await db.transaction().execute(async (trx) => {
                  inside++
                  try {
                    await count(trx)
                    await sql`insert into tally values (1)`.execute(trx)
                  } finally {
                    inside--
                  }
                })
                committed++
              }
              return committed
            })
            let runs = 0
            const alone: number[] = []
            const long = db
              .transaction()
              .execute(async (trx) => {
                runs++
                inside++
                try {
                  const before = await count(trx)
                  await pause(150)
                  if (runs > 3) alone.push(inside)
                  await sql`insert into tally values (${2 + before})`.execute(trx)
                } finally {
                  inside--
                }
              })
              .finally(() => {
                done = true
              })
            // Settled, not awaited: the short ones stop once it has, whichever way it went.
            const [outcome] = await Promise.allSettled([long])
            const committed = await Promise.all(shortOnes)
            expect(outcome.status === 'rejected' ? String(outcome.reason) : 'committed').toBe('committed')
            // It conflicted three times, then ran alone: no other transaction's work beside it.
            expect(runs).toBe(4)
            expect(alone).toEqual([1])
            expect(committed.every((n) => n > 0)).toBe(true)
            const rows = await sql<{ n: number }>`select count(*) as n from tally where n > 1`.execute(db)
            expect(Number(rows.rows[0]!.n)).toBe(1)
          } finally {
            await db.destroy()
          }
        }),
      60_000,
    )
  },
)
