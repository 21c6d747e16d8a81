import { sql } from 'kysely'
import type { Database } from '../db/connection.js'
import type { EngagementKind, Position, StateLetterStatsRow } from '../db/schema.js'
import { ENGAGEMENT_KINDS } from './coverage-rules.js'

// The queries behind coverage. @NOTE none of them reads `letter` or scans `engagement` whole:
// coverage must stay fast with a million letters and a hundred thousand engagements.

/** The letter counters of every state that ever had a letter (kept by triggers on `letter`). */
export async function findLetterStats(db: Database): Promise<StateLetterStatsRow[]> {
  return db.selectFrom('state_letter_stats').selectAll().execute()
}

export interface EngagementSpan {
  state_iso3: string
  kind: EngagementKind
  first_on: string
  last_on: string
}

/**
 * For each state and each kind of engagement it has, the first and last day one occurred.
 * One index seek per (state, kind) pair on engagement_state_current (state_iso3, kind,
 * occurred_on), which holds only the engagements not withdrawn (migration 0021): the cost depends
 * on the number of states, not of engagements (a GROUP BY would read them all).
 */
export async function findEngagementSpans(db: Database): Promise<EngagementSpan[]> {
  const kinds = sql.join(
    // cast: PostgreSQL gives a bare parameter no type to compare with engagement.kind.
    ENGAGEMENT_KINDS.map((kind) => sql`select cast(${kind} as text) as kind`),
    sql` union all `,
  )
  const result = await sql<EngagementSpan>`
    select * from (
      select s.iso3 as state_iso3, k.kind as kind,
        (select min(e.occurred_on) from engagement e where e.state_iso3 = s.iso3 and e.kind = k.kind and e.withdrawn_at is null) as first_on,
        (select max(e.occurred_on) from engagement e where e.state_iso3 = s.iso3 and e.kind = k.kind and e.withdrawn_at is null) as last_on
      from state s cross join (${kinds}) k
    ) as spans where first_on is not null`.execute(db)
  return result.rows
}

export interface CurrentPosition {
  state_iso3: string
  position: Position
  noted_on: string
}

/**
 * Each state's latest position not withdrawn (the highest id, via state_position_state_current);
 * with `publishedOnly`, only those of the states whose position an organizer published (0020).
 */
export async function findCurrentPositions(
  db: Database,
  { publishedOnly }: { publishedOnly: boolean },
): Promise<CurrentPosition[]> {
  let query = db
    .selectFrom('state_position')
    .select(['state_iso3', 'position', 'noted_on'])
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('state_position')
        .select((e) => e.fn.max('id').as('id'))
        .where('withdrawn_at', 'is', null)
        .groupBy('state_iso3'),
    )
  if (publishedOnly)
    query = query.where('state_iso3', 'in', (eb) =>
      eb.selectFrom('state_position_publication').select('state_iso3'),
    )
  return query.execute()
}
