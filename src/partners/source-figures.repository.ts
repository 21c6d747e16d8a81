import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import type { LetterStatus } from '../db/schema.js'

// The queries behind the figures per source. @NOTE none reads every letter: the letters with a
// source are counted from the partial index letter_source (migration 0013), whose condition the
// query repeats word for word; all letters together come from state_letter_stats (kept by
// triggers), so the letters without a source cost nothing however many there are.

export interface LettersOfSource {
  source: string
  written: number
  emailed: number
}

/** Letters per source code (only codes some letter carries): written, and e-mailed (`emailedStatuses`, by e-mail). */
export async function countLettersBySource(
  db: Database,
  emailedStatuses: readonly LetterStatus[],
): Promise<LettersOfSource[]> {
  const statuses = sql.join(emailedStatuses.map((status) => sql`${status}`))
  const rows = await db
    .selectFrom('letter')
    .select([
      sql<string>`source`.as('source'),
      (eb) => eb.fn.countAll<number>().as('written'),
      sql<number>`coalesce(sum(case when channel = 'email' and status in (${statuses}) then 1 else 0 end), 0)`.as(
        'emailed',
      ),
    ])
    .where('source', 'is not', null)
    .groupBy('source')
    .execute()
  return rows.map((r) => ({ source: r.source, written: Number(r.written), emailed: Number(r.emailed) }))
}

/** All letters, written and e-mailed, as the per-state counters hold them. */
export async function countAllLetters(db: Database): Promise<{ written: number; emailed: number }> {
  const row = await db
    .selectFrom('state_letter_stats')
    .select([
      sql<number>`coalesce(sum(written), 0)`.as('written'),
      sql<number>`coalesce(sum(emailed), 0)`.as('emailed'),
    ])
    .executeTakeFirstOrThrow()
  return { written: Number(row.written), emailed: Number(row.emailed) }
}

/** Members who confirmed, per source code (null: no source), from the index member_source. */
export async function countConfirmedMembersBySource(
  db: Database,
): Promise<{ source: string | null; members: number }[]> {
  const rows = await db
    .selectFrom('member')
    .select(['source_code', (eb) => eb.fn.countAll<number>().as('members')])
    .where('confirmed_at', 'is not', null)
    .groupBy('source_code')
    .execute()
  return rows.map((r) => ({ source: r.source_code, members: Number(r.members) }))
}
