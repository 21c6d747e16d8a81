import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import {
  BackupError,
  type CheckedCopy,
  COMPANION_SUFFIXES,
  fsyncDirectory,
  fsyncFile,
  removeWithCompanions,
  sealAndCheckCopy,
  temporaryNameFor,
} from './database-file.js'

export interface RestoreReport extends CheckedCopy {
  database: string
  /** Where the database that was there before was kept; null where there was none. */
  keptAs: string | null
}

/**
 * Puts the backup `backup` in place of the database `database`, which no process may have open
 * (the service is stopped first). Checks the backup before anything is touched (a whole SQLite
 * file, a code-blue-letters database, no migration this code does not know), keeps the current
 * database beside it as `<database>.before-restore-<time>`, then renames a checked copy of the
 * backup into place, so the database is at every moment the old one or the new one, whole.
 * The service migrates an older backup forward at its next start. Throws a BackupError naming the
 * problem, and then has changed nothing.
 */
export function restoreDatabase(database: string, backup: string, now: Date = new Date()): RestoreReport {
  if (database === ':memory:')
    throw new BackupError('DATABASE_PATH is :memory:: there is no file to restore to')
  const source = path.resolve(backup)
  if (!fs.existsSync(source)) throw new BackupError(`${source} does not exist`)
  if (!fs.statSync(source).isFile()) throw new BackupError(`${source} is not a file`)
  if (source === path.resolve(database)) throw new BackupError(`${source} is the database itself`)
  if (fs.existsSync(`${source}-wal`) && fs.statSync(`${source}-wal`).size > 0) {
    throw new BackupError(
      `${source}-wal lies beside the backup: it is open in a process, or was copied mid-write. Give a file made by npm run db:backup`,
    )
  }
  fs.mkdirSync(path.dirname(database), { recursive: true })
  // The copy is made in the database's folder, so the last step is a rename within one filesystem.
  const temporary = temporaryNameFor(database, 'restore')
  removeWithCompanions(temporary)
  try {
    fs.copyFileSync(source, temporary)
    const checked = sealAndCheckCopy(temporary, source, { knownOnly: true })
    keepInWalMode(temporary)
    fsyncFile(temporary)
    const lock = fs.existsSync(database) ? lockUnusedDatabase(database) : null
    let keptAs: string | null = null
    try {
      if (lock) keptAs = keepAside(database, now)
      // No -wal or -shm of another database may stay beside the new one: SQLite would replay it.
      for (const suffix of COMPANION_SUFFIXES) fs.rmSync(database + suffix, { force: true })
      if (lock) fs.renameSync(temporary, database)
      else linkUnlessThere(temporary, database)
      fsyncDirectory(path.dirname(database))
    } finally {
      lock?.close()
    }
    return { ...checked, database, keptAs }
  } finally {
    removeWithCompanions(temporary)
  }
}

/**
 * Opens the live database alone, or refuses: no other connection (the service, a script) may have
 * it open. Returned open, holding SQLite's exclusive lock until closed, so nothing can open it
 * while it is being replaced.
 *
 * @NOTE Leaving WAL mode needs every other connection closed, so SQLite answers SQLITE_BUSY while
 * the service (or anything) has the file open, even idle. In exclusive locking mode the lock then
 * stays held; leaving WAL also checkpoints the log into the file and deletes the -wal and -shm, so
 * the file is the whole database by itself. MEMORY, not DELETE: a rollback journal file would be
 * deleted by name when this connection closes, which is after the new database is in place.
 */
function lockUnusedDatabase(database: string): SQLite.Database {
  let db: SQLite.Database | null = null
  try {
    db = new SQLite(database, { fileMustExist: true, timeout: 500 })
    db.pragma('locking_mode = EXCLUSIVE')
    const mode = db.pragma('journal_mode = MEMORY', { simple: true })
    if (mode !== 'memory')
      throw Object.assign(new Error(`journal mode stayed ${mode}`), { code: 'SQLITE_BUSY' })
    return db
  } catch (error) {
    db?.close()
    const code = String((error as { code?: unknown }).code ?? '')
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new BackupError(
        `${database} is open in another process: stop the service (and any script using it) first. Nothing was changed.`,
      )
    }
    throw new BackupError(
      `${database} cannot be opened to lock it (${(error as Error).message}). If it is damaged, stop the service, move it and its -wal and -shm files away yourself, and restore again. Nothing was changed.`,
    )
  }
}

/** Gives the copy the database's name, failing (and changing nothing) if a database appeared meanwhile. */
function linkUnlessThere(temporary: string, database: string): void {
  try {
    fs.linkSync(temporary, database)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError(
        `${database} appeared while the backup was being checked (is the service starting?): restore again with it stopped`,
      )
    }
    // A filesystem without hard links: the existence check before is then the only guard.
    if (fs.existsSync(database))
      throw new BackupError(`${database} appeared while the backup was being checked: restore again`)
    fs.renameSync(temporary, database)
  }
}

/**
 * Puts the copy in WAL mode, as the service keeps its database. WAL mode stays with the file, so
 * whatever opens it next holds the lock lockUnusedDatabase looks for, even idle: a connection to a
 * file in rollback mode holds none between statements, and could not be seen.
 */
function keepInWalMode(file: string): void {
  const db = new SQLite(file, { fileMustExist: true })
  try {
    db.pragma('journal_mode = WAL')
  } finally {
    db.close()
  }
}

/** Gives the current database a second name (a hard link: no copy, no extra space) before it is replaced. */
function keepAside(database: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-')
  let keptAs = `${database}.before-restore-${stamp}Z`
  for (let n = 2; fs.existsSync(keptAs); n++) keptAs = `${database}.before-restore-${stamp}Z-${n}`
  try {
    fs.linkSync(database, keptAs)
  } catch {
    // A filesystem without hard links: a copy, on disk before the database is replaced.
    fs.copyFileSync(database, keptAs, fs.constants.COPYFILE_EXCL)
    fsyncFile(keptAs)
  }
  return keptAs
}
