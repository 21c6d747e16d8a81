import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE } from 'kysely'
import type pg from 'pg'

// What the PostgreSQL catalog says of this application's tables (schema public), for the backup's
// checks and the move from SQLite. A pg.Client of its own, not the service's pool: these run in
// one session (a snapshot, a transaction).

/** `name` quoted as an SQL identifier, on either engine. */
export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** The migrator's own tables: recorded by it on each engine, never copied. */
export const MIGRATOR_TABLES: readonly string[] = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE]

/**
 * Tables a migration writes rows into (0019's first ask, 0025's texts of it): a freshly migrated database holds them,
 * so they do not make it "not empty", and a move replaces them with the source's own.
 */
export const MIGRATION_FILLED_TABLES: readonly string[] = ['ask', 'ask_text']

/** The tables of schema public, by name. */
export async function publicTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
  )
  return rows.map((row) => row.name)
}

/** Rows in each of `tables`, as the client's transaction sees them. */
export async function countRows(
  client: pg.ClientBase,
  tables: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoteIdentifier(table)}`)
    counts.set(table, Number(rows[0]!.n))
  }
  return counts
}

/**
 * The application's tables (the migrator's left out) in an order where each comes after those its
 * foreign keys reference, so rows can be inserted table by table; ties alphabetically.
 */
export async function tablesInDependencyOrder(client: pg.ClientBase): Promise<string[]> {
  const tables = (await publicTables(client)).filter((table) => !MIGRATOR_TABLES.includes(table))
  const { rows } = await client.query<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
  )
  const ordered: string[] = []
  const waiting = new Set(tables)
  while (waiting.size > 0) {
    const ready = [...waiting].filter((table) =>
      rows.every((edge) => edge.child !== table || !waiting.has(edge.parent)),
    )
    if (ready.length === 0) throw new Error(`The foreign keys of ${[...waiting].join(', ')} form a loop`)
    for (const table of ready.sort()) {
      ordered.push(table)
      waiting.delete(table)
    }
  }
  return ordered
}

/** Each table's columns in their order, and the identity column where it has one. */
export async function columnsOf(
  client: pg.ClientBase,
): Promise<Map<string, { columns: string[]; identity: string | null }>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; is_identity: string }>(
    `select table_name, column_name, is_identity from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`,
  )
  const tables = new Map<string, { columns: string[]; identity: string | null }>()
  for (const row of rows) {
    const table = tables.get(row.table_name) ?? { columns: [], identity: null }
    table.columns.push(row.column_name)
    if (row.is_identity === 'YES') table.identity = row.column_name
    tables.set(row.table_name, table)
  }
  return tables
}
