import { sql } from 'kysely'
import type { Database } from './connection.js'
import { engineOf } from './engine.js'

/**
 * The key of the start-up lock, a PostgreSQL advisory lock: any 64-bit number no other code on
 * the database uses (Kysely's migration lock is 3853314791062309107; this is another).
 */
const START_UP_LOCK = BigInt('7305914640018517017')

/**
 * Runs `work` (migrate, seed, issue the first admin's link) while holding the database's start-up
 * lock, so processes starting together on one PostgreSQL database do it one after the other; on
 * SQLite it simply runs (each of its transactions takes the file's write lock already).
 *
 * @NOTE Why: without it, instances starting together ran their seeds side by side, each a
 * SERIALIZABLE transaction rewriting the Security Council seats; PostgreSQL aborted all but one,
 * the retries collided again, and an instance died at start ("could not serialize access due to
 * concurrent delete"): eight started at once lost one in 6 of 20 tries; sixteen issuing their
 * setup links at once failed most of them. Taken one at a time, the later ones find the work done.
 * A session lock, held on one connection while `work` uses the pool's others (so the pool needs
 * two); a process killed while holding it loses its connection, and with it the lock.
 */
export async function withStartUpLock<T>(db: Database, work: () => Promise<T>): Promise<T> {
  if (engineOf(db) !== 'postgres') return work()
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${START_UP_LOCK})`.execute(connection)
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(${START_UP_LOCK})`.execute(connection)
    }
  })
}
