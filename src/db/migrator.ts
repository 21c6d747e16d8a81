import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely'
import { engineOf } from './engine.js'
import * as m0001 from './migrations/0001-directory.js'
import * as m0002 from './migrations/0002-letters.js'
import * as m0003 from './migrations/0003-delivery.js'
import * as m0004 from './migrations/0004-canvassing.js'
import * as m0005 from './migrations/0005-letter-stats-fix.js'
import * as m0006 from './migrations/0006-reply-counts.js'
import * as m0007 from './migrations/0007-members.js'
import * as m0008 from './migrations/0008-update-sending.js'
import * as m0009 from './migrations/0009-privacy.js'
import * as m0010 from './migrations/0010-roles.js'
import * as m0011 from './migrations/0011-letter-privacy.js'
import * as m0012 from './migrations/0012-letter-languages.js'
import * as m0013 from './migrations/0013-sources.js'
import * as m0014 from './migrations/0014-site-language.js'
import * as m0015 from './migrations/0015-bounces.js'
import * as m0016 from './migrations/0016-outbox-sending.js'
import * as m0017 from './migrations/0017-shared-counters.js'
import * as m0018 from './migrations/0018-outbox-workers.js'
import * as m0019 from './migrations/0019-asks.js'
import * as m0020 from './migrations/0020-letter-replies.js'
import * as m0021 from './migrations/0021-corrections.js'
import * as m0022 from './migrations/0022-operations.js'
import * as m0023 from './migrations/0023-letter-templates.js'
import * as m0024 from './migrations/0024-moderation.js'
import * as m0025 from './migrations/0025-ask-languages.js'
import * as postgresBaseline from './migrations/postgres-baseline.js'

// @NOTE a static map, not a folder scan: bundlers, tsx and vitest all see the same migrations,
// and their order is the order of the keys (names sort as they were written).
const migrations: Record<string, Migration> = {
  '0001-directory': m0001,
  '0002-letters': m0002,
  '0003-delivery': m0003,
  '0004-canvassing': m0004,
  '0005-letter-stats-fix': m0005,
  '0006-reply-counts': m0006,
  '0007-members': m0007,
  '0008-update-sending': m0008,
  '0009-privacy': m0009,
  '0010-roles': m0010,
  '0011-letter-privacy': m0011,
  '0012-letter-languages': m0012,
  '0013-sources': m0013,
  '0014-site-language': m0014,
  '0015-bounces': m0015,
  '0016-outbox-sending': m0016,
  '0017-shared-counters': m0017,
  '0018-outbox-workers': m0018,
  '0019-asks': m0019,
  '0020-letter-replies': m0020,
  '0021-corrections': m0021,
  '0022-operations': m0022,
  '0023-letter-templates': m0023,
  '0024-moderation': m0024,
  '0025-ask-languages': m0025,
}

/**
 * The last migration that PostgreSQL's baseline stands for. On PostgreSQL the first name runs the
 * baseline (today's schema at once) and the others up to here do nothing, so both engines record
 * the same names and every later migration runs on both (asking `engineOf(db)` where its SQL must
 * differ).
 */
const POSTGRES_BASELINE_THROUGH = '0016-outbox-sending'

const inBaseline: Migration = { up: async () => {}, down: async () => {} }

function migrationsFor(db: Kysely<any>): Record<string, Migration> {
  if (engineOf(db) === 'sqlite') return migrations
  const names = Object.keys(migrations)
  const last = names.indexOf(POSTGRES_BASELINE_THROUGH)
  return Object.fromEntries(
    names.map((name, i) => [name, i === 0 ? postgresBaseline : i <= last ? inBaseline : migrations[name]!]),
  )
}

const providerFor = (db: Kysely<any>): MigrationProvider => ({ getMigrations: async () => migrationsFor(db) })

/** The names of the migrations this code knows, oldest first: a database whose last is not among them is newer. */
export const knownMigrationNames: readonly string[] = Object.freeze(Object.keys(migrations))

/** Brings the database to the latest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  checkResult(await new Migrator({ db, provider: providerFor(db) }).migrateToLatest())
}

/** Brings the database up (or down) to the migration `name`, e.g. '0009-privacy': for tests of one migration. */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  if (!(name in migrations)) throw new Error(`There is no migration ${name}`)
  if (engineOf(db) === 'postgres' && name < POSTGRES_BASELINE_THROUGH) {
    throw new Error(`PostgreSQL starts from its baseline (${POSTGRES_BASELINE_THROUGH}): it has no ${name}`)
  }
  checkResult(await new Migrator({ db, provider: providerFor(db) }).migrateTo(name))
}

function checkResult({ error, results }: MigrationResultSet): void {
  const failed = results?.find((r) => r.status === 'Error')
  if (error) {
    const where = failed ? ` (migration ${failed.migrationName})` : ''
    throw new Error(
      `Database migration failed${where}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}
