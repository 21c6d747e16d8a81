import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file builds its own app on its own SQLite file, so files can run in parallel.
    pool: 'forks',
    // The memory tests measure what a run keeps, after a collection, not the garbage V8 has yet
    // to collect.
    execArgv: ['--expose-gc'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
