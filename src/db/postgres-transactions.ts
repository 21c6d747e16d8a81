import { Kysely, type TransactionBuilder } from 'kysely'

/** How often a transaction PostgreSQL aborted for a conflict runs again before the error stands. */
const ATTEMPTS = 5

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
      // A short, random pause: two transactions that collided should not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt))
    }
  }
}
