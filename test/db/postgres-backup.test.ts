import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_MIGRATION_TABLE, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onPostgres } from '../../scripts/lib/test-postgres.js'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { backupDatabase } from '../../src/db/backup.js'
import { openDatabase } from '../../src/db/connection.js'
import { BackupError } from '../../src/db/database-file.js'
import { knownMigrationNames, migrateTo } from '../../src/db/migrator.js'
import { backupPostgres } from '../../src/db/postgres-backup.js'
import { childConnection, findPostgresBin } from '../../src/db/postgres-programs.js'
import { restorePostgres } from '../../src/db/postgres-restore.js'
import { restoreDatabase } from '../../src/db/restore.js'
import { databaseWithLetters, fingerprintFolder, runDbScript } from '../helpers/database-files.js'
import { databasesStartingWith, databaseUrl, letterIdsAt, nameOf } from '../helpers/postgres-files.js'
import { postgresServerForFile } from '../helpers/postgres-server.js'
import { createPostgresDatabaseOn } from '../helpers/test-context.js'

// npm run db:backup and db:restore with DATABASE_URL (issue 17, item 4): pg_dump's archive,
// checked before it is called done; a restore that checks the archive and that the service is
// stopped, and changes nothing when it refuses. Under load: postgres-backup-under-load.test.ts.

const server = await postgresServerForFile()
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-pg-backup-'))
const file = (name: string) => path.join(tmp, name)

