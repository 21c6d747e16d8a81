import { type Kysely, sql } from 'kysely'

type Row = 'new' | 'old'

/** A counter of `state_letter_stats`: the 0/1 flag a letter adds to it. */
interface Counter {
  readonly column: string
  readonly flag: (row: Row) => string
}

// @NOTE "delivered" here must match canvassing/coverage-rules.ts: e-mail accepted by the
// mission's server (status 'sent'), or a printed letter marked delivered. Every flag is 0 or 1,
// never NULL (`is`, not `=`, where a column may be NULL): a NULL would fail the NOT NULL counters
// and with them the letter's own update.
const LETTER_COUNTERS: readonly Counter[] = [
  { column: 'printed', flag: (row) => `(${row}.printed_at is not null)` },
  // Confirmed by its writer and handed to the outbox, whatever came of it.
  {
    column: 'emailed',
    flag: (row) =>
      `(${row}.channel is 'email' and ${row}.status in ('queued', 'sending', 'sent', 'failed', 'uncertain'))`,
  },
  {
    column: 'delivered',
    flag: (row) => `(${row}.status = 'sent' or ${row}.printed_delivered_at is not null)`,
  },
  { column: 'failed', flag: (row) => `(${row}.status = 'failed')` },
]

// "Did the mission reply?" asked of the writer (migration 0006), and the answer.
const REPLY_COUNTERS: readonly Counter[] = [
  { column: 'reply_asked', flag: (row) => `(${row}.reply_requested_at is not null)` },
  { column: 'reply_replied', flag: (row) => `(${row}.reply_answer is 'replied')` },
  { column: 'reply_acknowledged', flag: (row) => `(${row}.reply_answer is 'acknowledged')` },
  { column: 'reply_no_reply', flag: (row) => `(${row}.reply_answer is 'no_reply')` },
]

// Letters with a paragraph of the writer's own (migration 0021). @NOTE personal_note is not among
// the watched columns: the paragraph is written with the letter and only ever removed by the
// privacy redaction, and a letter that had one keeps counting once its text is gone.
export const NOTE_COUNTERS: readonly Counter[] = [
  { column: 'with_personal_note', flag: (row) => `(coalesce(${row}.personal_note, '') <> '')` },
]

const deliveredAt = (row: Row) =>
  `(case when ${row}.status = 'sent' then coalesce(${row}.sent_at, ${row}.updated_at) else ${row}.printed_delivered_at end)`

/**
 * The triggers that keep `state_letter_stats` in step with `letter`. Migrations 0004 and 0005 made
 * them without the reply counters (`replies: false`, whose SQL must stay as it was), 0006 with,
 * 0021 with the personal paragraphs' counter too (`notes: true`).
 */
export async function createLetterStatsTriggers(
  db: Kysely<any>,
  options: { replies: boolean; notes?: boolean },
): Promise<void> {
  const counters = [
    ...LETTER_COUNTERS,
    ...(options.replies ? REPLY_COUNTERS : []),
    ...(options.notes ? NOTE_COUNTERS : []),
  ]
  const delivered = LETTER_COUNTERS.find((c) => c.column === 'delivered')!.flag('new')
  const ensureRow = `insert into state_letter_stats (state_iso3) values (new.state_iso3) on conflict (state_iso3) do nothing;`
  const addNew = `update state_letter_stats set
      written = written + 1,
      ${counters.map((c) => `${c.column} = ${c.column} + ${c.flag('new')}`).join(',\n      ')},
      first_delivered_at = case when ${delivered} then min(coalesce(first_delivered_at, ${deliveredAt('new')}), ${deliveredAt('new')}) else first_delivered_at end,
      last_delivered_at = case when ${delivered} then max(coalesce(last_delivered_at, ${deliveredAt('new')}), ${deliveredAt('new')}) else last_delivered_at end
    where state_iso3 = new.state_iso3;`
  const removeOld = `update state_letter_stats set
      written = written - 1,
      ${counters.map((c) => `${c.column} = ${c.column} - ${c.flag('old')}`).join(',\n      ')}
    where state_iso3 = old.state_iso3;`
  const watched = ['status', 'printed_at', 'channel', 'printed_delivered_at', 'sent_at', 'state_iso3']
  if (options.replies) watched.push('reply_requested_at', 'reply_answer')

  await sql
    .raw(`create trigger letter_stats_insert after insert on letter begin ${ensureRow} ${addNew} end`)
    .execute(db)
  await sql
    .raw(`create trigger letter_stats_delete after delete on letter begin ${removeOld} end`)
    .execute(db)
  // Only when a counted fact changes: most letter updates (drafts, tokens) touch none of them.
  await sql
    .raw(
      `create trigger letter_stats_update after update of ${watched.join(', ')} on letter
       begin ${removeOld} ${ensureRow} ${addNew} end`,
    )
    .execute(db)
}

export async function dropLetterStatsTriggers(db: Kysely<any>): Promise<void> {
  for (const name of ['letter_stats_insert', 'letter_stats_delete', 'letter_stats_update']) {
    await sql.raw(`drop trigger if exists ${name}`).execute(db)
  }
}
