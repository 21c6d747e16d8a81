import { Kysely, type TransactionBuilder } from 'kysely'

/**
 * How often a transaction PostgreSQL aborted for a conflict runs again before the error stands.
 * Letters written at once to one state all update its row of state_letter_stats (the counting
 * triggers), so each conflicts with the others: 5 attempts a few ms apart left 48 of 120 letters
 * written by 10 connections to one state failed (test/db/postgres-transactions.test.ts), and 2 of 63,
 * then 3 of 159, letters in short `npm run load` runs answered 500. With the pauses below, that test's
 * letters needed up to 10 attempts; 20 leave room for a busier machine (at most about 3.3 s of pauses
 * in all before the error stands).
 */
const ATTEMPTS = 20
/** The longest pause between two attempts, in ms: the pauses double from 2 ms up to it. */
const LONGEST_PAUSE_MS = 250

// serialization_failure, deadlock_detected: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01'])

/**
 * Kysely on PostgreSQL with SQLite's transactions: each one SERIALIZABLE, and run again when
 * PostgreSQL aborts it for a conflict with another.
 *
 * @NOTE Why: on SQLite the service's transactions never overlap (one connection, and one writer
 * at a time across processes), so a service may read, decide, then write (confirm a letter that
 * is still awaiting confirmation, number a mission's next version, queue a digest once). On
 * PostgreSQL a pool runs them side by side, and under its default READ COMMITTED two such
 * transactions could both decide on the same row (a letter confirmed, and e-mailed, twice).
 * SERIALIZABLE makes PostgreSQL abort one of them instead; it is then run again from the start and
 * sees what the other committed, as on SQLite. A transaction's callback must therefore do nothing
 * but database work (the house rule already: mail goes after the commit).
 */
export class PostgresKysely<DB> extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    return retrying(super.transaction().setIsolationLevel('serializable'))
  }
}

function retrying<DB>(builder: TransactionBuilder<DB>): TransactionBuilder<DB> {
  return new Proxy(builder, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (callback: Parameters<TransactionBuilder<DB>['execute']>[0]) =>
          runAgainOnConflict(() => target.execute(callback))
      }
      if (property === 'setIsolationLevel' || property === 'setAccessMode') {
        return (value: never) => retrying(target[property](value))
      }
      return Reflect.get(target, property, receiver)
    },
  })
}

async function runAgainOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error
      // A random pause, doubling with each attempt: transactions that collided should not collide
      // again at once, and the more are contending, the further apart they must spread.
      const pause = Math.min(LONGEST_PAUSE_MS, 2 ** attempt)
      await new Promise((resolve) => setTimeout(resolve, pause / 2 + (Math.random() * pause) / 2))
    }
  }
}
