import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { openDatabase } from '../../src/db/connection.js'
import { createTestDatabase, referenceFile, type TestDatabase } from '../helpers/test-context.js'

// Runs scripts/directory-import.ts as a user would, each run on a database of its own: a SQLite
// file, or under TEST_ENGINE=postgres a PostgreSQL database.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-import-script-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const databases = {
  dry: await createTestDatabase(path.join(tmp, 'dry.sqlite')),
  real: await createTestDatabase(path.join(tmp, 'real.sqlite')),
  broken: await createTestDatabase(path.join(tmp, 'broken.sqlite')),
  none: await createTestDatabase(path.join(tmp, 'none.sqlite')),
}
type Name = keyof typeof databases

interface Run {
  status: number
  stdout: string
  stderr: string
}

function runImport(database: Name, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/directory-import.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...databases[database].env, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/**
 * Makes a database whose missions have their names only (no missions.json contact details), as
 * the script then finds it: the report then shows the file adding every mission's details.
 */
async function namesOnlyDatabase(database: Name): Promise<void> {
  const config = loadConfig({
    ...databases[database].env,
    OUTBOX_DIR: path.join(tmp, 'outbox'),
    LOG_LEVEL: 'silent',
  })
  const ctx = await createContext(config, { seed: 'names-only', log: pino({ level: 'silent' }) })
  await ctx.close()
}

/** The current missions that hold an address (on a names-only database, only an import gives one). */
async function missionsWithAddress(database: Name): Promise<number> {
  const db = openDatabase(databases[database].location)
  try {
    const rows = await db
      .selectFrom('mission_version')
      .select('address_lines')
      .where('valid_until', 'is', null)
      .execute()
    return rows.filter((r) => r.address_lines !== '[]').length
  } finally {
    await db.destroy()
  }
}

/** No table in it: the SQLite file not even made, nothing migrated into the PostgreSQL database. */
async function isUntouched(database: TestDatabase): Promise<boolean> {
  if (!database.env.DATABASE_URL) return !fs.existsSync(database.env.DATABASE_PATH)
  const db = openDatabase(database.location)
  try {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.tables where table_schema = 'public'`.execute(db)
    return rows[0]?.n === 0
  } finally {
    await db.destroy()
  }
}

const ref = referenceFile('un-bluebook-2024-12-18.json')
if (!ref.file) console.warn(`directory-import-script.test.ts: ${ref.reason}`)

describe.skipIf(!ref.file)('the import script on the 2024 Blue Book', () => {
  it('prints the report of a dry run and writes nothing', { timeout: 60_000 }, async () => {
    await namesOnlyDatabase('dry')
    const run = await runImport('dry', ref.file!, '--dry-run')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Blue Book un-bluebook-2024-12-18\.json of 2024-12-18 /)
    expect(run.stdout).toMatch(/^ {2}added +194$/m)
    expect(run.stdout).toMatch(/^missing +STP +Sao Tome and Principe +not in the file/m)
    expect(run.stdout).toMatch(/^added +TCD +Chad +addressLines, .*head: \(unknown\) -> /m)
    expect(run.stdout).toMatch(/dry run: nothing written\n$/)
    expect(await missionsWithAddress('dry')).toBe(0)
  })

  it('writes on a real run, with the date taken from the file name', { timeout: 60_000 }, async () => {
    await namesOnlyDatabase('real')
    const run = await runImport('real', ref.file!)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/written: import #1, 194 new mission versions\n$/)
    expect(await missionsWithAddress('real')).toBe(194)
    const db = openDatabase(databases.real.location)
    const imports = await db.selectFrom('directory_import').selectAll().execute()
    await db.destroy()
    expect(imports).toMatchObject([{ source: 'un-bluebook-2024-12-18.json', source_date: '2024-12-18' }])
  })
})

describe('the import script on bad input', () => {
  it('fails on a malformed file with one line on stderr, and touches no database', {
    timeout: 60_000,
  }, async () => {
    const file = path.join(tmp, 'broken-2024-12-18.json')
    fs.writeFileSync(file, '{"countries": [{"MC_EntityBB": "Chad", "MC_Category": "1"')
    const run = await runImport('broken', file)
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^directory:import: not a Blue Book: the file is not valid JSON[^\n]*\n$/)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(await isUntouched(databases.broken)).toBe(true)
  })

  it('fails without a file argument, saying how to call it', { timeout: 60_000 }, async () => {
    const run = await runImport('none')
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(
      /^directory:import: no file or URL given \(usage: npm run directory:import -- [^\n]*\)\n$/,
    )
  })

  it('fails on a file that does not exist, and on a bad --date', { timeout: 60_000 }, async () => {
    const missing = await runImport('none', path.join(tmp, 'nowhere.json'))
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^directory:import: cannot read .*nowhere\.json: no such file\n$/)
    const badDate = await runImport('none', path.join(tmp, 'nowhere.json'), '--date', '2024-02-30')
    expect(badDate.status).toBe(1)
    expect(badDate.stderr).toBe('directory:import: --date must be a day as YYYY-MM-DD (got "2024-02-30")\n')
  })
})
