import path from 'node:path'
import type SQLite from 'better-sqlite3'
import type pg from 'pg'
import { openDatabase } from './connection.js'
import { BackupError } from './database-file.js'
import { knownMigrationNames, migrateToLatest } from './migrator.js'
import { printableUrl } from './postgres-programs.js'
import {
  columnsOf,
  countRows,
  MIGRATION_FILLED_TABLES,
  quoteIdentifier,
  tablesInDependencyOrder,
} from './postgres-tables.js'
import {
  assertCurrentMigrations,
  assertEmpty,
  assertSameTables,
  connectTarget,
  openSource,
} from './sqlite-move-checks.js'

export interface MovedTable {
  table: string
  rows: number
  ms: number
}

export interface MoveReport {
  from: string
  /** The target's URL, without its password. */
  to: string
  lastMigration: string
  /** When the SQLite snapshot was taken: every commit before it was moved. */
  takenAt: string
  tables: MovedTable[]
  ms: number
}

/** Rows a multi-row INSERT carries at most (PostgreSQL allows 65,535 parameters to a statement). */
const BATCH_ROWS = 1000
const MAX_PARAMETERS = 65_535

/**
 * Copies a whole campaign from the SQLite file `from` into the empty PostgreSQL database `to`:
 * runs the migrations there, copies every table's rows in the order of their foreign keys, in
 * batches, in one transaction, resets each identity column's sequence past its largest id, and
 * commits only once every table holds as many rows on PostgreSQL as in SQLite.
 *
 * The SQLite file is opened read-only, and read in one transaction: a consistent snapshot, even
 * while a service still has it open (whose later writes then stay behind: stop it first). It must
 * be at this code's last migration, as the service leaves it after a start.
 *
 * @NOTE Triggers are off during the copy (ALTER TABLE … DISABLE TRIGGER USER, inside the
 * transaction): letter's triggers keep state_letter_stats' counters, which are copied as they
 * are, so inserting the letters with them on would count every letter twice.
 */
export async function moveSqliteToPostgres(
  from: string,
  to: string,
  { onTable }: { onTable?: (table: MovedTable) => void } = {},
): Promise<MoveReport> {
  const started = performance.now()
  const source = openSource(path.resolve(from))
  try {
    // The read transaction's snapshot starts at its first read, just after this moment.
    const takenAt = new Date().toISOString()
    source.exec('begin')
    assertCurrentMigrations(source, from)
    const target = await connectTarget(to)
    try {
      await assertEmpty(target, to)
      const db = openDatabase(to)
      try {
        await migrateToLatest(db)
      } finally {
        await db.destroy()
      }
      const tables = await tablesInDependencyOrder(target)
      const columns = await columnsOf(target)
      assertSameTables(source, tables, columns, from)
      const moved = await copyInOneTransaction(source, target, tables, columns, onTable)
      return {
        from: path.resolve(from),
        to: printableUrl(to),
        lastMigration: knownMigrationNames.at(-1)!,
        takenAt,
        tables: moved,
        ms: Math.round(performance.now() - started),
      }
    } finally {
      await target.end()
    }
  } finally {
    source.close()
  }
}

async function copyInOneTransaction(
  source: SQLite.Database,
  target: pg.Client,
  tables: readonly string[],
  columns: Map<string, { columns: string[]; identity: string | null }>,
  onTable?: (table: MovedTable) => void,
): Promise<MovedTable[]> {
  await target.query('begin')
  try {
    for (const table of tables)
      await target.query(`alter table ${quoteIdentifier(table)} disable trigger user`)
    // What the migrations wrote here (the first ask) is the source's to give, with its own ids.
    for (const table of [...MIGRATION_FILLED_TABLES].reverse())
      if (tables.includes(table)) await target.query(`delete from ${quoteIdentifier(table)}`)
    const moved: MovedTable[] = []
    for (const table of tables) {
      const started = performance.now()
      const rows = await copyTable(source, target, table, columns.get(table)!.columns)
      const done = { table, rows, ms: Math.round(performance.now() - started) }
      moved.push(done)
      onTable?.(done)
    }
    for (const table of tables) {
      const identity = columns.get(table)!.identity
      if (!identity) continue
      // The next id is one past the largest copied (1 in an empty table), as SQLite would give.
      await target.query(
        `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${quoteIdentifier(identity)}) from ${quoteIdentifier(table)}), 0) + 1, false)`,
        [quoteIdentifier(table), identity],
      )
    }
    for (const table of tables)
      await target.query(`alter table ${quoteIdentifier(table)} enable trigger user`)
    await assertSameCounts(source, target, tables)
    await target.query('commit')
    return moved
  } catch (error) {
    await target.query('rollback').catch(() => {})
    if (error instanceof BackupError) throw error
    throw new BackupError(`The move failed, and PostgreSQL was left as it was: ${(error as Error).message}`)
  }
}

/** Copies `table`'s rows in batches of one multi-row INSERT each; returns how many. */
async function copyTable(
  source: SQLite.Database,
  target: pg.Client,
  table: string,
  columns: readonly string[],
): Promise<number> {
  const perBatch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)))
  const list = columns.map(quoteIdentifier).join(', ')
  const select = source.prepare(`select ${list} from ${quoteIdentifier(table)}`).raw()
  const insert = (rows: unknown[][]) => {
    const tuples = rows.map(
      (_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
    )
    return target
      .query({
        // Named: PostgreSQL parses the full batch's statement once per table, not once per batch.
        ...(rows.length === perBatch ? { name: `move_${table}` } : {}),
        text: `insert into ${quoteIdentifier(table)} (${list}) values ${tuples.join(', ')}`,
        values: rows.flat(),
      })
      .catch((error: Error) => {
        throw new BackupError(`Copying ${table} failed, and PostgreSQL was left as it was: ${error.message}`)
      })
  }
  let batch: unknown[][] = []
  let copied = 0
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row)
    if (batch.length === perBatch) {
      await insert(batch)
      copied += batch.length
      batch = []
    }
  }
  if (batch.length > 0) {
    await insert(batch)
    copied += batch.length
  }
  return copied
}

/** Every table holds as many rows on PostgreSQL (this transaction) as in SQLite (its snapshot). */
async function assertSameCounts(
  source: SQLite.Database,
  target: pg.Client,
  tables: readonly string[],
): Promise<void> {
  const there = await countRows(target, tables)
  const differing = tables
    .map((table) => {
      const here = source
        .prepare(`select count(*) from ${quoteIdentifier(table)}`)
        .pluck()
        .get() as number
      return { table, here, there: there.get(table)! }
    })
    .filter(({ here, there }) => here !== there)
  if (differing.length > 0) {
    throw new BackupError(
      `The copy is not whole, and PostgreSQL was left as it was: ${differing.map((d) => `${d.table} ${d.here} in SQLite, ${d.there} on PostgreSQL`).join('; ')}`,
    )
  }
}
