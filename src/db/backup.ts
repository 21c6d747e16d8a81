import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import {
  assertBackupDestination,
  BackupError,
  type CheckedCopy,
  fsyncFile,
  giveFinalName,
  removeWithCompanions,
  sealAndCheckCopy,
  temporaryNameFor,
} from './database-file.js'

export interface BackupReport extends CheckedCopy {
  file: string
  /** Just before the copy began (ISO-8601 UTC): everything committed before is in it. */
  takenAt: string
  ms: number
}

/** As many pages as SQLite's backup step takes at once: all of them (see below). */
const ALL_PAGES = 0x7fffffff

/**
 * Copies the live database `database` to `destination`, while the service keeps running. The copy
 * is written under a temporary name, checked (integrity, the migrations table), written to disk
 * and only then given its name; an existing `destination` is replaced only with `force`.
 *
 * @NOTE SQLite's online backup API rather than VACUUM INTO: it copies the pages as they are,
 * where VACUUM INTO rebuilds every table and index (more CPU and time beside a running service,
 * the more so as the database grows). The whole copy is one backup step, so one read transaction: a
 * consistent snapshot, which in WAL mode the service's writers never wait for (the log grows
 * meanwhile, and is checkpointed after). Copied in several steps, a write by the service between
 * two restarts the copy from its first page (SQLite's backup documentation): on a large database a
 * busy service could keep it from ever finishing.
 */
export async function backupDatabase(
  database: string,
  destination: string,
  { force = false }: { force?: boolean } = {},
): Promise<BackupReport> {
  const started = performance.now()
  const target = path.resolve(destination)
  if (database === ':memory:') throw new BackupError('DATABASE_PATH is :memory:: there is no file to back up')
  if (!fs.existsSync(database)) {
    throw new BackupError(`There is no database at ${database} (DATABASE_PATH): nothing to back up`)
  }
  if (target === path.resolve(database)) throw new BackupError(`${target} is the live database itself`)
  assertBackupDestination(target, force)
  const temporary = temporaryNameFor(target, 'partial')
  removeWithCompanions(temporary)
  try {
    const source = new SQLite(database, { fileMustExist: true })
    const takenAt = new Date().toISOString()
    try {
      await source.backup(temporary, { progress: () => ALL_PAGES })
    } finally {
      source.close()
    }
    const checked = sealAndCheckCopy(temporary, `The copy of ${database}`, { knownOnly: false })
    fsyncFile(temporary)
    giveFinalName(temporary, target, force)
    return { ...checked, file: target, takenAt, ms: Math.round(performance.now() - started) }
  } finally {
    removeWithCompanions(temporary)
  }
}
