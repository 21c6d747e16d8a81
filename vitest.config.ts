import { defineConfig } from 'vitest/config'

// TEST_ENGINE=postgres (npm run test:postgres): the same tests, each file on a PostgreSQL database
// of its own (test/helpers/test-context.ts) on a server test/postgres-setup.ts starts.
const postgres = process.env.TEST_ENGINE === 'postgres'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file builds its own app on its own SQLite file, so files can run in parallel.
    pool: 'forks',
    globalSetup: postgres ? ['test/postgres-setup.ts'] : [],
    // The memory tests measure what a run keeps, after a collection, not the garbage V8 has yet
    // to collect.
    execArgv: ['--expose-gc'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
