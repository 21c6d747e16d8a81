import pg from 'pg'
import type { DemoAnswer } from './demo-canvassing.js'
import type { DemoLetterRow } from './demo-letters.js'
import { LETTER_COLUMNS } from './demo-load.js'

// The bulk load of the demo letters into PostgreSQL, on a `pg` connection of its own.

/** Rows per statement: each column goes as one array parameter, so the count is not bound by 65,535 parameters. */
const BATCH = 2_000

/** The letter's integer columns; the others are text. */
const INTEGER_COLUMNS = new Set([
  'mission_version_id',
  'outbox_id',
  'printed_delivered_by',
  'ask_id',
  'template_version_id',
])

/**
 * One statement inserts a batch: each column's values as one array, `unnest` turning them back
 * into rows (a multi-row VALUES of 2,000 rows would need 80,000 parameters). The letters keep
 * their order, so the same seed numbers them alike on both engines.
 */
const INSERT = `insert into letter (${LETTER_COLUMNS.join(', ')})
  select * from unnest(${LETTER_COLUMNS.map((column, i) => `$${i + 1}::${INTEGER_COLUMNS.has(column) ? 'integer' : 'text'}[]`).join(', ')})
  returning id, public_id`

/**
 * Inserts the letters, BATCH per statement, each statement its own transaction; the counting
 * triggers (letter_stats_count) fire on every row and keep state_letter_stats, as on SQLite.
 * Returns the writers' answers about replies, with their letter ids.
 *
 * @NOTE the next batch is composed while PostgreSQL inserts the last one: composing the letters'
 * documents takes this process's core, inserting them and running the triggers the server's.
 */
export async function bulkInsertLettersPostgres(
  url: string,
  log: (line: string) => void,
  load: { rows: Iterable<DemoLetterRow>; letters: number },
): Promise<DemoAnswer[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const answers: DemoAnswer[] = []
  const started = performance.now()
  let shown = started
  let done = 0
  let pending: Promise<void> | null = null
  try {
    // Demo data: a crash mid-load loses the last commits at worst, never corrupts.
    await client.query('set synchronous_commit = off')
    const insert = async (batch: DemoLetterRow[]) => {
      const columns = LETTER_COLUMNS.map((column) => batch.map((row) => row[column]))
      const { rows } = await client.query<{ id: number; public_id: string }>(INSERT, columns)
      const ids = new Map(rows.map((row) => [row.public_id, row.id]))
      for (const row of batch) {
        if (!row.reply_answer) continue
        answers.push({
          letterId: ids.get(row.public_id)!,
          stateIso3: row.state_iso3,
          answer: row.reply_answer,
          answeredAt: row.reply_answered_at!,
        })
      }
      done += batch.length
      const t = performance.now()
      if (t - shown > 5000) {
        shown = t
        log(
          `  ${done.toLocaleString('en')} / ${load.letters.toLocaleString('en')} letters, ${Math.round(done / ((t - started) / 1000)).toLocaleString('en')} rows/s`,
        )
      }
    }
    let batch: DemoLetterRow[] = []
    for (const row of load.rows) {
      batch.push(row)
      // Composing runs without a pause: let the socket send the batch in flight meanwhile.
      if (batch.length % 100 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (batch.length < BATCH) continue
      await pending
      pending = insert(batch)
      batch = []
    }
    await pending
    pending = null
    if (batch.length > 0) await insert(batch)
  } finally {
    // An insert still running when composing failed: let it end before the connection does.
    await pending?.catch(() => {})
    await client.end()
  }
  // The answers in the order of their letters, as SQLite's load gives them.
  return answers.sort((a, b) => a.letterId - b.letterId)
}
