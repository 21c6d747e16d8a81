import SQLite from 'better-sqlite3'
import type { DemoAnswer } from './demo-canvassing.js'
import type { DemoLetterRow } from './demo-letters.js'

// The bulk load of the demo letters, on a better-sqlite3 connection of its own.

// Rows per transaction: large enough that commits cost nothing, small enough for a short WAL.
const BATCH = 20_000

/** The letter's columns the demo fills, in the order both engines' loads write them. */
export const LETTER_COLUMNS = Object.keys({
  public_id: true,
  reference: true,
  state_iso3: true,
  template_id: true,
  language: true,
  paper_size: true,
  status: true,
  supporter_name: true,
  supporter_organization: true,
  supporter_role: true,
  supporter_address_lines: true,
  supporter_city: true,
  supporter_country: true,
  supporter_email: true,
  personal_note: true,
  addressee: true,
  document: true,
  mission_version_id: true,
  printed_at: true,
  channel: true,
  confirm_token_hash: true,
  confirm_expires_at: true,
  confirm_requested_at: true,
  reminded_at: true,
  confirmed_at: true,
  sent_at: true,
  message_id: true,
  outbox_id: true,
  printed_delivered_at: true,
  printed_delivered_by: true,
  reply_token_hash: true,
  reply_requested_at: true,
  reply_answer: true,
  reply_answered_at: true,
  personal_data_removed_at: true,
  draft_token_hash: true,
  source: true,
  site_language: true,
  ask_id: true,
  template_version_id: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof DemoLetterRow, true>) as (keyof DemoLetterRow)[]

/** A connection of its own for the bulk load, with durability traded for speed while it lasts. */
function openForLoad(file: string): SQLite.Database {
  const db = new SQLite(file, { fileMustExist: true })
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // A crash mid-load loses demo data only: no fsync per commit, a large page cache.
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -262144')
  // An insert that fires triggers inside a transaction keeps a statement journal; in a temporary
  // file (the default) it cost ~0.5 ms of system time per letter here, six times the insert.
  db.pragma('temp_store = MEMORY')
  return db
}

/**
 * Inserts the letters, BATCH per transaction; the triggers of migration 0004 fire on every row
 * and keep state_letter_stats. Returns the writers' answers about replies, with their letter ids.
 *
 * @NOTE on better-sqlite3 directly, not Kysely: Kysely compiles and prepares each statement anew
 * and awaits each one. Measured here (20,000 letters, CPU time): one prepared statement run in a
 * loop ~14,000 rows/s; Kysely one row per insert ~3,500; Kysely 200 rows per insert ~11,500.
 * The loop also gives each row's id as it goes (for the supporters' answers).
 */
export function bulkInsertLetters(
  file: string,
  log: (line: string) => void,
  load: { rows: Iterable<DemoLetterRow>; letters: number },
): DemoAnswer[] {
  const db = openForLoad(file)
  const insert = db.prepare(
    `insert into letter (${LETTER_COLUMNS.join(', ')}) values (${LETTER_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  )
  const answers: DemoAnswer[] = []
  const started = performance.now()
  let shown = started
  let done = 0
  try {
    db.exec('begin')
    for (const row of load.rows) {
      const { lastInsertRowid } = insert.run(row)
      if (row.reply_answer) {
        answers.push({
          letterId: Number(lastInsertRowid),
          stateIso3: row.state_iso3,
          answer: row.reply_answer,
          answeredAt: row.reply_answered_at!,
        })
      }
      if (++done % BATCH === 0) {
        db.exec('commit')
        const t = performance.now()
        if (t - shown > 5000) {
          shown = t
          log(
            `  ${done.toLocaleString('en')} / ${load.letters.toLocaleString('en')} letters, ${Math.round(done / ((t - started) / 1000)).toLocaleString('en')} rows/s`,
          )
        }
        db.exec('begin')
      }
    }
    db.exec('commit')
  } catch (error) {
    if (db.inTransaction) db.exec('rollback')
    throw error
  } finally {
    db.pragma('synchronous = NORMAL')
    db.close()
  }
  return answers
}

/** Rows per table (and distinct writers), then the WAL folded into the file. */
export function finishLoad(file: string): Record<string, number> {
  const db = new SQLite(file, { fileMustExist: true })
  try {
    const tables = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .pluck()
      .all() as string[]
    const counts: Record<string, number> = {}
    for (const table of tables)
      counts[table] = db.prepare(`select count(*) from "${table}"`).pluck().get() as number
    counts['supporters (distinct e-mail)'] = db
      .prepare('select count(distinct supporter_email) from letter')
      .pluck()
      .get() as number
    db.pragma('wal_checkpoint(TRUNCATE)')
    return counts
  } finally {
    db.close()
  }
}
