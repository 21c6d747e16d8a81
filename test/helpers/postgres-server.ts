import { afterAll } from 'vitest'
import { startTestPostgres } from '../../scripts/lib/test-postgres.js'
import { findPostgresBin } from '../../src/db/postgres-programs.js'
import { createPostgresDatabaseOn, testPostgresUrl } from './test-context.js'

/**
 * A PostgreSQL server for a test file that needs one whichever engine the run is on (the
 * PostgreSQL backup, restore and move tests): the suite's under TEST_ENGINE=postgres, else a
 * throwaway cluster started for this file and stopped after it, as the suite starts its own.
 * `url` is a superuser's (databases are created there); null, with the reason to skip, where this
 * machine has no PostgreSQL programs (`programs`: those the tests run besides the server).
 */
export async function postgresServerForFile(
  programs: readonly string[] = ['pg_dump', 'pg_restore'],
): Promise<{ url: string | null; reason: string }> {
  const missing = programs.filter((program) => !findPostgresBin(program))
  if (missing.length > 0) {
    return {
      url: null,
      reason: `skipped: ${missing.join(' and ')} not found (apt-get install -y postgresql, or set PG_BIN)`,
    }
  }
  const suite = testPostgresUrl()
  if (suite) return { url: suite, reason: '' }
  if (!findPostgresBin('initdb')) {
    return {
      url: null,
      reason:
        'skipped: no PostgreSQL server to start (initdb not found: apt-get install -y postgresql, or set PG_BIN)',
    }
  }
  const server = await startTestPostgres()
  afterAll(() => server.stop())
  return { url: server.url, reason: '' }
}

export interface BorrowedPostgres {
  url: string
  /** A new empty database there (locale C, as the suite's), and how to drop it. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>
}

/**
 * A PostgreSQL server for a test that needs one whatever the run's engine (postgresServerForFile
 * with no programs besides the server), with a way to create databases on it.
 */
export async function borrowPostgres(): Promise<{ server: BorrowedPostgres | null; reason: string }> {
  const { url, reason } = await postgresServerForFile([])
  if (!url) return { server: null, reason }
  return { server: { url, createDatabase: () => createPostgresDatabaseOn(url) }, reason: '' }
}
