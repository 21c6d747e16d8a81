import crypto from 'node:crypto'
import { afterAll } from 'vitest'
import { onPostgres, startTestPostgres, type TestPostgres } from '../../scripts/lib/test-postgres.js'
import { findPostgresBin } from '../../src/db/postgres-programs.js'
import { testPostgresUrl } from './test-context.js'

// For the tests of PostgreSQL itself, whatever the run's engine: the run's server under
// TEST_ENGINE=postgres, else a throwaway cluster started for the test file as the run would start
// it (stopped after the file). Where PostgreSQL is not installed, `postgresMissing` says why.

export const postgresMissing: string | null = findPostgresBin('initdb')
  ? null
  : 'skipped: no PostgreSQL found (apt-get install -y postgresql, or PG_BIN=<folder of initdb>)'

let ownServer: Promise<TestPostgres> | null = null
afterAll(async () => {
  await (await ownServer)?.stop()
})

async function postgresServer(): Promise<string> {
  const url = testPostgresUrl()
  if (url) return url
  ownServer ??= startTestPostgres()
  return (await ownServer).url
}

/** Runs `test` on a new empty PostgreSQL database (locale C, as the suite's), dropped after it. */
export async function onEmptyPostgresDatabase(test: (url: string) => Promise<void>): Promise<void> {
  const server = await postgresServer()
  const name = `cb_pg_${crypto.randomBytes(6).toString('hex')}`
  await onPostgres(server, (c) =>
    c.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`),
  )
  const url = new URL(server)
  url.pathname = `/${name}`
  try {
    await test(url.toString())
  } finally {
    await onPostgres(server, (c) => c.query(`drop database if exists ${name} with (force)`))
  }
}
