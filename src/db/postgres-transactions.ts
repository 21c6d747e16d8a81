import {
  type AccessMode,
  type IsolationLevel,
  Kysely,
  sql,
  type Transaction,
  type TransactionBuilder,
} from 'kysely'

/** How often a transaction PostgreSQL aborted for a conflict runs again before the error stands. */
const ATTEMPTS = 10
/** Conflicts after which a transaction runs alone (every later run of it). */
const ALONE_AFTER = 3
/** The longest pause before a run again, in ms: the pauses double from 4 ms up to this. */
const MAX_PAUSE_MS = 256
/**
 * The advisory lock of the turns: every transaction holds it shared, one that runs alone holds it
 * exclusive. Any 64-bit number no other code on the database uses (see start-up-lock.ts).
 */
const TURNS = BigInt('7305914640018517018')

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
 *
 * @NOTE Why some run alone: PostgreSQL tells conflicts by the index pages read, not the rows, so
 * on a campaign's small tables most transactions that overlap conflict. Four writers on two pools
 * with two outbox workers (an in-process mix of `npm run crash`'s, no run again): 61–88% of
 * confirmations, 30–45% of requests to e-mail and 9–15% of new letters were aborted at their first
 * run. A long transaction (a confirmation) kept losing to short ones starting all the time: in
 * `npm run crash -- --engine postgres --instances 2 --workers 2`, with 5 runs 28 requests in 10
 * rounds answered 500, with 10 runs and longer pauses still 5. So after ALONE_AFTER conflicts a
 * transaction runs as on SQLite, alone: it takes TURNS exclusive, so it waits for those under way
 * to end and those starting wait for it, and with no serializable transaction beside it none can
 * abort it for a conflict (0 answered 500 in the next 10 rounds). The price, in that contention: a
 * quarter to two fifths fewer letters written in the mix's 20 s, each stop of the others a wait.
 *
 * @NOTE A transaction asked for at a weaker level (the outbox's claims and records, READ
 * COMMITTED) takes no turn: it is no part of PostgreSQL's serializable checks, so it cannot abort
 * a transaction running alone by a conflict of reads and writes. A row both change at once still
 * aborts the lone one ("could not serialize access due to concurrent update"); it then runs again,
 * alone, as after any conflict.
 */
export class PostgresKysely<DB> extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    return retrying(this, super.transaction().setIsolationLevel('serializable'), {
      isolation: 'serializable',
    })
  }
}

interface Settings {
  isolation: IsolationLevel
  access?: AccessMode
}

function retrying<DB>(
  db: Kysely<DB>,
  builder: TransactionBuilder<DB>,
  settings: Settings,
): TransactionBuilder<DB> {
  return new Proxy(builder, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return <T>(callback: (trx: Transaction<DB>) => Promise<T>) =>
          runInTurn(db, (alone) =>
            alone
              ? runAlone(db, settings, callback)
              : target.execute(settings.isolation === 'serializable' ? inTurn(callback) : callback),
          )
      }
      if (property === 'setIsolationLevel') {
        return (isolation: IsolationLevel) =>
          retrying(db, target.setIsolationLevel(isolation), { ...settings, isolation })
      }
      if (property === 'setAccessMode') {
        return (access: AccessMode) => retrying(db, target.setAccessMode(access), { ...settings, access })
      }
      return Reflect.get(target, property, receiver)
    },
  })
}

/** Thrown inside a transaction that found another running alone: it ends, waits, and runs again. */
class AnotherRunsAlone extends Error {}

/**
 * The callback, once the transaction holds TURNS shared. Tried, not waited for: a transaction's
 * snapshot is taken at its first statement, and one taken before a lone transaction ended would
 * not see what it wrote (and conflict with it); so it gives up its run and waits outside.
 */
function inTurn<DB, T>(callback: (trx: Transaction<DB>) => Promise<T>) {
  return async (trx: Transaction<DB>): Promise<T> => {
    const { rows } = await sql<{
      free: unknown
    }>`select pg_try_advisory_xact_lock_shared(${TURNS}) as free`.execute(trx)
    if (!rows[0]?.free) throw new AnotherRunsAlone()
    return callback(trx)
  }
}

/** One connection: TURNS exclusive (waiting for every transaction under way), then the transaction. */
function runAlone<DB, T>(db: Kysely<DB>, settings: Settings, callback: (trx: Transaction<DB>) => Promise<T>) {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${TURNS})`.execute(connection)
    try {
      let builder = connection.transaction().setIsolationLevel(settings.isolation)
      if (settings.access) builder = builder.setAccessMode(settings.access)
      return await builder.execute(callback)
    } finally {
      await sql`select pg_advisory_unlock(${TURNS})`.execute(connection)
    }
  })
}

/** Until the transaction running alone has ended: TURNS shared, taken and let go at once. */
function waitForTheLoneOne<DB>(db: Kysely<DB>): Promise<void> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock_shared(${TURNS})`.execute(connection)
    await sql`select pg_advisory_unlock_shared(${TURNS})`.execute(connection)
  })
}

async function runInTurn<DB, T>(db: Kysely<DB>, run: (alone: boolean) => Promise<T>): Promise<T> {
  for (let conflicts = 0; ; ) {
    try {
      return await run(conflicts >= ALONE_AFTER)
    } catch (error) {
      if (error instanceof AnotherRunsAlone) {
        await waitForTheLoneOne(db)
        continue
      }
      const code = (error as { code?: unknown }).code
      conflicts++
      if (conflicts >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error
      if (conflicts < ALONE_AFTER)
        await new Promise((resolve) => setTimeout(resolve, pauseBefore(conflicts + 1)))
    }
  }
}

/**
 * A random pause before the `attempt`th run (2, 3 …), of up to 4, 8, 16 … ms, MAX_PAUSE_MS at
 * most: transactions that collided start again apart.
 */
export function pauseBefore(attempt: number): number {
  return Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt)
}
