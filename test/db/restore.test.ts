import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { DEFAULT_MIGRATION_TABLE, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { backupDatabase } from '../../src/db/backup.js'
import { openDatabase } from '../../src/db/connection.js'
import { BackupError } from '../../src/db/database-file.js'
import { knownMigrationNames, migrateTo } from '../../src/db/migrator.js'
import { restoreDatabase } from '../../src/db/restore.js'
import {
  databaseWithLetters,
  fingerprintFolder,
  integrityOf,
  letterIdsIn,
  runDbScript,
} from '../helpers/database-files.js'

// npm run db:restore (issue 17, item 4): the backup is checked before anything is touched, the
// live database must be closed by every process, and a refusal changes nothing.

const require = createRequire(import.meta.url)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-restore-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const file = (name: string) => path.join(tmp, name)

/** A folder holding only a live database with letters, as the service leaves it. */
async function liveFolder(
  name: string,
  letters = 3,
): Promise<{ dir: string; database: string; ids: string[] }> {
  const dir = file(name)
  fs.mkdirSync(dir)
  const database = path.join(dir, 'app.sqlite')
  const ids = await databaseWithLetters(database, letters, 'Live')
  fs.rmSync(path.join(dir, 'outbox'), { recursive: true, force: true })
  return { dir, database, ids }
}

/** Expects restoreDatabase to refuse with `message`, changing no file in the live database's folder. */
function expectRefusal(database: string, backup: string, message: RegExp): void {
  const before = fingerprintFolder(path.dirname(database))
  let error: unknown
  try {
    restoreDatabase(database, backup)
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(BackupError)
  expect((error as Error).message).toMatch(message)
  expect(fingerprintFolder(path.dirname(database))).toEqual(before)
}

/**
 * Changes every letter's note in a process killed with SIGKILL before it closes the database: the
 * change is then in the -wal only, beside its -shm, as a power cut or kill -9 leaves them.
 */
function leaveLogAsAKillWould(database: string): void {
  const killed = spawnSync(process.execPath, [
    '-e',
    `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(database)})
     db.pragma('wal_autocheckpoint = 0')
     db.prepare("update letter set personal_note = 'in the log only'").run()
     process.kill(process.pid, 'SIGKILL')`,
  ])
  expect(killed.signal).toBe('SIGKILL')
}

let goodBackup: string
let backupIds: string[]

beforeAll(async () => {
  const source = file('source.sqlite')
  backupIds = await databaseWithLetters(source, 5, 'Backed up')
  goodBackup = file('good-backup.sqlite')
  await backupDatabase(source, goodBackup)
}, 30_000)

describe('restoreDatabase on a stopped service', () => {
  it('puts the backup in place, keeps the database that was there aside, and leaves no -wal or -shm', async () => {
    const { dir, database, ids } = await liveFolder('stopped')
    const report = restoreDatabase(database, goodBackup, new Date('2026-12-06T06:30:00Z'))
    expect(report.keptAs).toBe(`${database}.before-restore-2026-12-06T06-30-00Z`)
    expect(letterIdsIn(database)).toEqual([...backupIds].sort())
    expect(letterIdsIn(report.keptAs!)).toEqual([...ids].sort())
    expect(integrityOf(database)).toBe('ok')
    expect(report).toMatchObject({
      letters: 5,
      lastMigration: knownMigrationNames.at(-1),
      pendingMigrations: [],
    })
    expect(fs.readdirSync(dir).sort()).toEqual([
      'app.sqlite',
      'app.sqlite.before-restore-2026-12-06T06-30-00Z',
    ])
  })

  it('checkpoints the log of a service killed mid-run into the database it keeps aside', async () => {
    const { dir, database, ids } = await liveFolder('killed', 1)
    leaveLogAsAKillWould(database)
    expect(fs.statSync(`${database}-wal`).size).toBeGreaterThan(0)
    const mainFileAlone = file('killed-main-file-alone.sqlite')
    fs.copyFileSync(database, mainFileAlone)
    const alone = new SQLite(mainFileAlone, { readonly: true })
    expect(alone.prepare('select personal_note from letter').pluck().all()).not.toEqual(['in the log only'])
    alone.close()
    const report = restoreDatabase(database, goodBackup)
    const aside = new SQLite(report.keptAs!, { readonly: true })
    expect(aside.prepare('select personal_note from letter').pluck().all()).toEqual(['in the log only'])
    aside.close()
    expect(letterIdsIn(report.keptAs!)).toEqual(ids)
    expect(fs.readdirSync(dir).filter((name) => /-(wal|shm|journal)$/.test(name))).toEqual([])
  })

  it('restores into a folder with no database yet', async () => {
    const database = path.join(file('fresh'), 'app.sqlite')
    const report = restoreDatabase(database, goodBackup)
    expect(report.keptAs).toBeNull()
    expect(letterIdsIn(database)).toEqual([...backupIds].sort())
  })

  it('removes a -wal and -shm left without their database, which SQLite would replay into the backup', async () => {
    const { dir, database } = await liveFolder('stale-log', 5)
    leaveLogAsAKillWould(database)
    fs.rmSync(database)
    expect(fs.readdirSync(dir).sort()).toEqual(['app.sqlite-shm', 'app.sqlite-wal'])
    restoreDatabase(database, goodBackup)
    expect(fs.readdirSync(dir)).toEqual(['app.sqlite'])
    expect(integrityOf(database)).toBe('ok')
    expect(letterIdsIn(database)).toEqual([...backupIds].sort())
    const db = new SQLite(database, { readonly: true })
    expect(
      db.prepare("select count(*) from letter where personal_note = 'in the log only'").pluck().get(),
    ).toBe(0)
    db.close()
  })

  it('restores an older backup, which the service then migrates forward at its start', async () => {
    const older = file('older.sqlite')
    const db = openDatabase(older)
    await migrateTo(db, '0014-site-language')
    await db.destroy()
    const { database } = await liveFolder('older-target')
    const report = restoreDatabase(database, older)
    expect(report.lastMigration).toBe('0014-site-language')
    expect(report.pendingMigrations).toEqual(
      knownMigrationNames.slice(knownMigrationNames.indexOf('0014-site-language') + 1),
    )
    expect(report.pendingMigrations).toContain('0015-bounces')
    const config = loadConfig({ DATABASE_PATH: database, OUTBOX_DIR: file('outbox'), LOG_LEVEL: 'silent' })
    const ctx = await createContext(config, { log: pino({ level: 'silent' }) })
    const { rows } = await sql<{
      name: string
    }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)} order by name`.execute(ctx.db)
    await ctx.close()
    expect(rows.at(-1)?.name).toBe(knownMigrationNames.at(-1))
  })
})

describe('restoreDatabase refuses, changing nothing', () => {
  it('while another connection has the live database open, even idle', async () => {
    const { database, ids } = await liveFolder('open')
    const service = openDatabase(database)
    await service.selectFrom('letter').select('public_id').execute()
    try {
      expectRefusal(database, goodBackup, /is open in another process: stop the service/)
    } finally {
      await service.destroy()
    }
    expect(letterIdsIn(database)).toEqual([...ids].sort())
    // Closed, the same restore goes through: the refusal was the open connection's doing.
    expect(restoreDatabase(database, goodBackup).letters).toBe(5)
  })

  it('a damaged backup: pages overwritten, or the file cut short', async () => {
    const { database } = await liveFolder('damaged')
    const overwritten = file('overwritten.sqlite')
    fs.copyFileSync(goodBackup, overwritten)
    const db = new SQLite(overwritten, { readonly: true })
    const rootPage = db
      .prepare("select rootpage from sqlite_master where name = 'mission_version'")
      .pluck()
      .get() as number
    const pageSize = db.pragma('page_size', { simple: true }) as number
    db.close()
    const fd = fs.openSync(overwritten, 'r+')
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (rootPage - 1) * pageSize)
    fs.closeSync(fd)
    expectRefusal(database, overwritten, /overwritten\.sqlite (fails SQLite's integrity check|is damaged)/)
    // An index that no longer matches its table: every page readable, only the integrity check sees it.
    const mismatched = file('mismatched-index.sqlite')
    fs.copyFileSync(goodBackup, mismatched)
    const db2 = new SQLite(mismatched)
    db2.unsafeMode(true) // lifts SQLite's defensive mode, which forbids writing sqlite_master
    db2.exec(`create table scratch (a, b); insert into scratch values (1, 2); create index scratch_a on scratch (a);
      pragma writable_schema = on;
      update sqlite_master set sql = 'CREATE INDEX scratch_a ON scratch (b)' where name = 'scratch_a';`)
    db2.close()
    expectRefusal(
      database,
      mismatched,
      /mismatched-index\.sqlite fails SQLite's integrity check: .*scratch_a/,
    )
    const cut = file('cut.sqlite')
    fs.writeFileSync(
      cut,
      fs.readFileSync(goodBackup).subarray(0, Math.floor(fs.statSync(goodBackup).size / 2)),
    )
    expectRefusal(database, cut, /cut\.sqlite (fails SQLite's integrity check|is damaged)/)
  })

  it("a file that is not SQLite, and an SQLite database that is not this application's", async () => {
    const { database } = await liveFolder('foreign')
    const text = file('notes.txt')
    fs.writeFileSync(text, 'not a database\n'.repeat(500))
    expectRefusal(database, text, /notes\.txt is not an SQLite database/)
    const other = file('other-app.sqlite')
    const db = new SQLite(other)
    db.exec('create table note (id integer primary key, body text)')
    db.close()
    expectRefusal(
      database,
      other,
      /other-app\.sqlite is not a code-blue-letters database: it has no kysely_migration table/,
    )
    const otherKysely = file('other-kysely-app.sqlite')
    const db2 = new SQLite(otherKysely)
    db2.exec(
      `create table ${DEFAULT_MIGRATION_TABLE} (name varchar(255) primary key, timestamp varchar(255))`,
    )
    db2.exec(`insert into ${DEFAULT_MIGRATION_TABLE} values ('2024_01_users', '2024-01-01T00:00:00.000Z')`)
    db2.close()
    expectRefusal(
      database,
      otherKysely,
      /is not a code-blue-letters database: none of its migrations \(2024_01_users\)/,
    )
  })

  it('a backup from a newer version, naming its last migration', async () => {
    const { database } = await liveFolder('newer')
    const newer = file('newer.sqlite')
    fs.copyFileSync(goodBackup, newer)
    const db = new SQLite(newer)
    db.exec(
      `insert into ${DEFAULT_MIGRATION_TABLE} values ('9999-from-the-future', '2027-01-01T00:00:00.000Z')`,
    )
    db.close()
    expectRefusal(
      database,
      newer,
      new RegExp(
        `newer\\.sqlite comes from a newer version of code-blue-letters: its last migration, 9999-from-the-future, is unknown to this one \\(whose last is ${knownMigrationNames.at(-1)}\\)`,
      ),
    )
  })

  it('a backup that does not exist, or the database itself', async () => {
    const { database } = await liveFolder('missing')
    expectRefusal(database, file('no-such-backup.sqlite'), /no-such-backup\.sqlite does not exist/)
    expectRefusal(database, database, /is the database itself/)
  })
})

describe('npm run db:restore', () => {
  it('says what it restored, and refuses with a message, not a stack trace, and status 1', async () => {
    const { database } = await liveFolder('script')
    const done = await runDbScript('restore', database, goodBackup)
    expect(done.stderr).toBe('')
    expect(done.status).toBe(0)
    expect(done.stdout).toMatch(/letters +5\n/)
    expect(done.stdout).toContain(`last migration   ${knownMigrationNames.at(-1)}`)
    expect(done.stdout).toMatch(/kept as .*app\.sqlite\.before-restore-/)

    const service = new SQLite(database)
    service.prepare('select count(*) from letter').get()
    const refused = await runDbScript('restore', database, goodBackup)
    service.close()
    expect(refused.status).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toMatch(/is open in another process: stop the service/)
    expect(refused.stderr).not.toMatch(/\n\s+at /)

    const usage = await runDbScript('restore', database)
    expect([usage.status, usage.stderr.trim()]).toEqual([
      1,
      'usage: npm run db:restore -- FILE   (with the service stopped)',
    ])
  }, 30_000)
})
