import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { createTestPostgresDatabase } from '../helpers/test-context.js'

// SQLite's schema is its migrations' history; PostgreSQL's is a baseline written out by hand
// (postgres-baseline-tables.ts). This compares what both engines end with, so that they cannot
// drift: tables, columns (type, NOT NULL, default), primary keys, unique constraints, indexes
// (columns, unique, partial), foreign keys and triggers. It needs a PostgreSQL server
// (TEST_ENGINE=postgres, `npm run test:postgres`).

interface Shape {
  columns: string[]
  keys: string[]
  indexes: string[]
  foreignKeys: string[]
  triggers: string[]
}

const TYPES: Record<string, string> = { integer: 'integer', text: 'text', blob: 'bytes', bytea: 'bytes' }
/** A default as both engines would print it: SQLite's '[]' is PostgreSQL's '[]'::text. */
const normalDefault = (value: string | null) => (value === null ? 'none' : value.replace(/::text$/, ''))
const normalWhere = (where: string) =>
  where
    .replace(/[()\s]/g, '')
    .replace(/::text/g, '')
    .toLowerCase()

async function sqliteShape(db: Database): Promise<Record<string, Shape>> {
  const shape: Record<string, Shape> = {}
  const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)
  for (const { name } of tables) {
    const { rows: columns } = await sql<{
      name: string
      type: string
      notnull: number
      dflt_value: string | null
      pk: number
    }>`
      select * from pragma_table_info(${name})`.execute(db)
    const { rows: indexList } = await sql<{ name: string; unique: number; origin: string; partial: number }>`
      select * from pragma_index_list(${name})`.execute(db)
    const keys: string[] = []
    const indexes: string[] = []
    const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
    keys.push(`primary key (${pk.map((c) => c.name).join(', ')})`)
    for (const index of indexList) {
      const { rows: parts } = await sql<{ name: string | null }>`
        select name from pragma_index_info(${index.name}) order by seqno`.execute(db)
      const cols = parts.map((p) => p.name ?? 'expression').join(', ')
      if (index.origin === 'u') keys.push(`unique (${cols})`)
      if (index.origin !== 'c') continue
      const { rows: created } = await sql<{ sql: string }>`
        select sql from sqlite_master where type = 'index' and name = ${index.name}`.execute(db)
      const where = /\bwhere\b([\s\S]*)$/i.exec(created[0]!.sql)?.[1]
      indexes.push(
        `${index.name}: ${index.unique ? 'unique ' : ''}(${cols})${where ? ` where ${normalWhere(where)}` : ''}`,
      )
    }
    const { rows: fks } = await sql<{ from: string; table: string; to: string; on_delete: string }>`
      select * from pragma_foreign_key_list(${name})`.execute(db)
    const { rows: triggers } = await sql<{ name: string }>`
      select name from sqlite_master where type = 'trigger' and tbl_name = ${name}`.execute(db)
    shape[name] = {
      columns: columns.map(
        (c) =>
          `${c.name} ${TYPES[c.type.toLowerCase()]}${c.notnull || c.pk ? ' not null' : ''} default ${normalDefault(c.dflt_value)}`,
      ),
      keys: keys.sort(),
      indexes: indexes.sort(),
      foreignKeys: fks
        .map((f) => `${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete.toLowerCase()}`)
        .sort(),
      triggers: triggers.map((t) => t.name).sort(),
    }
  }
  return shape
}

async function postgresShape(db: Database): Promise<Record<string, Shape>> {
  const shape: Record<string, Shape> = {}
  const { rows: tables } = await sql<{
    name: string
  }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db)
  for (const { name } of tables) {
    const { rows: columns } = await sql<{
      column_name: string
      data_type: string
      is_nullable: string
      column_default: string | null
    }>`
      select column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' and table_name = ${name} order by ordinal_position`.execute(db)
    const { rows: constraints } = await sql<{ contype: string; columns: string; conname: string }>`
      select c.contype, c.conname, string_agg(a.attname, ', ' order by k.ord) as columns
      from pg_constraint c
      cross join unnest(c.conkey) with ordinality k(attnum, ord)
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      where c.conrelid = ${name}::regclass and c.contype in ('p', 'u')
      group by c.contype, c.conname`.execute(db)
    const { rows: indexes } = await sql<{
      name: string
      unique: number
      columns: string
      predicate: string | null
    }>`
      select i.relname as name, x.indisunique as unique,
        (select string_agg(coalesce(a.attname, 'expression'), ', ' order by k.ord)
           from unnest(x.indkey) with ordinality k(attnum, ord)
           left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum and k.attnum > 0) as columns,
        pg_get_expr(x.indpred, x.indrelid) as predicate
      from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = ${name}::regclass
        and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(db)
    const { rows: fks } = await sql<{ from: string; table: string; to: string; on_delete: string }>`
      select a.attname as from, r.relname as table, ra.attname as to,
        case c.confdeltype when 'c' then 'cascade' else 'no action' end as on_delete
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_class r on r.oid = c.confrelid
      join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = c.confkey[1]
      where c.conrelid = ${name}::regclass and c.contype = 'f'`.execute(db)
    const { rows: triggers } = await sql<{ name: string }>`
      select tgname as name from pg_trigger where tgrelid = ${name}::regclass and not tgisinternal`.execute(
      db,
    )
    shape[name] = {
      columns: columns.map(
        (c) =>
          `${c.column_name} ${TYPES[c.data_type]}${c.is_nullable === 'NO' ? ' not null' : ''} default ${c.column_default?.startsWith('nextval') ? 'none' : normalDefault(c.column_default)}`,
      ),
      keys: constraints.map((c) => `${c.contype === 'p' ? 'primary key' : 'unique'} (${c.columns})`).sort(),
      indexes: indexes
        .map(
          (i) =>
            `${i.name}: ${i.unique ? 'unique ' : ''}(${i.columns})${i.predicate ? ` where ${normalWhere(i.predicate)}` : ''}`,
        )
        .sort(),
      foreignKeys: fks.map((f) => `${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete}`).sort(),
      triggers: triggers.map((t) => t.name).sort(),
    }
  }
  return shape
}

const postgres = await createTestPostgresDatabase()

describe.skipIf(!postgres)('the PostgreSQL baseline and SQLite migrations', () => {
  const sqlite = openDatabase(':memory:')
  const pg = postgres ? openDatabase(postgres.url) : sqlite
  afterAll(async () => {
    await sqlite.destroy()
    await pg.destroy()
    await postgres?.drop()
  })

  it('end with the same tables, columns, keys, indexes, foreign keys and triggers', async () => {
    await migrateToLatest(sqlite)
    await migrateToLatest(pg)
    const [lite, post] = [await sqliteShape(sqlite), await postgresShape(pg)]
    expect(Object.keys(post).sort()).toEqual(Object.keys(lite).sort())
    for (const table of Object.keys(lite))
      expect({ table, ...post[table] }).toEqual({ table, ...lite[table] })
  })

  it('record the same migrations as done', async () => {
    const names = (db: Database) =>
      sql<{ name: string }>`select name from kysely_migration order by name`.execute(db).then((r) => r.rows)
    expect(await names(pg)).toEqual(await names(sqlite))
  })
})
