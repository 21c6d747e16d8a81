import fs from 'node:fs'
import SQLite from 'better-sqlite3'
import { DEFAULT_MIGRATION_TABLE } from 'kysely'
import pg from 'pg'
import { backupKindOf } from './backup-kind.js'
import { BackupError } from './database-file.js'
import { knownMigrationNames } from './migrator.js'
import { printableUrl } from './postgres-programs.js'
import { countRows, MIGRATION_FILLED_TABLES, MIGRATOR_TABLES, publicTables } from './postgres-tables.js'

// What db:migrate-to-postgres checks before it copies a row (sqlite-to-postgres.ts): a refusal
// here leaves both databases as they were.

/** The SQLite file `file`, opened read-only; refuses what is not one (a pg_dump archive, named). */
export function openSource(file: string): SQLite.Database {
  if (!fs.existsSync(file)) throw new BackupError(`There is no SQLite database at ${file}`)
  const kind = backupKindOf(file)
  if (kind === 'pg_dump') {
    throw new BackupError(
      `${file} is a PostgreSQL archive (pg_dump): restore it with npm run db:restore instead`,
    )
  }
  if (kind !== 'sqlite')
    throw new BackupError(`${file} is not an SQLite database (it does not start with SQLite's header)`)
  try {
    return new SQLite(file, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new BackupError(`${file} cannot be opened read-only: ${(error as Error).message}`)
  }
}

/** Refuses a file at another migration than this code's last: the two schemas would differ. */
export function assertCurrentMigrations(source: SQLite.Database, label: string): void {
  const hasTable = source
    .prepare("select 1 from sqlite_master where type = 'table' and name = ?")
    .get(DEFAULT_MIGRATION_TABLE)
  if (!hasTable) {
    throw new BackupError(
      `${label} is not a code-blue-letters database: it has no ${DEFAULT_MIGRATION_TABLE} table`,
    )
  }
  const names = source
    .prepare(`select name from ${DEFAULT_MIGRATION_TABLE} order by name`)
    .pluck()
    .all() as string[]
  const unknown = names.filter((name) => !knownMigrationNames.includes(name))
  const last = knownMigrationNames.at(-1)
  if (unknown.length > 0) {
    throw new BackupError(
      `${label} comes from a newer version of code-blue-letters (its last migration, ${names.at(-1)}, is unknown to this one, whose last is ${last}): update the code first`,
    )
  }
  const missing = knownMigrationNames.filter((name) => !names.includes(name))
  if (missing.length > 0) {
    throw new BackupError(
      `${label} is at migration ${names.at(-1) ?? '(none)'}, older than this code's ${last}: start the service once on it with SQLite (DATABASE_PATH=${label}, DATABASE_URL unset) so that it migrates, stop it, then move it`,
    )
  }
}

/** A session on the target database, or a refusal saying it cannot be reached (no password shown). */
export async function connectTarget(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
    return client
  } catch (error) {
    await client.end().catch(() => {})
    throw new BackupError(`Cannot reach ${printableUrl(url)}: ${(error as Error).message}`)
  }
}

/**
 * Refuses a target holding anything: empty means no table, or this application's tables (a
 * migrated database, or an earlier move that failed after migrating) with no row in any.
 */
export async function assertEmpty(client: pg.Client, url: string): Promise<void> {
  const { rows: foreign } = await client.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema not in ('public', 'pg_catalog', 'information_schema') and table_schema not like 'pg\\_%'
      order by 1 limit 3`,
  )
  const tables = await publicTables(client)
  if (foreign.length > 0 || (tables.length > 0 && !tables.includes(DEFAULT_MIGRATION_TABLE))) {
    const names = [...foreign.map((row) => row.name), ...tables].slice(0, 3).join(', ')
    throw new BackupError(
      `${printableUrl(url)} is not empty: it has tables of its own (${names}). Give an empty database (createdb --template=template0 --encoding=UTF8 --locale=C NAME)`,
    )
  }
  const counts = await countRows(
    client,
    tables.filter((table) => !MIGRATOR_TABLES.includes(table) && !MIGRATION_FILLED_TABLES.includes(table)),
  )
  // The letters first, what an operator recognizes at once, then the fullest tables.
  const filled = [...counts]
    .filter(([, rows]) => rows > 0)
    .sort(([a, rowsA], [b, rowsB]) => (a === 'letter' ? -1 : b === 'letter' ? 1 : rowsB - rowsA))
  if (filled.length > 0) {
    const some = filled.slice(0, 4).map(([table, rows]) => `${table}: ${rows.toLocaleString('en')} rows`)
    throw new BackupError(
      `${printableUrl(url)} is not empty (${some.join(', ')}${filled.length > 4 ? ', …' : ''}): the move goes into an empty database only. Was the service started on it already? Give a new database (createdb --template=template0 --encoding=UTF8 --locale=C NAME)`,
    )
  }
}

/** Refuses where SQLite's tables or columns are not PostgreSQL's (schemas that drifted apart). */
export function assertSameTables(
  source: SQLite.Database,
  tables: readonly string[],
  columns: Map<string, { columns: string[] }>,
  label: string,
): void {
  const sqliteTables = source
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name",
    )
    .pluck()
    .all() as string[]
  const own = sqliteTables.filter((table) => !MIGRATOR_TABLES.includes(table))
  const extra = own.filter((table) => !tables.includes(table))
  const missing = tables.filter((table) => !own.includes(table))
  if (extra.length > 0 || missing.length > 0) {
    throw new BackupError(
      `The schemas differ: tables only in ${label}: ${extra.join(', ') || 'none'}; only on PostgreSQL: ${missing.join(', ') || 'none'}`,
    )
  }
  for (const table of tables) {
    const here = (
      source.prepare(`select name from pragma_table_info(?)`).pluck().all(table) as string[]
    ).sort()
    const there = [...columns.get(table)!.columns].sort()
    if (here.join() !== there.join()) {
      throw new BackupError(
        `The schemas differ: ${table} has (${here.join(', ')}) in ${label}, (${there.join(', ')}) on PostgreSQL`,
      )
    }
  }
}
