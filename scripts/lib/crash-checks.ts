import { sql } from 'kysely'
import type { Database } from '../../src/db/connection.js'
import { engineOf } from '../../src/db/engine.js'

// What `npm run crash` reads of the database beside the live processes, on either engine
// (through Kysely): the letters, the outbox, and whether the database is sound.

export interface LetterChecks {
  present: number
  missing: string[]
}

/** How many of the acknowledged letters the database holds, and which it lacks. */
export async function checkLetters(db: Database, acknowledged: Set<string>): Promise<LetterChecks> {
  const rows = await db.selectFrom('letter').select('public_id').execute()
  const ids = new Set(rows.map((r) => r.public_id))
  const missing = [...acknowledged].filter((id) => !ids.has(id))
  return { present: acknowledged.size - missing.length, missing }
}

export interface Soundness {
  /** 'ok', or what is wrong. */
  result: string
  /** What was checked, for the README. */
  checked: string
}

/**
 * Whether the database is sound after a kill. SQLite: `PRAGMA integrity_check` (pages, indexes,
 * constraints). PostgreSQL has no such pragma: amcheck's `bt_index_check` of every B-tree index of
 * the app's tables, each checked against its table's rows (heapallindexed), where the extension
 * can be created (a superuser's database); on both engines, each state's letter counters (kept by
 * triggers) equal to a recount of its letters, read in one snapshot.
 */
export async function checkSoundness(db: Database): Promise<Soundness> {
  const problems: string[] = []
  const checked: string[] = []
  if (engineOf(db) === 'sqlite') {
    const rows = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)
    const result = rows.rows.map((r) => r.integrity_check).join('; ')
    if (result !== 'ok') problems.push(result)
    checked.push('`PRAGMA integrity_check`')
  } else {
    const amcheck = await checkIndexes(db)
    problems.push(...amcheck.problems)
    checked.push(amcheck.checked)
  }
  problems.push(...(await checkLetterCounters(db)))
  checked.push("each state's letter counters (`state_letter_stats`) equal to a recount")
  return { result: problems.length === 0 ? 'ok' : problems.join('; '), checked: checked.join('; ') }
}

