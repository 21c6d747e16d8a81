import fs from 'node:fs'
import { sql } from 'kysely'
import { type Database, isPostgresLocation, openDatabase } from '../../src/db/connection.js'
import { DEMO_EMAIL_PATTERN, DEMO_NAME_PREFIX } from './demo-people.js'

// The demo database on either engine: a SQLite file, or a PostgreSQL database at a postgres:// URL.

export interface DemoLocation {
  engine: 'sqlite' | 'postgres'
  /** The file's path or the URL, as the server is given it (DATABASE_PATH or DATABASE_URL). */
  location: string
  /** For the report: the path, or the URL without its password. */
  label: string
}

export function demoLocation(location: string): DemoLocation {
  if (!isPostgresLocation(location)) return { engine: 'sqlite', location, label: location }
  const url = new URL(location)
  if (url.password) url.password = '…'
  return { engine: 'postgres', location, label: url.toString() }
}

export interface Inspection {
  otherLetters: number
  /** A database with tables, none of them this service's. */
  foreign: boolean
}

/** Whether the database holds letters the seeder did not make, or is not this service's at all. */
export async function inspectDatabase(target: DemoLocation): Promise<Inspection> {
  if (target.engine === 'sqlite' && !fs.existsSync(target.location))
    return { otherLetters: 0, foreign: false }
  const db = openDatabase(target.location)
  try {
    const tables = new Set(await listTables(db, target))
    if (!tables.has('letter'))
      return { otherLetters: 0, foreign: tables.size > 0 && !tables.has('kysely_migration') }
    const { rows } = await sql<{ n: number }>`select count(*) as n from letter
      where coalesce(supporter_email, '') not like ${DEMO_EMAIL_PATTERN}
        or supporter_name not like ${`${DEMO_NAME_PREFIX}%`}`.execute(db)
    return { otherLetters: Number(rows[0]!.n), foreign: false }
  } finally {
    await db.destroy()
  }
}

/** --fresh: the SQLite file deleted, or every table of the PostgreSQL database's schema dropped. */
export async function clearDatabase(target: DemoLocation): Promise<void> {
  if (target.engine === 'sqlite') {
    for (const file of [target.location, `${target.location}-wal`, `${target.location}-shm`])
      fs.rmSync(file, { force: true })
    return
  }
  const db = openDatabase(target.location)
  try {
    // The migrations' functions and triggers go with the schema; the next start makes them again.
    await sql`drop schema public cascade`.execute(db)
    await sql`create schema public`.execute(db)
  } finally {
    await db.destroy()
  }
}

async function listTables(db: Database, target: DemoLocation): Promise<string[]> {
  const { rows } =
    target.engine === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)
  return rows.map((row) => row.name)
}

/**
 * Rows per table (and distinct writers), then the database made ready to read: SQLite's log
 * folded into the file; on PostgreSQL the tables vacuumed and analysed, so that the planner knows
 * a million letters are there (autovacuum would get to it, minutes later) and index-only scans
 * find their pages all-visible.
 */
export async function finishLoad(target: DemoLocation): Promise<Record<string, number>> {
  const db = openDatabase(target.location)
  try {
    if (target.engine === 'postgres') await sql`vacuum (analyze)`.execute(db)
    const counts: Record<string, number> = {}
    for (const table of await listTables(db, target)) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)
      counts[table] = Number(rows[0]!.n)
    }
    const { rows } = await sql<{
      n: number
    }>`select count(distinct supporter_email) as n from letter`.execute(db)
    counts['supporters (distinct e-mail)'] = Number(rows[0]!.n)
    if (target.engine === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db)
    return counts
  } finally {
    await db.destroy()
  }
}

/** The database's size on disk: the SQLite file and its log, or PostgreSQL's pg_database_size. */
export async function databaseBytes(target: DemoLocation): Promise<number> {
  if (target.engine === 'sqlite') {
    return ['', '-wal'].reduce(
      (sum, suffix) => sum + (fs.statSync(target.location + suffix, { throwIfNoEntry: false })?.size ?? 0),
      0,
    )
  }
  const db = openDatabase(target.location)
  try {
    const { rows } = await sql<{
      bytes: number
    }>`select pg_database_size(current_database()) as bytes`.execute(db)
    return Number(rows[0]!.bytes)
  } finally {
    await db.destroy()
  }
}

/** Every reference code the letters already hold (to draw new ones past them). */
export async function existingReferences(target: DemoLocation): Promise<Set<string>> {
  const db = openDatabase(target.location)
  try {
    const { rows } = await sql<{ reference: string }>`select reference from letter`.execute(db)
    return new Set(rows.map((row) => row.reference))
  } finally {
    await db.destroy()
  }
}
