import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import type { Clock } from '../lib/clock.js'

// Rate limits counted in the database (RATE_LIMIT_STORE=database): several app instances behind
// a load balancer count a client's requests into the same window, where @fastify/rate-limit's
// own store counts in each process's memory. One upsert a limited request, on any engine.

/** What @fastify/rate-limit's store answers: requests in the window, and ms until it ends. */
interface WindowCount {
  current: number
  ttl: number
}

type Callback = (error: Error | null, result?: WindowCount) => void

/** The part of a route's rate-limit settings the store reads (@fastify/rate-limit's child()). */
interface RouteLimit {
  max?: unknown
  timeWindow?: unknown
  routeInfo?: { method?: string; url?: string }
}

/** @fastify/rate-limit's own default window, should a caller not pass one. */
const DEFAULT_WINDOW_MS = 60_000

/** How often a process deletes the windows that have ended (they name clients: kept no longer). */
const SWEEP_EVERY_MS = 60_000

/**
 * A store class for @fastify/rate-limit's `store` option, counting in `db` by `clock`'s time.
 * Each route's limit counts apart (as the library's own stores do), under a key that is a digest
 * of the route and the client's key: the table never holds an IP address as it is.
 */
export function databaseRateLimitStore(db: Database, clock: Clock) {
  let lastSweep = 0
  const sweep = async (now: number) => {
    if (now - lastSweep < SWEEP_EVERY_MS) return
    lastSweep = now
    await db.deleteFrom('rate_limit_hit').where('resets_at', '<=', new Date(now).toISOString()).execute()
  }

  return class DatabaseRateLimitStore {
    private readonly scope: string

    /** The library makes the first with its settings (an object), and each route's with child(). */
    constructor(scope?: unknown) {
      this.scope = typeof scope === 'string' ? scope : 'global'
    }

    // @NOTE the library passes the route's window (ms) and max after the callback, which its
    // types leave out: hence optional here.
    incr(key: string, callback: Callback, timeWindow?: number): void {
      const now = clock.now().getTime()
      countHit(db, digest(`${this.scope}\n${key}`), now, timeWindow ?? DEFAULT_WINDOW_MS)
        .then(async (count) => {
          await sweep(now)
          callback(null, count)
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))))
    }

    child(settings: object): DatabaseRateLimitStore {
      const route = settings as RouteLimit
      const { method, url } = route.routeInfo ?? {}
      // app.rateLimit() limits (the 404 answer) have no route: their settings tell them apart.
      return new DatabaseRateLimitStore(
        method && url ? `${method} ${url}` : `limit ${String(route.max)}/${String(route.timeWindow)}`,
      )
    }
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url')

/** One more request in the key's window, or the first of a new window if the last has ended. */
async function countHit(db: Database, key: string, now: number, windowMs: number): Promise<WindowCount> {
  const nowIso = new Date(now).toISOString()
  const resetsAt = new Date(now + windowMs).toISOString()
  const row = await db
    .insertInto('rate_limit_hit')
    .values({ key, hits: 1, resets_at: resetsAt })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        // Both read the row as it was (SQL sets every column from the old values).
        hits: sql<number>`case when rate_limit_hit.resets_at <= ${nowIso} then 1 else rate_limit_hit.hits + 1 end`,
        resets_at: sql<string>`case when rate_limit_hit.resets_at <= ${nowIso} then ${resetsAt} else rate_limit_hit.resets_at end`,
      }),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow()
  return { current: Number(row.hits), ttl: Math.max(0, Date.parse(row.resets_at) - now) }
}
