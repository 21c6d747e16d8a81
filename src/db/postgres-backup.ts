import fs from 'node:fs'
import path from 'node:path'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import pg from 'pg'
import type { BackupReport } from './backup.js'
import {
  assertBackupDestination,
  BackupError,
  fsyncFile,
  giveFinalName,
  migrationState,
  temporaryNameFor,
} from './database-file.js'
import { assertApplicationArchive, readArchiveData } from './postgres-archive.js'
import { childConnection, postgresProgram, printableUrl, runProgram } from './postgres-programs.js'
import { countRows, publicTables, quoteIdentifier } from './postgres-tables.js'

/**
 * Copies the PostgreSQL database `url` names to `destination` (pg_dump's custom format) while the
 * service keeps running, with the guarantees of the SQLite backup: written under a temporary name,
 * checked, written to disk, then given its name; an existing `destination` replaced only with
 * `force`.
 *
 * @NOTE The snapshot is this process's: it opens a REPEATABLE READ transaction, exports its
 * snapshot and hands it to pg_dump (--snapshot), so the rows it counts in each table are those of
 * the archive, to the row. The check reads the archive back whole with pg_restore and finds the
 * same counts. Writers never wait for either (pg_dump takes ACCESS SHARE locks only).
 */
export async function backupPostgres(
  url: string,
  destination: string,
  { force = false }: { force?: boolean } = {},
): Promise<BackupReport> {
  const started = performance.now()
  const target = path.resolve(destination)
  assertBackupDestination(target, force)
  const pgDump = postgresProgram('pg_dump')
  postgresProgram('pg_restore') // for the check: missing, say so before the dump, not after
  const temporary = temporaryNameFor(target, 'partial')
  fs.rmSync(temporary, { force: true })
  try {
    const { takenAt, counts, migrations } = await dumpInSnapshot(url, pgDump, temporary)
    const label = `The archive of ${printableUrl(url)}`
    await assertApplicationArchive(temporary, label)
    const archive = await readArchiveData(temporary, label)
    for (const [table, rows] of counts) {
      const archived = archive.rows.get(`public.${table}`) ?? 0
      if (archived !== rows) {
        throw new BackupError(`${label} holds ${archived} rows of ${table}, where the database had ${rows}`)
      }
    }
    if (archive.migrations.join() !== migrations.join()) {
      throw new BackupError(`${label} does not hold the migrations the database had`)
    }
    fsyncFile(temporary)
    giveFinalName(temporary, target, force)
    const rows = [...counts.values()].reduce((sum, n) => sum + n, 0)
    return {
      file: target,
      takenAt,
      bytes: fs.statSync(target).size,
      letters: counts.get('letter') ?? 0,
      ...migrationState(migrations),
      check: {
        name: 'pg_restore',
        result: `read it whole: ${counts.size} tables, ${rows.toLocaleString('en')} rows, as in the database`,
      },
      ms: Math.round(performance.now() - started),
    }
  } finally {
    fs.rmSync(temporary, { force: true })
  }
}

/**
 * Runs pg_dump into `file` on a snapshot this process holds open, and counts every table's rows
 * and reads the migrations in that same snapshot.
 */
async function dumpInSnapshot(
  url: string,
  pgDump: string,
  file: string,
): Promise<{ takenAt: string; counts: Map<string, number>; migrations: string[] }> {
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
  } catch (error) {
    throw new BackupError(`Cannot reach ${printableUrl(url)} (DATABASE_URL): ${(error as Error).message}`)
  }
  try {
    await client.query('begin isolation level repeatable read read only')
    // Before the snapshot's first query: every commit before this moment is in it.
    const takenAt = new Date().toISOString()
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot')
    const tables = await publicTables(client)
    if (!tables.includes(DEFAULT_MIGRATION_TABLE)) {
      throw new BackupError(
        `${printableUrl(url)} is not a code-blue-letters database: it has no ${DEFAULT_MIGRATION_TABLE} table`,
      )
    }
    const counts = await countRows(client, tables)
    const migrations = (
      await client.query<{ name: string }>(
        `select name from ${quoteIdentifier(DEFAULT_MIGRATION_TABLE)} order by name`,
      )
    ).rows.map((row) => row.name)
    const { dbname, env } = childConnection(url)
    await runProgram(
      pgDump,
      [
        '--format=custom',
        `--snapshot=${rows[0]!.snapshot}`,
        `--file=${file}`,
        '--no-password',
        `--dbname=${dbname}`,
      ],
      env,
    )
    await client.query('commit')
    return { takenAt, counts, migrations }
  } finally {
    await client.end()
  }
}
