import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import type { Clock } from '../lib/clock.js'
import type { JobLeases } from './scheduler.js'

// Several processes run the scheduler (app instances, outbox:work); each periodic job must still
// run once per period. Before running a job, a process takes its lease in the database: one
// statement that succeeds for one process only, and only once the last run began a period ago.
// A process that dies mid-run holds the lease until it ends (LEASE_MS), then another takes it.

/** Longer than any job's run (each works in batches of a few hundred rows). */
const LEASE_MS = 15 * 60_000

/** This process's name in the leases it holds: host, pid, and a random part (pids are reused). */
export function leaseHolderName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
}

export function jobLeases(db: Database, clock: Clock, holder = leaseHolderName()): JobLeases {
  return {
    async claim(job) {
      const now = clock.now().getTime()
      const nowIso = new Date(now).toISOString()
      // A little slack: a process whose tick comes a few ms early still finds the job due.
      const dueIfBegunBefore = new Date(now - job.everyMs + 1000).toISOString()
      const taken = await db
        .insertInto('job_lease')
        .values({
          name: job.name,
          holder,
          leased_until: new Date(now + LEASE_MS).toISOString(),
          started_at: nowIso,
        })
        .onConflict((conflict) =>
          conflict
            .column('name')
            .doUpdateSet({
              holder: (eb) => eb.ref('excluded.holder'),
              leased_until: (eb) => eb.ref('excluded.leased_until'),
              started_at: (eb) => eb.ref('excluded.started_at'),
            })
            .where(sql<boolean>`job_lease.leased_until <= ${nowIso}`)
            .where(sql<boolean>`job_lease.started_at <= ${dueIfBegunBefore}`),
        )
        .returning('holder')
        .executeTakeFirst()
      return taken?.holder === holder
    },
    async release(job) {
      await db
        .updateTable('job_lease')
        .set({ leased_until: clock.nowIso() })
        .where('name', '=', job.name)
        .where('holder', '=', holder)
        .execute()
    },
  }
}
