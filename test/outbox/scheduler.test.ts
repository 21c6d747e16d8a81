import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../src/outbox/index.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the scheduler of periodic jobs', () => {
  it('runs a job once per period, however often it looks', async () => {
    let now = 0
    const runs: string[] = []
    let woken = 0
    const scheduler = createScheduler({
      tickMs: 5,
      now: () => now,
      onError: () => undefined,
      afterRun: () => woken++,
    })
    scheduler.register({ name: 'every second', everyMs: 1000, run: async () => runs.push('second') })
    scheduler.register({ name: 'every minute', everyMs: 60_000, run: async () => runs.push('minute') })
    scheduler.start()
    await pause(60) // a dozen ticks at the same instant
    expect(runs).toEqual(['second', 'minute'])
    now = 999
    await pause(30)
    expect(runs).toEqual(['second', 'minute'])
    now = 1000
    await pause(30)
    expect(runs).toEqual(['second', 'minute', 'second'])
    now = 60_000
    await pause(30)
    expect(runs).toEqual(['second', 'minute', 'second', 'second', 'minute'])
    await scheduler.stop()
    now = 120_000
    await pause(30)
    expect(runs).toHaveLength(5)
    expect(woken).toBe(3) // after each tick that ran something
  })

  it('logs a failing job and runs it again at its next period; runAllOnce runs every job', async () => {
    let now = 0
    const failures: string[] = []
    let calls = 0
    const scheduler = createScheduler({
      tickMs: 5,
      now: () => now,
      onError: (job, error) => failures.push(`${job.name}: ${(error as Error).message}`),
    })
    scheduler.register({
      name: 'flaky',
      everyMs: 100,
      run: async () => {
        calls++
        throw new Error('down')
      },
    })
    scheduler.start()
    await pause(30)
    now = 100
    await pause(30)
    await scheduler.stop()
    expect(calls).toBe(2)
    expect(failures).toEqual(['flaky: down', 'flaky: down'])
    await scheduler.runAllOnce()
    expect(calls).toBe(3)
  })
})
