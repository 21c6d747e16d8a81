import type { Logger } from 'pino'
import type { AppContext } from './app-context.js'
import type { Config } from './config.js'
import { databaseLocation, engineOf, openDatabase } from './db/connection.js'
import { migrateToLatest } from './db/migrator.js'
import { checkPostgresLocale } from './db/postgres-locale.js'
import { withStartUpLock } from './db/start-up-lock.js'
import { seedDirectory } from './directory/directory-seed.js'
import { seedLetterTemplates } from './letters/index.js'
import { type Clock, systemClock } from './lib/clock.js'
import { createLogger } from './lib/log.js'
import { createOutbox } from './outbox/index.js'
import { outboxKinds } from './outbox-kinds.js'

export type { AppContext } from './app-context.js'

export interface ContextOverrides {
  clock?: Clock
  log?: Logger
  /**
   * Skip seeding (a test that wants an empty directory); 'names-only': seed the states and their
   * missions' names without missions.json's contact details (a test of an import into a directory
   * that has none).
   */
  seed?: boolean | 'names-only'
}

/**
 * Opens the database (on PostgreSQL, refusing one whose locale does not compare text byte by
 * byte), migrates it to the latest schema, seeds the directory if needed and the letter templates
 * from their files: under the start-up lock, so processes starting together on one PostgreSQL
 * database take turns.
 */
export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const log = overrides.log ?? createLogger(config)
  const clock = overrides.clock ?? systemClock()
  const db = openDatabase(databaseLocation(config), {
    synchronous: config.sqliteSynchronous,
    poolSize: config.databasePoolSize,
  })
  try {
    // Before any table is made: a database in the wrong locale is to be made again, empty.
    if (engineOf(db) === 'postgres') await checkPostgresLocale(db)
    const outbox = createOutbox(config, clock, outboxKinds)
    const ctx: AppContext = { config, db, clock, log, outbox, close: () => db.destroy() }
    await withStartUpLock(db, async () => {
      await migrateToLatest(db)
      if (overrides.seed !== false) await seedDirectory(ctx, { contacts: overrides.seed !== 'names-only' })
      // The first ask's letter templates, from templates/letters/ (letter-template-seed.ts).
      await seedLetterTemplates(ctx)
    })
    return ctx
  } catch (error) {
    await db.destroy()
    throw error
  }
}
