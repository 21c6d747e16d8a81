import { type Kysely, sql } from 'kysely'

/**
 * SQLite cannot change a CHECK constraint in place. This rebuilds `table` from its own stored
 * CREATE statement, edited by `edit`, keeping its rows, indexes and triggers, following SQLite's
 * documented procedure (https://sqlite.org/lang_altertable.html#otheralter): foreign keys off,
 * create the new table, copy, drop the old, rename the new, check foreign keys, foreign keys on.
 * An AUTOINCREMENT table keeps its sequence: the copy alone would restart it at the largest id
 * left, and ids of deleted rows would be handed out again.
 * Unlike a rename-first rebuild (outbox-rebuild.ts), the other tables' foreign keys keep naming
 * `table` and need no rebuild of their own (organizer is referenced by nine tables).
 * @NOTE Kysely runs SQLite migrations outside a transaction (no transactional DDL), which is what
 * lets `foreign_keys` be switched here; the rebuild itself runs in one transaction of its own.
 */
export async function rebuildTable(
  db: Kysely<any>,
  table: string,
  edit: (createSql: string) => string,
): Promise<void> {
  const { rows } = await sql<{ type: string; sql: string | null }>`
    select type, sql from sqlite_master where tbl_name = ${table}`.execute(db)
  const create = rows.find((r) => r.type === 'table')?.sql
  if (!create) throw new Error(`rebuildTable: there is no table ${table}`)
  const edited = edit(create)
  if (edited === create) throw new Error(`rebuildTable: the edit changed nothing in ${table}`)
  const temporary = `${table}_rebuilt`
  const createNew = edited.replace(/^CREATE TABLE\s+("?)[A-Za-z_]+\1/i, `CREATE TABLE "${temporary}"`)
  // Indexes (except SQLite's own autoindexes, which have no sql) and triggers go with the table.
  const companions = rows.filter((r) => (r.type === 'index' || r.type === 'trigger') && r.sql !== null)
  const { rows: columns } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(
    db,
  )
  const columnList = columns.map((c) => `"${c.name}"`).join(', ')

  await sql`pragma foreign_keys = off`.execute(db)
  try {
    await sql`begin`.execute(db)
    try {
      await sql.raw(createNew).execute(db)
      await sql
        .raw(`insert into "${temporary}" (${columnList}) select ${columnList} from "${table}"`)
        .execute(db)
      const sequence = await sequenceOf(db, table)
      await sql.raw(`drop table "${table}"`).execute(db)
      await sql.raw(`alter table "${temporary}" rename to "${table}"`).execute(db)
      if (sequence !== null) {
        await sql`update sqlite_sequence set seq = max(seq, ${sequence}) where name = ${table}`.execute(db)
        await sql`insert into sqlite_sequence (name, seq) select ${table}, ${sequence}
          where not exists (select 1 from sqlite_sequence where name = ${table})`.execute(db)
      }
      for (const companion of companions) await sql.raw(companion.sql as string).execute(db)
      const { rows: broken } = await sql`select * from pragma_foreign_key_check`.execute(db)
      if (broken.length > 0) throw new Error(`rebuildTable ${table}: ${broken.length} broken foreign keys`)
      await sql`commit`.execute(db)
    } catch (error) {
      await sql`rollback`.execute(db)
      throw error
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}

/** The AUTOINCREMENT sequence of `table` (the largest id it ever handed out), if it has one. */
async function sequenceOf(db: Kysely<any>, table: string): Promise<number | null> {
  const { rows: tables } = await sql`
    select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'`.execute(db)
  if (tables.length === 0) return null
  const { rows } = await sql<{ seq: number }>`
    select seq from sqlite_sequence where name = ${table}`.execute(db)
  return rows[0]?.seq ?? null
}

/** Replaces the list of a `column in (...)` CHECK in a CREATE statement. */
export function withCheckList(createSql: string, column: string, values: readonly string[]): string {
  const list = values.map((v) => `'${v}'`).join(', ')
  // [^()] rather than [^)]: tried from each "in (", the list stops at the next "(" (the ReDoS check).
  return createSql.replace(new RegExp(`(${column}\\s+in\\s*\\()[^()]*(\\))`, 'i'), `$1${list}$2`)
}
