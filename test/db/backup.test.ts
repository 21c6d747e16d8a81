import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupDatabase } from '../../src/db/backup.js'
import { BackupError } from '../../src/db/database-file.js'
import { knownMigrationNames } from '../../src/db/migrator.js'
import {
  databaseWithLetters,
  fingerprintFolder,
  integrityOf,
  letterIdsIn,
  runDbScript,
} from '../helpers/database-files.js'

// npm run db:backup (issue 17, item 4): a checked copy, written under a temporary name and
// renamed, never over an existing file without --force. Under load: backup-under-load.test.ts.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-backup-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const file = (name: string) => path.join(tmp, name)

let database: string
let ids: string[]

beforeAll(async () => {
  fs.mkdirSync(file('live'))
  database = file('live/app.sqlite')
  ids = await databaseWithLetters(database, 4)
}, 30_000)

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BackupError)
  return (error as Error).message
}

describe('npm run db:backup', () => {
  it('writes a copy that opens alone, says what it holds, and leaves nothing else behind', async () => {
    fs.mkdirSync(file('out'))
    const target = file('out/first.sqlite')
    const run = await runDbScript('backup', database, target)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`Backed up ${database} to ${target}`)
    expect(run.stdout).toMatch(
      new RegExp(`size +[\\d.]+ MiB \\(${fs.statSync(target).size.toLocaleString('en')} bytes\\)`),
    )
    expect(run.stdout).toMatch(/letters +4\n/)
    expect(run.stdout).toContain(`last migration   ${knownMigrationNames.at(-1)}`)
    // One file: no -wal or -shm, and none needed (rollback journal mode in its header).
    expect(fs.readdirSync(file('out'))).toEqual(['first.sqlite'])
    const copy = new SQLite(target, { readonly: true })
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
    copy.close()
    expect(integrityOf(target)).toBe('ok')
    expect(letterIdsIn(target)).toEqual([...ids].sort())
  })

  it('refuses to overwrite an existing file without --force, leaving it as it was; replaces it with --force', async () => {
    fs.mkdirSync(file('twice'))
    const target = file('twice/backup.sqlite')
    fs.writeFileSync(target, 'yesterday’s backup')
    const before = fingerprintFolder(file('twice'))
    const refused = await runDbScript('backup', database, target)
    expect(refused.status).toBe(1)
    expect(refused.stderr.trim()).toBe(
      `${target} exists already: give another name, or --force to replace it`,
    )
    expect(fingerprintFolder(file('twice'))).toEqual(before)

    const forced = await runDbScript('backup', database, target, '--force')
    expect([forced.status, forced.stderr]).toEqual([0, ''])
    expect(letterIdsIn(target)).toEqual([...ids].sort())
    expect(fs.readdirSync(file('twice'))).toEqual(['backup.sqlite'])
  }, 30_000)

  it('refuses, naming the problem, where there is no database, no folder, or no file name', async () => {
    expect(await refusal(backupDatabase(file('none.sqlite'), file('x.sqlite')))).toBe(
      `There is no database at ${file('none.sqlite')} (DATABASE_PATH): nothing to back up`,
    )
    expect(await refusal(backupDatabase(database, file('no-folder/x.sqlite')))).toBe(
      `The folder ${file('no-folder')} does not exist`,
    )
    expect(await refusal(backupDatabase(database, database, { force: true }))).toBe(
      `${database} is the live database itself`,
    )
    const usage = await runDbScript('backup', database)
    expect([usage.status, usage.stderr.trim()]).toEqual([1, 'usage: npm run db:backup -- FILE [--force]'])
  })
})
