import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { type AppContext, type ContextOverrides, createContext } from '../../src/context.js'
import { fixedClock } from '../../src/lib/clock.js'

/** The tests' "now": inside the 2026 Security Council year. */
export const TEST_NOW = '2026-06-01T12:00:00.000Z'

/**
 * A context on a fresh SQLite file of its own (real SQLite, migrated and seeded), a fixed clock
 * and a silent log. Closed and deleted after the test file.
 */
export async function createTestContext(
  overrides: ContextOverrides & { env?: Record<string, string> } = {},
): Promise<AppContext> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-test-'))
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'test.sqlite'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    LOG_LEVEL: 'silent',
    // Tests write many letters from one address; the rate-limit test sets its own.
    RATE_LIMIT_LETTERS: '100000',
    RATE_LIMIT_SENDS: '100000',
    RATE_LIMIT_LOGINS: '100000',
    ...overrides.env,
  })
  const ctx = await createContext(config, {
    clock: fixedClock(TEST_NOW),
    log: pino({ level: 'silent' }),
    ...overrides,
  })
  afterAll(async () => {
    await ctx.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return ctx
}

/** Where the shared reference files are, or null (with the reason) where they are absent. */
export function referenceFile(name: string): { file: string | null; reason: string } {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/reference', name)
  if (fs.existsSync(file)) return { file, reason: '' }
  return {
    file: null,
    reason: `skipped: ../shared/reference/${name} is absent (it ships beside the project only)`,
  }
}