async function checkIndexes(db: Database): Promise<{ problems: string[]; checked: string }> {
  try {
    await sql`create extension if not exists amcheck`.execute(db)
  } catch (error) {
    return { problems: [], checked: `no amcheck (${error instanceof Error ? error.message : String(error)})` }
  }
  const indexes = await sql<{ name: string }>`
    select c.relname as name from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am am on am.oid = c.relam
    join pg_namespace n on n.oid = c.relnamespace
    where am.amname = 'btree' and n.nspname = 'public' and i.indisvalid and i.indisready
    order by c.relname`.execute(db)
  const problems: string[] = []
  for (const { name } of indexes.rows) {
    try {
      await sql`select bt_index_check(${sql.raw(`'public.${name}'`)}::regclass, true)`.execute(db)
    } catch (error) {
      problems.push(`index ${name}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  return {
    problems,
    checked: `amcheck's \`bt_index_check\` of all ${indexes.rows.length} B-tree indexes, each against its table's rows`,
  }
}

const COUNTERS = [
  'written',
  'printed',
  'emailed',
  'delivered',
  'failed',
  'reply_asked',
  'reply_replied',
  'reply_acknowledged',
  'reply_no_reply',
] as const
/**
 * States whose counters differ from their letters (the triggers' flags, recounted). One statement,
 * so one snapshot on either engine while the workers go on sending (and the triggers counting).
 */
async function checkLetterCounters(db: Database): Promise<string[]> {
  const when = (condition: string) => `sum(case when ${condition} then 1 else 0 end)`
  const recount = `select state_iso3, count(*) as written,
      ${when('printed_at is not null')} as printed,
      ${when("channel = 'email' and status in ('queued', 'sending', 'sent', 'failed', 'uncertain')")} as emailed,
      ${when("status = 'sent' or printed_delivered_at is not null")} as delivered,
      ${when("status = 'failed'")} as failed,
      ${when('reply_requested_at is not null')} as reply_asked,
      ${when("reply_answer = 'replied'")} as reply_replied,
      ${when("reply_answer = 'acknowledged'")} as reply_acknowledged,
      ${when("reply_answer = 'no_reply'")} as reply_no_reply
    from letter group by state_iso3`
  const pairs = (side: 'kept' | 'counted') =>
    COUNTERS.map((c) => `${side === 'kept' ? 's' : 'r'}.${c} as ${side}_${c}`).join(', ')
  const { rows } = await sql<Record<string, number | string | null>>`
    with recount as (${sql.raw(recount)})
    select coalesce(s.state_iso3, r.state_iso3) as state_iso3, ${sql.raw(pairs('kept'))}, ${sql.raw(pairs('counted'))}
    from state_letter_stats s left join recount r on r.state_iso3 = s.state_iso3
    union all
    select r.state_iso3, ${sql.raw(COUNTERS.map((c) => `null as kept_${c}`).join(', '))}, ${sql.raw(pairs('counted'))}
    from recount r where not exists (select 1 from state_letter_stats s where s.state_iso3 = r.state_iso3)`.execute(
    db,
  )
  const problems: string[] = []
  for (const row of rows) {
    const differing = COUNTERS.filter(
      (c) => Number(row[`kept_${c}`] ?? 0) !== Number(row[`counted_${c}`] ?? 0),
    )
    if (differing.length === 0) continue
    const both = (c: string) => `${c} ${row[`kept_${c}`] ?? 'none'} kept, ${row[`counted_${c}`] ?? 0} counted`
    problems.push(`${row.state_iso3}'s counters differ from its letters: ${differing.map(both).join(', ')}`)
  }
  return problems
}

/** The outbox's messages by status. */
export async function outboxStatuses(db: Database): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox_message')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

/** Uncertain messages (and any still "sending") by kind: to missions, or to writers. */
export async function uncertainByKind(db: Database): Promise<{ toMissions: number; toWriters: number }> {
  const rows = await db
    .selectFrom('outbox_message')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['uncertain', 'sending'])
    .groupBy('kind')
    .execute()
  const toMissions = (kind: string) => kind === 'mission_letter' || kind === 'digest'
  const sum = (mission: boolean) =>
    rows.filter((r) => toMissions(r.kind) === mission).reduce((n, r) => n + Number(r.n), 0)
  return { toMissions: sum(true), toWriters: sum(false) }
}

/** What the outbox holds of each Message-ID received twice: which path handed it over again. */
export async function describeDuplicates(db: Database, messageIds: string[]): Promise<string[]> {
  const lines: string[] = []
  for (const id of messageIds) {
    const row = await db
      .selectFrom('outbox_message')
      .select(['id', 'kind', 'status', 'attempts'])
      .where('message_id', '=', id)
      .executeTakeFirst()
    if (!row) {
      lines.push(`${id}: no outbox message has this Message-ID now`)
      continue
    }
    const attempts = await db
      .selectFrom('delivery_attempt')
      .select(['outcome', 'response', 'worker'])
      .where('outbox_id', '=', row.id)
      .orderBy('id')
      .execute()
    const outcomes = attempts.map(
      (a) => `${a.outcome ?? 'unfinished'} by ${a.worker ?? '?'} (${a.response ?? ''})`,
    )
    lines.push(
      `${id}: outbox ${row.id}, ${row.kind}, now ${row.status}, ${row.attempts} attempts: ${outcomes.join('; ')}`,
    )
  }
  return lines
}

/**
 * Messages still "sending" once every process has stopped: each with the worker that claimed it
 * and when (a live worker would have made it uncertain: which one left it, and how).
 */
export async function describeSending(db: Database): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox_message')
    .leftJoin('delivery_attempt', (join) =>
      join
        .onRef('delivery_attempt.outbox_id', '=', 'outbox_message.id')
        .on('delivery_attempt.finished_at', 'is', null),
    )
    .select([
      'outbox_message.id',
      'outbox_message.kind',
      'outbox_message.updated_at',
      'delivery_attempt.worker',
      'delivery_attempt.started_at',
    ])
    .where('outbox_message.status', '=', 'sending')
    .orderBy('outbox_message.id')
    .execute()
  return rows.map(
    (r) =>
      `outbox ${r.id}, ${r.kind}, updated ${r.updated_at}: claimed by ${r.worker ?? 'no open attempt'} at ${r.started_at ?? '?'}`,
  )
}

/** The confirmation link's token of a letter, as its writer reads it from the e-mail. */
export async function confirmationToken(db: Database, letterId: string): Promise<string | null> {
  const row = await db
    .selectFrom('outbox_message')
    .innerJoin('letter', 'letter.id', 'outbox_message.letter_id')
    .select('outbox_message.payload')
    .where('letter.public_id', '=', letterId)
    .where('outbox_message.kind', '=', 'confirmation')
    .orderBy('outbox_message.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  const url = (JSON.parse(row?.payload ?? '{}') as { url?: string }).url
  return url ? (url.split('/').pop() ?? null) : null
}
