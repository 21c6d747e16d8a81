/**
 * Periodic jobs across processes (issue 17, item 3): several processes run the scheduler on one
 * database (app instances, outbox:work); each job runs once per period in one of them, and a
 * process that died holding a job's lease gives it up when the lease ends.
 */
import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { createScheduler, type Job, jobLeases } from '../../src/outbox/index.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const MINUTE = 60_000

describe('job leases', async () => {
  const clock = manualClock(TEST_NOW)
  const ctx = await createTestContext({ clock })
  const job = (name: string, everyMs = MINUTE): Job => ({ name, everyMs, run: async () => undefined })

  it('gives a job to one process per period, the next period to whichever asks first', async () => {
    const one = jobLeases(ctx.db, clock, 'one')
    const two = jobLeases(ctx.db, clock, 'two')
    const reminders = job('reminders')
    expect(await one.claim(reminders)).toBe(true)
    expect(await two.claim(reminders)).toBe(false)
    await one.release(reminders)
    // Released, but its period has not passed: nobody runs it again yet.
    expect(await two.claim(reminders)).toBe(false)
    expect(await one.claim(reminders)).toBe(false)
    clock.advance(MINUTE)
    expect(await two.claim(reminders)).toBe(true)
    expect(await one.claim(reminders)).toBe(false)
  })

  it('takes back the lease of a process that died mid-run once the lease has ended', async () => {
    const dead = jobLeases(ctx.db, clock, 'dead')
    const alive = jobLeases(ctx.db, clock, 'alive')
    const digest = job('digest', 1000)
    expect(await dead.claim(digest)).toBe(true)
    // Never released. Its period passes many times, the lease has not ended.
    clock.advance(10 * MINUTE)
    expect(await alive.claim(digest)).toBe(false)
    clock.advance(5 * MINUTE)
    expect(await alive.claim(digest)).toBe(true)
  })

  it('runs a job once a period across two schedulers on one database', async () => {
    let wall = 0
    const runs: string[] = []
    const schedulers = ['first', 'second'].map((holder) => {
      const scheduler = createScheduler({
        tickMs: 5,
        now: () => wall,
        onError: (_job, error) => {
          throw error
        },
        leases: jobLeases(ctx.db, clock, holder),
      })
      scheduler.register({ name: 'retention', everyMs: MINUTE, run: async () => runs.push(holder) })
      return scheduler
    })
    for (const scheduler of schedulers) scheduler.start()
    await pause(80)
    expect(runs).toHaveLength(1)
    // A period on, by both their clocks: once more, in one of them.
    wall += MINUTE
    clock.advance(MINUTE)
    await pause(80)
    expect(runs).toHaveLength(2)
    for (const scheduler of schedulers) await scheduler.stop()
  })
})
