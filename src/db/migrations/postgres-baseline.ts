import { type Kysely, sql } from 'kysely'
import { POSTGRES_INDEXES, POSTGRES_TABLES } from './postgres-baseline-tables.js'

/**
 * PostgreSQL's first migration: today's whole schema at once, standing for SQLite's 0001–0016
 * (migrator.ts records those names as done on PostgreSQL, so a later migration runs on both).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [...POSTGRES_TABLES, ...POSTGRES_INDEXES, ...TRIGGERS]) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Dropped in the reverse order of their foreign keys; the triggers and functions go with them.
  for (const statement of [...POSTGRES_TABLES].reverse()) {
    const table = /^create table (\w+)/.exec(statement)![1]
    await sql.raw(`drop table ${table}`).execute(db)
  }
  await sql`drop function letter_stats_count()`.execute(db)
  await sql`drop function letter_pdf_drop()`.execute(db)
}

// The letter counters of state_letter_stats and the 0/1 flag a letter adds to each, as SQLite's
// triggers have them (letter-stats-triggers.ts, with the reply counters of 0006): `is not
// distinct from` stands for SQLite's `is`, `::int` for its booleans that are numbers.
// @NOTE "delivered" must match canvassing/coverage-rules.ts, as SQLite's must.
export const COUNTERS: ReadonlyArray<readonly [string, (row: string) => string]> = [
  ['printed', (row) => `(${row}.printed_at is not null)`],
  [
    'emailed',
    (row) =>
      `(${row}.channel is not distinct from 'email' and ${row}.status in ('queued', 'sending', 'sent', 'failed', 'uncertain'))`,
  ],
  ['delivered', (row) => `(${row}.status = 'sent' or ${row}.printed_delivered_at is not null)`],
  ['failed', (row) => `(${row}.status = 'failed')`],
  ['reply_asked', (row) => `(${row}.reply_requested_at is not null)`],
  ['reply_replied', (row) => `(${row}.reply_answer is not distinct from 'replied')`],
  ['reply_acknowledged', (row) => `(${row}.reply_answer is not distinct from 'acknowledged')`],
  ['reply_no_reply', (row) => `(${row}.reply_answer is not distinct from 'no_reply')`],
]

const deliveredFlag = COUNTERS.find(([column]) => column === 'delivered')![1]('new')
const deliveredAt = `(case when new.status = 'sent' then coalesce(new.sent_at, new.updated_at) else new.printed_delivered_at end)`
const counted = (counters: typeof COUNTERS, row: string, sign: '+' | '-') =>
  counters.map(([column, flag]) => `${column} = ${column} ${sign} ${flag(row)}::int`).join(',\n        ')

/**
 * One function for the three triggers, as SQLite's three bodies: take the old row's flags away
 * (update, delete), add the new row's (insert, update). Later migrations (0021) replace it with
 * more counters: `create` becomes `create or replace`, the rest of the text stays as it was.
 */
export function letterStatsFunction(counters: typeof COUNTERS, create = 'create'): string {
  return `${create} function letter_stats_count() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then
      update state_letter_stats set
        written = written - 1,
        ${counted(counters, 'old', '-')}
      where state_iso3 = old.state_iso3;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      insert into state_letter_stats (state_iso3) values (new.state_iso3) on conflict (state_iso3) do nothing;
      update state_letter_stats set
        written = written + 1,
        ${counted(counters, 'new', '+')},
        first_delivered_at = case when ${deliveredFlag} then least(coalesce(first_delivered_at, ${deliveredAt}), ${deliveredAt}) else first_delivered_at end,
        last_delivered_at = case when ${deliveredFlag} then greatest(coalesce(last_delivered_at, ${deliveredAt}), ${deliveredAt}) else last_delivered_at end
      where state_iso3 = new.state_iso3;
    end if;
    return null;
  end
$$`
}

const LETTER_STATS_FUNCTION = letterStatsFunction(COUNTERS)

const WATCHED = [
  'status',
  'printed_at',
  'channel',
  'printed_delivered_at',
  'sent_at',
  'state_iso3',
  'reply_requested_at',
  'reply_answer',
]

const TRIGGERS: readonly string[] = [
  LETTER_STATS_FUNCTION,
  'create trigger letter_stats_insert after insert on letter for each row execute function letter_stats_count()',
  'create trigger letter_stats_delete after delete on letter for each row execute function letter_stats_count()',
  // Only when a counted fact is written: most letter updates (drafts, tokens) touch none of them.
  `create trigger letter_stats_update after update of ${WATCHED.join(', ')} on letter
    for each row execute function letter_stats_count()`,
  // A letter's cached PDF goes when its document changes (SQLite's letter_pdf_stale, 0011).
  `create function letter_pdf_drop() returns trigger language plpgsql as $$
    begin
      delete from letter_pdf where letter_id = new.id;
      return null;
    end
  $$`,
  `create trigger letter_pdf_stale after update of document on letter
    for each row when (new.document is distinct from old.document) execute function letter_pdf_drop()`,
]
