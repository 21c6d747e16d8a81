import type { SqliteDatabase } from 'kysely'

/**
 * The SQLite database as Kysely sees it, with every transaction begun IMMEDIATE.
 *
 * @NOTE Kysely begins a transaction with a plain `begin` (DEFERRED): it reads first and asks for
 * the write lock at its first write. With another process writing to the same file (the server
 * and `outbox:work`, or several app instances), that upgrade fails at once with "database is
 * locked" whenever the other process committed since this transaction's first read: SQLite cannot
 * let it write on a snapshot that is out of date, and busy_timeout does not wait for it. An
 * IMMEDIATE transaction takes the write lock at its start, waiting (busy_timeout) while another
 * process holds it, so it never has to be given up half-way. In one process nothing changes: its
 * one connection runs one transaction at a time anyway.
 */
export function withImmediateTransactions(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql: string) => database.prepare(sql === 'begin' ? 'begin immediate' : sql),
  }
}
