import { spawn } from 'node:child_process'
import readline from 'node:readline'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import { backupKindOf, POSTGRES_REFUSES_SQLITE } from './backup-kind.js'
import { BackupError } from './database-file.js'
import { postgresProgram, runProgram } from './postgres-programs.js'

// Reading a pg_dump archive (custom format) with pg_restore, without a database: its table of
// contents (--list), and the rows of its tables (--data-only to a pipe, counted as they pass).

/**
 * Checks that `file` is a pg_dump archive that pg_restore reads, holding this application's
 * migrations table; `label` is the name the messages give it. Throws a BackupError naming the
 * problem.
 */
export async function assertApplicationArchive(file: string, label: string): Promise<void> {
  const kind = backupKindOf(file)
  if (kind === 'sqlite') throw new BackupError(`${label} ${POSTGRES_REFUSES_SQLITE}`)
  if (kind === 'pg_dump_script') {
    throw new BackupError(
      `${label} is pg_dump's plain SQL, which pg_restore cannot check or restore: give an archive made by npm run db:backup (pg_dump --format=custom)`,
    )
  }
  if (kind !== 'pg_dump') {
    throw new BackupError(
      `${label} is not a pg_dump archive (it does not start with "PGDMP"): give a file made by npm run db:backup`,
    )
  }
  let list: string
  try {
    list = await runProgram(postgresProgram('pg_restore'), ['--list', file], process.env)
  } catch (error) {
    throw new BackupError(`${label} is damaged: ${(error as Error).message}`)
  }
  if (!new RegExp(`^\\d+; \\d+ \\d+ TABLE public ${DEFAULT_MIGRATION_TABLE} `, 'm').test(list)) {
    throw new BackupError(
      `${label} is not a code-blue-letters database: it has no ${DEFAULT_MIGRATION_TABLE} table`,
    )
  }
}

/** What an archive's data holds: rows per table ("public.letter"), and the migrations it had. */
export interface ArchiveData {
  rows: Map<string, number>
  migrations: string[]
}

/**
 * Reads the data of every table in the archive (or only of `tables`), as pg_restore writes it for
 * psql, and counts each table's rows: every compressed block is read whole, so a damaged or cut
 * archive fails here. The migrations' names come from their table's rows, oldest first.
 */
export async function readArchiveData(
  file: string,
  label: string,
  { tables }: { tables?: readonly string[] } = {},
): Promise<ArchiveData> {
  const only = (tables ?? []).flatMap((table) => ['--table', table])
  const child = spawn(postgresProgram('pg_restore'), ['--data-only', '--file=-', ...only, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
  })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const rows = new Map<string, number>()
  const migrations: string[] = []
  let table: string | null = null
  let nameColumn = -1
  for await (const line of readline.createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (table === null) {
      const copy = /^COPY ([\w.]+) \((.*)\) FROM stdin;$/.exec(line)
      if (!copy) continue
      table = copy[1]!
      rows.set(table, 0)
      nameColumn = table === `public.${DEFAULT_MIGRATION_TABLE}` ? copy[2]!.split(', ').indexOf('name') : -1
    } else if (line === '\\.') {
      table = null
    } else {
      rows.set(table, rows.get(table)! + 1)
      if (nameColumn >= 0) migrations.push(line.split('\t')[nameColumn]!)
    }
  }
  const status = await exited
  if (status !== 0 || table !== null) {
    throw new BackupError(
      `${label} is damaged: pg_restore could not read it whole (${stderr.trim() || `status ${status}`})`,
    )
  }
  // Names sort in the order they were written (migrator.ts), as Kysely runs them.
  migrations.sort()
  if (migrations.length === 0) {
    throw new BackupError(`${label} is not a code-blue-letters database: it has had no migration`)
  }
  return { rows, migrations }
}
