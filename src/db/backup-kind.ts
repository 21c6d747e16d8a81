import fs from 'node:fs'

/** What a backup file is, from its first bytes: an SQLite database, pg_dump's custom archive, or else. */
export type BackupKind = 'sqlite' | 'pg_dump' | 'pg_dump_script' | 'other'

const SIGNATURES: ReadonlyArray<readonly [Exclude<BackupKind, 'other'>, Buffer]> = [
  ['sqlite', Buffer.from('SQLite format 3\0', 'latin1')],
  // pg_dump -Fc (custom format) begins with "PGDMP", then its version.
  ['pg_dump', Buffer.from('PGDMP', 'latin1')],
  // pg_dump's plain SQL (-Fp), which pg_restore cannot read.
  ['pg_dump_script', Buffer.from('--\n-- PostgreSQL database dump', 'latin1')],
]

/** Reads the first bytes of `file` (which must exist) to tell what kind of backup it is. */
export function backupKindOf(file: string): BackupKind {
  const head = Buffer.alloc(64)
  const fd = fs.openSync(file, 'r')
  let read: number
  try {
    read = fs.readSync(fd, head, 0, head.length, 0)
  } finally {
    fs.closeSync(fd)
  }
  const start = head.subarray(0, read)
  return (
    SIGNATURES.find(([, signature]) => start.subarray(0, signature.length).equals(signature))?.[0] ?? 'other'
  )
}

/** Completes "<file> …" where a PostgreSQL archive is given to the service on SQLite. */
export const SQLITE_REFUSES_PG_DUMP =
  'is a PostgreSQL backup (a pg_dump archive), and the service runs on SQLite here (DATABASE_URL is not set): restore it with DATABASE_URL set to the PostgreSQL database. Nothing moves from PostgreSQL back to SQLite (npm run db:migrate-to-postgres goes the other way only).'

/** Completes "<file> …" where an SQLite backup is given to the service on PostgreSQL. */
export const POSTGRES_REFUSES_SQLITE =
  'is an SQLite backup, and the service runs on PostgreSQL here (DATABASE_URL): restore it with DATABASE_URL unset (to DATABASE_PATH), or move an SQLite database into an empty PostgreSQL one with npm run db:migrate-to-postgres -- --from FILE --to postgres://…'
