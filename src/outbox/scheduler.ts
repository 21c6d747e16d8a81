// Periodic jobs (reminders, retention, digests ...): each registered by the module that owns it,
// all started by one scheduler (server.ts, scripts/outbox-work.ts). A job runs once per period,
// never beside itself, and with leases once per period across processes; a failure is logged
// and the job runs again at its next period.

export interface Job {
  /** For the log. */
  readonly name: string
  readonly everyMs: number
  run(): Promise<unknown>
}

/** Who may run a job now, where several processes run the scheduler (job-leases.ts). */
export interface JobLeases {
  /** Whether this process may run the job now (the lease is taken if so). */
  claim(job: Job): Promise<boolean>
  /** The run ended: the lease ends now, the next run is due a period after this one began. */
  release(job: Job): Promise<void>
}

export interface Scheduler {
  register(job: Job): void
  /** Runs every job now, in the order registered, then every period. */
  start(): void
  /** Stops, after the jobs under way. */
  stop(): Promise<void>
  /** Runs every job once, in the order registered, whatever its period (scripts and tests). */
  runAllOnce(): Promise<void>
}

export interface SchedulerOptions {
  /** How often the scheduler looks for due jobs. */
  tickMs: number
  onError(job: Job, error: unknown): void
  /** After a tick that ran jobs (they may have queued mail: wake the outbox). */
  afterRun?: () => void
  /** Wall time, in ms (tests). */
  now?: () => number
  /**
   * Where several processes run the scheduler: a job runs only if its lease is taken
   * (job-leases.ts), and the lease is released after. runAllOnce ignores them.
   */
  leases?: JobLeases
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const now = options.now ?? Date.now
  const jobs: { job: Job; lastRun: number | null }[] = []
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null

  const runJobs = async (due: (entry: (typeof jobs)[number]) => boolean, leases?: JobLeases) => {
    let ran = 0
    for (const entry of jobs) {
      if (!due(entry)) continue
      entry.lastRun = now()
      try {
        // Another process has it this period: this one looks again a period on.
        if (leases && !(await leases.claim(entry.job))) continue
        ran++
        try {
          await entry.job.run()
        } finally {
          await leases?.release(entry.job)
        }
      } catch (error) {
        options.onError(entry.job, error)
      }
    }
    if (ran > 0) options.afterRun?.()
  }
  const tick = () => {
    if (running) return
    const due = (e: (typeof jobs)[number]) => e.lastRun === null || now() - e.lastRun >= e.job.everyMs
    running = runJobs(due, options.leases).finally(() => {
      running = null
    })
  }
  return {
    register(job) {
      jobs.push({ job, lastRun: null })
    },
    start() {
      if (timer) return
      timer = setInterval(tick, options.tickMs)
      timer.unref()
      tick()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = null
      await running
    },
    async runAllOnce() {
      await running
      await runJobs(() => true)
    },
  }
}