/** Every database made here, and those the restores derive from them (…_before_restore_…). */
const made: string[] = []
afterAll(async () => {
  if (server.url) {
    await onPostgres(server.url, async (client) => {
      for (const name of made) {
        for (const db of await databasesStartingWith(server.url!, name)) {
          await client.query(`drop database if exists "${db}" with (force)`)
        }
      }
    })
  }
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function newDatabase(): Promise<string> {
  const { url } = await createPostgresDatabaseOn(server.url!)
  made.push(nameOf(url))
  return url
}

/** Expects restorePostgres to refuse with `message`, the server's databases and the letters unchanged. */
async function expectRefusal(url: string, backup: string, message: RegExp): Promise<void> {
  const name = nameOf(url)
  const before = {
    databases: await databasesStartingWith(server.url!, name),
    letters: await letterIdsAt(url),
  }
  const error = await restorePostgres(url, backup).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BackupError)
  expect((error as Error).message).toMatch(message)
  expect({
    databases: await databasesStartingWith(server.url!, name),
    letters: await letterIdsAt(url),
  }).toEqual(before)
}

describe.skipIf(!server.url)(`db:backup and db:restore on PostgreSQL ${server.reason}`, () => {
  let live: string
  let liveIds: string[]
  let archive: string

  beforeAll(async () => {
    live = await newDatabase()
    liveIds = await databaseWithLetters(live, 4, 'Backed up')
    archive = file('live.dump')
    await backupPostgres(live, archive)
  }, 60_000)

  it('writes a pg_dump archive, checked against the database, and says what it holds', async () => {
    fs.mkdirSync(file('out'))
    const target = file('out/first.dump')
    const run = await runDbScript('backup', live, target)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`Backed up ${live} to ${target}`)
    expect(run.stdout).toMatch(
      new RegExp(`size +[\\d.]+ MiB \\(${fs.statSync(target).size.toLocaleString('en')} bytes\\)`),
    )
    expect(run.stdout).toMatch(/letters +4\n/)
    expect(run.stdout).toContain(`last migration   ${knownMigrationNames.at(-1)}`)
    const tables = await onPostgres(live, async (client) =>
      Number(
        (await client.query<{ n: string }>("select count(*) as n from pg_tables where schemaname = 'public'"))
          .rows[0]!.n,
      ),
    )
    expect(run.stdout).toMatch(
      new RegExp(`pg_restore +read it whole: ${tables} tables, [\\d,]+ rows, as in the database`),
    )
    expect(run.stdout).toMatch(/holds every commit before \d{4}-\d\d-\d\dT/)
    // The archive alone: no temporary file left beside it.
    expect(fs.readdirSync(file('out'))).toEqual(['first.dump'])
    expect(fs.readFileSync(target).subarray(0, 5).toString('latin1')).toBe('PGDMP')
    const list = execFileSync(path.join(findPostgresBin('pg_restore')!, 'pg_restore'), ['--list', target], {
      encoding: 'utf8',
    })
    expect(list).toMatch(/TABLE DATA public letter /)
  })

  it('refuses to overwrite an existing file without --force, leaving it as it was; replaces it with --force', async () => {
    fs.mkdirSync(file('twice'))
    const target = file('twice/backup.dump')
    fs.writeFileSync(target, 'yesterday’s backup')
    const before = fingerprintFolder(file('twice'))
    const refused = await runDbScript('backup', live, target)
    expect(refused.status).toBe(1)
    expect(refused.stderr.trim()).toBe(
      `${target} exists already: give another name, or --force to replace it`,
    )
    expect(fingerprintFolder(file('twice'))).toEqual(before)
    const forced = await runDbScript('backup', live, target, '--force')
    expect([forced.status, forced.stderr]).toEqual([0, ''])
    expect(fs.readFileSync(target).subarray(0, 5).toString('latin1')).toBe('PGDMP')
    expect(fs.readdirSync(file('twice'))).toEqual(['backup.dump'])
  }, 30_000)

  it("refuses a database that is not this application's, writing nothing", async () => {
    const empty = await newDatabase()
    fs.mkdirSync(file('foreign'))
    const error = await backupPostgres(empty, file('foreign/x.dump')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackupError)
    expect((error as Error).message).toMatch(
      /is not a code-blue-letters database: it has no kysely_migration table/,
    )
    expect(fs.readdirSync(file('foreign'))).toEqual([])
  })

  it('restores over the database, keeping the one that was there under a new name', async () => {
    const target = await newDatabase()
    const targetIds = await databaseWithLetters(target, 2, 'Before restore')
    const report = await restorePostgres(target, archive, new Date('2026-12-06T06:30:00Z'))
    const keptAs = `${nameOf(target)}_before_restore_20261206_063000`
    expect(report).toMatchObject({
      database: nameOf(target),
      keptAs,
      letters: 4,
      lastMigration: knownMigrationNames.at(-1),
      pendingMigrations: [],
    })
    expect(await letterIdsAt(target)).toEqual([...liveIds].sort())
    expect(await letterIdsAt(databaseUrl(server.url!, keptAs))).toEqual([...targetIds].sort())
    expect(await databasesStartingWith(server.url!, nameOf(target))).toEqual([nameOf(target), keptAs])
    // The service starts on it, and a letter written then takes the next id.
    const config = loadConfig({ DATABASE_URL: target, OUTBOX_DIR: file('outbox'), LOG_LEVEL: 'silent' })
    const ctx = await createContext(config, { log: pino({ level: 'silent' }) })
    await ctx.close()
    expect(await databaseWithLetters(target, 1, 'After restore')).toHaveLength(1)
    expect(await letterIdsAt(target)).toHaveLength(5)
  }, 60_000)

  it('restores an older archive into a database that does not exist yet, saying which migrations the service will apply', async () => {
    const older = await newDatabase()
    const db = openDatabase(older)
    await migrateTo(db, '0017-shared-counters')
    await db.destroy()
    await backupPostgres(older, file('older.dump'))
    const fresh = databaseUrl(server.url!, `${nameOf(older)}_fresh`)
    const run = await runDbScript('restore', fresh, file('older.dump'))
    expect([run.status, run.stderr]).toEqual([0, ''])
    expect(run.stdout).toContain(`Restored ${file('older.dump')} to the database ${nameOf(fresh)}:`)
    expect(run.stdout).toContain('last migration   0017-shared-counters')
    expect(run.stdout).toContain('There was no database there before.')
    const pending = knownMigrationNames.slice(knownMigrationNames.indexOf('0017-shared-counters') + 1)
    expect(run.stdout).toContain(
      `Start the service: it will apply ${pending.length} migration(s) first, ${pending[0]} to ${pending.at(-1)}.`,
    )
    const ctx = await createContext(
      loadConfig({ DATABASE_URL: fresh, OUTBOX_DIR: file('outbox'), LOG_LEVEL: 'silent' }),
      { log: pino({ level: 'silent' }) },
    )
    const { rows } = await sql<{
      name: string
    }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)} order by name`.execute(ctx.db)
    await ctx.close()
    expect(rows.at(-1)?.name).toBe(knownMigrationNames.at(-1))
  }, 60_000)

  it('refuses while another session is connected to the database, even idle; goes through once it is gone', async () => {
    const target = await newDatabase()
    await databaseWithLetters(target, 1, 'Connected')
    const service = new (await import('pg')).default.Client({
      connectionString: target,
      application_name: 'code-blue-letters',
    })
    await service.connect()
    await service.query('select count(*) from letter')
    try {
      await expectRefusal(
        target,
        archive,
        /1 session\(s\) are connected to the database cb_test_\w+ \(code-blue-letters from 127\.0\.0\.1\): stop the service .* Nothing was changed\./,
      )
      const script = await runDbScript('restore', target, archive)
      expect(script.status).toBe(1)
      expect(script.stdout).toBe('')
      expect(script.stderr).toMatch(/session\(s\) are connected to the database/)
      expect(script.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await service.end()
    }
    expect((await restorePostgres(target, archive)).letters).toBe(4)
  }, 60_000)

  it('refuses an SQLite backup, naming db:migrate-to-postgres; and the SQLite restore refuses the archive', async () => {
    const target = await newDatabase()
    await databaseWithLetters(target, 1, 'Kept')
    fs.mkdirSync(file('sqlite'))
    await databaseWithLetters(file('sqlite/app.sqlite'), 2)
    await backupDatabase(file('sqlite/app.sqlite'), file('sqlite/backup.sqlite'))
    await expectRefusal(
      target,
      file('sqlite/backup.sqlite'),
      /backup\.sqlite is an SQLite backup, and the service runs on PostgreSQL here .*npm run db:migrate-to-postgres/,
    )
    const before = fingerprintFolder(file('sqlite'))
    expect(() => restoreDatabase(file('sqlite/app.sqlite'), archive)).toThrow(
      /live\.dump is a PostgreSQL backup \(a pg_dump archive\), and the service runs on SQLite here .*DATABASE_URL set/,
    )
    expect(fingerprintFolder(file('sqlite'))).toEqual(before)
  }, 60_000)

  it('refuses a file that is not an archive, a damaged one, and one of another application', async () => {
    const target = await newDatabase()
    await databaseWithLetters(target, 1, 'Kept')
    fs.writeFileSync(file('notes.txt'), 'not a backup\n'.repeat(100))
    await expectRefusal(target, file('notes.txt'), /notes\.txt is not a pg_dump archive/)
    const cut = file('cut.dump')
    fs.writeFileSync(cut, fs.readFileSync(archive).subarray(0, Math.floor(fs.statSync(archive).size / 2)))
    await expectRefusal(target, cut, /cut\.dump is damaged/)

    const other = await newDatabase()
    await onPostgres(other, (client) =>
      client.query(
        "create table note (id serial primary key, body text); insert into note (body) values ('hello')",
      ),
    )
    const pgDump = path.join(findPostgresBin('pg_dump')!, 'pg_dump')
    execFileSync(pgDump, ['--format=custom', `--file=${file('other.dump')}`, `--dbname=${other}`])
    await expectRefusal(
      target,
      file('other.dump'),
      /other\.dump is not a code-blue-letters database: it has no kysely_migration table/,
    )
    execFileSync(pgDump, ['--format=plain', `--file=${file('plain.sql')}`, `--dbname=${live}`])
    await expectRefusal(target, file('plain.sql'), /plain\.sql is pg_dump's plain SQL/)
  }, 60_000)

  it('refuses an archive from a newer version, naming its last migration', async () => {
    const target = await newDatabase()
    await databaseWithLetters(target, 1, 'Kept')
    const newer = await newDatabase()
    await databaseWithLetters(newer, 1, 'Future')
    await onPostgres(newer, (client) =>
      client.query(
        `insert into ${DEFAULT_MIGRATION_TABLE} values ('9999-from-the-future', '2027-01-01T00:00:00.000Z')`,
      ),
    )
    // A backup takes whatever the database is; the restore is what refuses.
    await backupPostgres(newer, file('newer.dump'))
    await expectRefusal(
      target,
      file('newer.dump'),
      new RegExp(
        `newer\\.dump comes from a newer version of code-blue-letters: its last migration, 9999-from-the-future, is unknown to this one \\(whose last is ${knownMigrationNames.at(-1)}\\)`,
      ),
    )
  }, 60_000)
})

describe('the programs reach the database without the password on their command line', () => {
  it('puts the URL without its password in --dbname, and the password in PGPASSWORD', () => {
    const { dbname, env } = childConnection(
      'postgres://app:s%40cret%20pw@db.example:5433/code_blue?sslmode=require',
    )
    expect(dbname).toBe('postgres://app@db.example:5433/code_blue?sslmode=require')
    expect(env.PGPASSWORD).toBe('s@cret pw')
    const other = childConnection('postgres://app:pw@db.example/code_blue', 'code_blue_restoring_1')
    expect(other.dbname).toBe('postgres://app@db.example/code_blue_restoring_1')
  })
})
