/**
 * npm run outbox:work [-- --watch]
 *
 * Runs the periodic jobs (reminders, retention, digests ...) once and sends what the outbox holds;
 * or with --watch starts the scheduler and the worker, a pass every OUTBOX_INTERVAL_MS until
 * stopped (SIGINT/SIGTERM finish the messages being handed over). For deployments that run the
 * worker apart from the server (set OUTBOX_WORKER=off there).
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { createTransport, reconcileInterrupted, startOutboxWorker } from '../src/outbox/index.js'
import { createJobScheduler, runJobsThenDrain } from '../src/periodic-jobs.js'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { watch: { type: 'boolean', default: false } } })
  const config = loadConfig(process.env)
  const ctx = await createContext(config)
  const transport = createTransport(config.mail)
  if (!values.watch) {
    try {
      const reconciled = await reconcileInterrupted(ctx)
      const result = await runJobsThenDrain(ctx, transport)
      console.log(
        `sent ${result.sent}, to retry ${result.retried}, failed ${result.failed}; interrupted before: ${reconciled.uncertain} uncertain (not sent again: see npm run outbox:resolve)`,
      )
    } finally {
      transport.close()
      await ctx.close()
    }
    return
  }
  const worker = await startOutboxWorker(ctx, transport, config.mail.workerIntervalMs)
  const jobs = createJobScheduler(ctx)
  jobs.start()
  console.log(`outbox worker running, a pass every ${config.mail.workerIntervalMs} ms; Ctrl-C to stop`)
  const stop = async () => {
    await jobs.stop()
    await worker.stop()
    transport.close()
    await ctx.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(`outbox:work failed: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
})
