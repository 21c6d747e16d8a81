import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { pino } from 'pino'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { fixedClock } from '../../src/lib/clock.js'
import { projectPath } from '../../src/lib/paths.js'
import { TEST_NOW } from './test-context.js'

// SQLite files for the backup and restore tests: made by the real service code, fingerprinted
// to show a refusal changed nothing, and the db: scripts run as a person would run them.

/**
 * A migrated, seeded database at `location` (an SQLite file, or a postgres:// URL) with `letters`
 * letters written through the service; their ids.
 */
export async function databaseWithLetters(
  location: string,
  letters: number,
  label = 'Writer',
): Promise<string[]> {
  const config = loadConfig({
    ...locationEnv(location),
    // Nothing is sent here: the folder is named, never made (the transport makes it to write).
    OUTBOX_DIR: path.join(isPostgres(location) ? os.tmpdir() : path.dirname(location), 'outbox'),
    LOG_LEVEL: 'silent',
  })
  const ctx = await createContext(config, { log: pino({ level: 'silent' }), clock: fixedClock(TEST_NOW) })
  try {
    const ids: string[] = []
    for (let i = 0; i < letters; i++) {
      const letter = await createLetter(ctx, {
        state: ['FRA', 'KEN', 'BRA'][i % 3],
        supporter: { name: `${label} ${i}`, country: 'KE', email: `writer-${i}@supporters.example` },
      })
      ids.push(letter.id)
    }
    return ids
  } finally {
    await ctx.close()
  }
}

/** The public ids of the letters in a database file. */
export function letterIdsIn(file: string): string[] {
  const db = new SQLite(file, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('select public_id from letter order by public_id').pluck().all() as string[]
  } finally {
    db.close()
  }
}

/** `PRAGMA integrity_check` of a database file: 'ok', or SQLite's messages. */
export function integrityOf(file: string): string {
  const db = new SQLite(file, { fileMustExist: true })
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ')
  } finally {
    db.close()
  }
}

/** A hash of every file in `dir` by name: equal before and after, nothing there was touched. */
export function fingerprintFolder(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((name) => fs.statSync(path.join(dir, name)).isFile())
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(fs.readFileSync(path.join(dir, name)))
          .digest('hex'),
      ]),
  )
}

export interface ScriptRun {
  status: number
  stdout: string
  stderr: string
}

const isPostgres = (location: string) => /^postgres(ql)?:\/\//.test(location)

/** The environment that points the service (or a db: script) at `location`, and only there. */
export const locationEnv = (location: string): Record<string, string> =>
  isPostgres(location) ? { DATABASE_URL: location } : { DATABASE_PATH: location, DATABASE_URL: '' }

/**
 * Runs `npm run db:<name> -- ...args` as a person would (tsx on the script), on `database`: an
 * SQLite file (DATABASE_PATH), or a postgres:// URL (DATABASE_URL).
 */
export function runDbScript(
  name: 'backup' | 'restore' | 'migrate-to-postgres',
  database: string,
  ...args: string[]
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      projectPath('node_modules/.bin/tsx'),
      [projectPath('scripts', `db-${name}.ts`), ...args],
      { cwd: projectPath(), env: { ...process.env, ...locationEnv(database), LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}
