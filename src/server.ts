import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { createContext } from './context.js'
import { issueSetupLinkIfNeeded } from './organizers/organizer-accounts.service.js'
import { createTransport, startOutboxWorker } from './outbox/index.js'
import { createJobScheduler } from './periodic-jobs.js'

// The entry point of `npm start`: configuration, context, app, listen; and a clean stop on signals.

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const ctx = await createContext(config)
  const app = await buildApp({ ctx })
  const transport = createTransport(config.mail)
  const worker = config.mail.workerInServer
    ? await startOutboxWorker(ctx, transport, config.mail.workerIntervalMs)
    : null
  // The periodic jobs (reminders, retention, digests ...) run where the worker runs.
  const jobs = config.mail.workerInServer ? createJobScheduler(ctx) : null
  jobs?.start()

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    ctx.log.info({ signal }, 'stopping')
    // A stop must end: a mail server that never answers would otherwise hold it open until the
    // platform kills the process, with nothing in the log saying why.
    setTimeout(() => {
      ctx.log.error('stopping took over 30 s: exiting without waiting further')
      process.exit(1)
    }, 30_000).unref()
    // close() stops accepting connections and waits for requests in flight; the worker finishes
    // the message it is handing over, so nothing is left "sending" by a clean stop.
    await app.close()
    await jobs?.stop()
    await worker?.stop()
    transport.close()
    await ctx.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))

  await app.listen({ port: config.port, host: config.host })
  ctx.log.info(`Code Blue letters is serving ${config.publicUrl} (database ${describeDatabase(config)})`)
  ctx.log.info(
    transport.kind === 'smtp'
      ? 'e-mail goes out through SMTP_URL'
      : `no SMTP_URL: e-mail is written as .eml files to ${config.mail.outboxDir}`,
  )
  // Printed, not only logged: the person starting the server for the first time needs this link.
  const setup = await issueSetupLinkIfNeeded(ctx)
  if (setup) {
    console.log(
      `\nNo organizer account exists yet. Create the first admin (one use, until ${setup.expiresAt}):\n  ${setup.url}\n`,
    )
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message)
  } else {
    console.error('Could not start:', error instanceof Error ? error.message : error)
  }
  process.exit(1)
})

/** The database for the log: the SQLite file, or PostgreSQL's host and database (never the password). */
function describeDatabase(config: Config): string {
  if (config.databaseUrl === null) return config.databasePath
  const url = new URL(config.databaseUrl)
  return `PostgreSQL ${url.host}${url.pathname}`
}
