import fs from 'node:fs'
import path from 'node:path'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import pg from 'pg'
import { assertKnownMigrations, BackupError, type CheckedCopy, migrationState } from './database-file.js'
import { assertApplicationArchive, readArchiveData } from './postgres-archive.js'
import {
  childConnection,
  databaseNameOf,
  postgresProgram,
  printableUrl,
  runProgram,
} from './postgres-programs.js'
import { quoteIdentifier } from './postgres-tables.js'

export interface PostgresRestoreReport extends CheckedCopy {
  database: string
  /** The database that was there before, under its new name; null where there was none. */
  keptAs: string | null
}

/** PostgreSQL's longest name (NAMEDATALEN - 1, in bytes): a longer one is cut short, silently. */
const MAX_NAME_BYTES = 63

/**
 * Puts the pg_dump archive `backup` in place of the database `url` names, with the service stopped.
 * Checks the archive first (a pg_dump archive of this application, whose last migration this code
 * knows) and that no session is connected to the database, then restores it into a new database
 * beside it, and only then swaps the names in one transaction: the database that was there becomes
 * `<name>_before_restore_<time>`, kept whole, and the restored one takes its name. A refusal, or a
 * restore that fails half-way, changes nothing (the new database is dropped). The role needs the
 * right to create databases and to own (so rename) the current one.
 */
export async function restorePostgres(
  url: string,
  backup: string,
  now: Date = new Date(),
): Promise<PostgresRestoreReport> {
  const source = path.resolve(backup)
  if (!fs.existsSync(source)) throw new BackupError(`${source} does not exist`)
  if (!fs.statSync(source).isFile()) throw new BackupError(`${source} is not a file`)
  await assertApplicationArchive(source, source)
  const { migrations } = await readArchiveData(source, source, { tables: [DEFAULT_MIGRATION_TABLE] })
  assertKnownMigrations(migrations, source)

  const target = databaseNameOf(url)
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '_').toLowerCase()
  const restoring = nameWithin(target, `_restoring_${process.pid}`)
  const admin = await connectBeside(url, target)
  try {
    const current = await databaseSettings(admin, target)
    await assertNoSessions(admin, target)
    await admin.query(
      `create database ${quoteIdentifier(restoring)} template template0 encoding 'UTF8'
         lc_collate ${literal(current?.collate ?? 'C')} lc_ctype ${literal(current?.ctype ?? 'C')}`,
    )
    try {
      const { dbname, env } = childConnection(url, restoring)
      // One transaction: a failure leaves nothing half-restored (the database is dropped anyway).
      // Objects are owned by the role restoring, the service's, whoever owned them where dumped.
      await runProgram(
        postgresProgram('pg_restore'),
        [
          '--single-transaction',
          '--exit-on-error',
          '--no-owner',
          '--no-acl',
          '--no-password',
          `--dbname=${dbname}`,
          source,
        ],
        env,
      ).catch((error: Error) => {
        throw new BackupError(`${source} could not be restored: ${error.message}. Nothing was changed.`)
      })
      const letters = await lettersIn(url, restoring)
      const keptAs = current ? await freeName(admin, nameWithin(target, `_before_restore_${stamp}`)) : null
      await swapNames(admin, target, restoring, keptAs)
      return {
        database: target,
        keptAs,
        bytes: fs.statSync(source).size,
        letters,
        ...migrationState(migrations),
        check: { name: 'pg_restore', result: 'restored it whole, in one transaction' },
      }
    } catch (error) {
      await admin.query(`drop database if exists ${quoteIdentifier(restoring)} with (force)`)
      throw error
    }
  } finally {
    await admin.end()
  }
}

/**
 * A session on another database of the same server (`postgres`, else `template1`): a database
 * cannot be renamed, or dropped, from a session on it.
 */
async function connectBeside(url: string, target: string): Promise<pg.Client> {
  let lastError: unknown
  for (const database of ['postgres', 'template1'].filter((name) => name !== target)) {
    const beside = new URL(url)
    beside.pathname = `/${database}`
    const client = new pg.Client({ connectionString: beside.toString() })
    try {
      await client.connect()
      return client
    } catch (error) {
      lastError = error
      await client.end().catch(() => {})
    }
  }
  throw new BackupError(
    `Cannot reach the server of ${printableUrl(url)} (DATABASE_URL) on its postgres or template1 database: ${(lastError as Error).message}`,
  )
}

async function databaseSettings(
  admin: pg.Client,
  name: string,
): Promise<{ collate: string; ctype: string } | null> {
  const { rows } = await admin.query<{ collate: string; ctype: string }>(
    'select datcollate as collate, datctype as ctype from pg_database where datname = $1',
    [name],
  )
  return rows[0] ?? null
}

/**
 * Refuses while any session other than this one is connected to `database`: the service must be
 * stopped. Clients only: an autovacuum worker there is no user, and the rename ends it.
 */
async function assertNoSessions(admin: pg.Client, database: string): Promise<void> {
  const { rows } = await admin.query<{ who: string }>(
    `select coalesce(nullif(application_name, ''), usename, 'a session') || coalesce(' from ' || host(client_addr), '') as who
       from pg_stat_activity
      where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend' order by pid`,
    [database],
  )
  if (rows.length === 0) return
  throw new BackupError(
    `${rows.length} session(s) are connected to the database ${database} (${[...new Set(rows.map((r) => r.who))].join(', ')}): stop the service (and any script or psql using it) first. Nothing was changed.`,
  )
}

/**
 * Renames `target` to `keptAs` (where it exists) and `restored` to `target` in one transaction:
 * either both or neither. PostgreSQL itself refuses to rename a database anyone is connected to,
 * so a session that connected since the check stops the swap too.
 */
async function swapNames(
  admin: pg.Client,
  target: string,
  restored: string,
  keptAs: string | null,
): Promise<void> {
  try {
    await admin.query('begin')
    if (keptAs)
      await admin.query(`alter database ${quoteIdentifier(target)} rename to ${quoteIdentifier(keptAs)}`)
    await admin.query(`alter database ${quoteIdentifier(restored)} rename to ${quoteIdentifier(target)}`)
    await admin.query('commit')
  } catch (error) {
    await admin.query('rollback').catch(() => {})
    const message = (error as Error).message
    throw new BackupError(
      /being accessed by other users/.test(message)
        ? `A session connected to the database ${target} while the backup was being restored beside it (is the service starting?): stop it and restore again. Nothing was changed.`
        : `The restored database could not take the name ${target}: ${message}. Nothing was changed.`,
    )
  }
}

async function lettersIn(url: string, database: string): Promise<number> {
  const beside = new URL(url)
  beside.pathname = `/${encodeURIComponent(database)}`
  const client = new pg.Client({ connectionString: beside.toString() })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from letter')
    return Number(rows[0]!.n)
  } finally {
    await client.end()
  }
}

/** `name` + `suffix`, the name cut so the whole fits PostgreSQL's 63 bytes. */
function nameWithin(name: string, suffix: string): string {
  let base = name
  while (Buffer.byteLength(base + suffix) > MAX_NAME_BYTES) base = [...base].slice(0, -1).join('')
  return base + suffix
}

/** `name`, or `name_2`, `name_3`… where a database has it already. */
async function freeName(admin: pg.Client, name: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : nameWithin(name, `_${n}`)
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [candidate])
    if (rowCount === 0) return candidate
  }
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`
