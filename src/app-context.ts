import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Database } from './db/connection.js'
import type { Clock } from './lib/clock.js'
import type { Outbox } from './outbox/index.js'

// The context's type apart from createContext (context.ts), which builds it from every module (the
// directory's seed, the outbox's kinds): a module names what it needs of the context without
// importing what builds it, so no module imports, through it, every other.

/** Everything a service needs, built once: routes, scripts, workers and tests all share it. */
export interface AppContext {
  readonly config: Config
  readonly db: Database
  readonly clock: Clock
  readonly log: Logger
  /** Queue mail inside a transaction, wake the worker after the commit (outbox/outbox.ts). */
  readonly outbox: Outbox
  close(): Promise<void>
}
