import type { TestProject } from 'vitest/node'
import { startTestPostgres } from '../scripts/lib/test-postgres.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL superuser's URL: each test file creates (and drops) a database of its own there. */
    testDatabaseUrl: string
  }
}

/**
 * vitest's globalSetup when TEST_ENGINE=postgres (vitest.config.ts): TEST_DATABASE_URL's server,
 * or a throwaway cluster started for the run (scripts/lib/test-postgres.ts) and stopped after it.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TEST_DATABASE_URL?.trim()
  if (given) {
    project.provide('testDatabaseUrl', given)
    return undefined
  }
  const server = await startTestPostgres()
  project.provide('testDatabaseUrl', server.url)
  return () => server.stop()
}
