import crypto from 'node:crypto'
import pg from 'pg'
import { afterAll } from 'vitest'
import { findPostgresBin, startTestPostgres } from '../../scripts/lib/test-postgres.js'
import { testPostgresUrl } from './test-context.js'

export interface BorrowedPostgres {
  url: string
  /** A new empty database there (locale C, as the suite's), and how to drop it. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>
}

/**
 * A PostgreSQL server for a test that needs one whatever the run's engine: the suite's under
 * TEST_ENGINE=postgres, otherwise a throwaway cluster started for this file and stopped after it.
 * Null, with the reason, where no PostgreSQL binaries are installed.
 */
export async function borrowPostgres(): Promise<{ server: BorrowedPostgres | null; reason: string }> {
  let url = testPostgresUrl()
  if (!url) {
    if (!findPostgresBin())
      return {
        server: null,
        reason: 'skipped: no PostgreSQL found (apt-get install -y postgresql, or PG_BIN)',
      }
    const cluster = await startTestPostgres()
    afterAll(() => cluster.stop())
    url = cluster.url
  }
  const serverUrl = url
  const server: BorrowedPostgres = {
    url: serverUrl,
    async createDatabase() {
      const name = `cb_test_${crypto.randomBytes(6).toString('hex')}`
      await onServer(serverUrl, (client) =>
        client.query(
          `create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
        ),
      )
      const database = new URL(serverUrl)
      database.pathname = `/${name}`
      return {
        url: database.toString(),
        drop: () =>
          onServer(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
      }
    },
  }
  return { server, reason: '' }
}

async function onServer(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await run(client)
  } finally {
    await client.end()
  }
}
