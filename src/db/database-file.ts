import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import { backupKindOf, SQLITE_REFUSES_PG_DUMP } from './backup-kind.js'
import { knownMigrationNames } from './migrator.js'

/** A backup or restore refused or failed, with a message for the person at the terminal. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupError'
  }
}

/** What a checked copy holds, for the report printed after a backup or a restore. */
export interface CheckedCopy {
  bytes: number
  letters: number
  lastMigration: string
  /** Migrations this code knows and the copy has not had yet: the service runs them at its start. */
  pendingMigrations: readonly string[]
  /** What checked the copy and what it found: SQLite's `integrity_check`, or pg_restore's reading. */
  check: { name: string; result: string }
}

/** The files SQLite keeps beside a database; left from another database, they would be read as its own. */
export const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const

/**
 * Makes `file` (a copy of ours, in a temporary name) one file in itself, and checks it is a whole
 * code-blue-letters database: SQLite's integrity check passes, the migrations table is there, and,
 * with `knownOnly`, its last migration is one this code knows (a newer version's is refused).
 * `label` is the name the messages give it. Throws a BackupError naming the problem.
 */
export function sealAndCheckCopy(
  file: string,
  label: string,
  { knownOnly }: { knownOnly: boolean },
): CheckedCopy {
  assertSqliteHeader(file, label)
  let db: SQLite.Database | null = null
  try {
    db = new SQLite(file, { fileMustExist: true })
    // @NOTE a copy of a WAL database says "WAL" in its header. Rollback journal mode writes that
    // into the file, so it opens alone, without a -wal file to carry along.
    db.pragma('journal_mode = DELETE')
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    )
    if (problems.join() !== 'ok') {
      throw new BackupError(`${label} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`)
    }
    const migrations = readMigrations(db, label)
    if (knownOnly) assertKnownMigrations(migrations, label)
    const hasLetters = db
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'letter'")
      .get()
    const letters = hasLetters ? (db.prepare('select count(*) from letter').pluck().get() as number) : 0
    return {
      bytes: fs.statSync(file).size,
      letters,
      ...migrationState(migrations),
      check: { name: 'integrity_check', result: 'ok' },
    }
  } catch (error) {
    if (error instanceof BackupError) throw error
    // SQLITE_CORRUPT, SQLITE_NOTADB and their kin: a copy cut short or overwritten.
    throw new BackupError(`${label} is damaged: ${(error as Error).message}`)
  } finally {
    db?.close()
  }
}

function assertSqliteHeader(file: string, label: string): void {
  const kind = backupKindOf(file)
  if (kind === 'sqlite') return
  if (kind === 'pg_dump') throw new BackupError(`${label} ${SQLITE_REFUSES_PG_DUMP}`)
  throw new BackupError(`${label} is not an SQLite database (it does not start with SQLite's header)`)
}

/** The migrations the database has had, oldest first. */
function readMigrations(db: SQLite.Database, label: string): string[] {
  const table = db
    .prepare("select 1 from sqlite_master where type = 'table' and name = ?")
    .get(DEFAULT_MIGRATION_TABLE)
  if (!table) {
    throw new BackupError(
      `${label} is not a code-blue-letters database: it has no ${DEFAULT_MIGRATION_TABLE} table`,
    )
  }
  // Names sort in the order they were written (migrator.ts), as Kysely runs them.
  const names = db
    .prepare(`select name from ${DEFAULT_MIGRATION_TABLE} order by name`)
    .pluck()
    .all() as string[]
  if (names.length === 0) {
    throw new BackupError(`${label} is not a code-blue-letters database: it has had no migration`)
  }
  return names
}

/** The last of `migrations` (the names a database has had, oldest first), and those it has yet to have. */
export function migrationState(
  migrations: readonly string[],
): Pick<CheckedCopy, 'lastMigration' | 'pendingMigrations'> {
  return {
    lastMigration: migrations.at(-1)!,
    pendingMigrations: knownMigrationNames.filter((name) => !migrations.includes(name)),
  }
}

/**
 * Refuses a copy whose migrations (oldest first) this code does not all know: another
 * application's, or a newer version's. `label` is the name the message gives the copy.
 */
export function assertKnownMigrations(migrations: readonly string[], label: string): void {
  const unknown = migrations.filter((name) => !knownMigrationNames.includes(name))
  if (unknown.length === 0) return
  if (unknown.length === migrations.length) {
    throw new BackupError(
      `${label} is not a code-blue-letters database: none of its migrations (${unknown.slice(0, 3).join(', ')}) is this application's`,
    )
  }
  throw new BackupError(
    `${label} comes from a newer version of code-blue-letters: its last migration, ${migrations.at(-1)}, is unknown to this one (whose last is ${knownMigrationNames.at(-1)}). Update the code to that version first, then restore.`,
  )
}

/** Refuses a backup's destination whose folder is missing, or which exists already without `force`. */
export function assertBackupDestination(target: string, force: boolean): void {
  if (!fs.existsSync(path.dirname(target))) {
    throw new BackupError(`The folder ${path.dirname(target)} does not exist`)
  }
  if (fs.existsSync(target) && !force) {
    throw new BackupError(`${target} exists already: give another name, or --force to replace it`)
  }
}

/**
 * Gives a finished, checked backup (written to disk under the temporary name `temporary`) its
 * name `target`, replacing a file there only with `force`, and writes the folder's change to disk.
 */
export function giveFinalName(temporary: string, target: string, force: boolean): void {
  if (force) {
    fs.renameSync(temporary, target)
  } else {
    // A link fails where the name exists: no backup made meanwhile under the same name is lost.
    linkOrRefuse(temporary, target)
  }
  fsyncDirectory(path.dirname(target))
}

function linkOrRefuse(from: string, to: string): void {
  try {
    fs.linkSync(from, to)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new BackupError(`${to} appeared while the backup ran: left as it is`)
    // A filesystem without hard links: the check before is then the only guard.
    if (fs.existsSync(to)) throw new BackupError(`${to} exists already: give another name, or --force`)
    fs.renameSync(from, to)
  }
}

/** Writes `file`'s data to the disk before it is renamed into place. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Writes a folder's entries (a rename, a new link) to the disk, where the system allows it. */
export function fsyncDirectory(dir: string): void {
  let fd: number
  try {
    fd = fs.openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fs.fsyncSync(fd)
  } catch {
    // Some systems refuse fsync on a folder; the rename itself is still atomic.
  } finally {
    fs.closeSync(fd)
  }
}

/** A name in `target`'s folder for a file being written, never the name of a finished one. */
export const temporaryNameFor = (target: string, purpose: string): string =>
  path.join(path.dirname(target), `.${path.basename(target)}.${purpose}-${process.pid}.tmp`)

/** Removes `file` and any -wal, -shm or -journal beside it; quiet where there is none. */
export function removeWithCompanions(file: string): void {
  for (const suffix of ['', ...COMPANION_SUFFIXES]) fs.rmSync(file + suffix, { force: true })
}
