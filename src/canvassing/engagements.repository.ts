import type { Database } from '../db/connection.js'
import type { EngagementRow, NewEngagementRow, Position } from '../db/schema.js'

// Engagements and positions of one state, and the replies table. @NOTE a state's lists are read
// through engagement_state / state_position_state; nothing here scans `letter` by state except
// the responsiveness counts, whose index is described at findReplyCounts.

export interface EngagementListRow extends EngagementRow {
  organizer_name: string | null
  letter_reference: string | null
  withdrawn_by_name: string | null
  revisions: number
}

export async function insertEngagement(db: Database, row: NewEngagementRow): Promise<number> {
  const inserted = await db.insertInto('engagement').values(row).returning('id').executeTakeFirstOrThrow()
  return inserted.id
}

export async function updateEngagement(
  db: Database,
  id: number,
  patch: Partial<Omit<EngagementRow, 'id'>>,
): Promise<void> {
  await db.updateTable('engagement').set(patch).where('id', '=', id).execute()
}

function engagementsWithAuthors(db: Database) {
  return db
    .selectFrom('engagement')
    .leftJoin('organizer', 'organizer.id', 'engagement.organizer_id')
    .leftJoin('letter', 'letter.id', 'engagement.letter_id')
    .leftJoin('organizer as withdrawer', 'withdrawer.id', 'engagement.withdrawn_by')
    .selectAll('engagement')
    .select(['organizer.name as organizer_name', 'letter.reference as letter_reference'])
    .select('withdrawer.name as withdrawn_by_name')
    .select((eb) =>
      eb
        .selectFrom('engagement_revision')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('engagement_revision.engagement_id', '=', 'engagement.id')
        .as('revisions'),
    )
}

export async function findEngagementById(db: Database, id: number): Promise<EngagementListRow | undefined> {
  const row = await engagementsWithAuthors(db).where('engagement.id', '=', id).executeTakeFirst()
  return row && withCount(row)
}

/** A state's engagements, newest first (the day it happened, then the order they were logged). */
export async function findEngagementsOfState(
  db: Database,
  iso3: string,
  limit: number,
  source?: 'organizer' | 'supporter',
): Promise<EngagementListRow[]> {
  let query = engagementsWithAuthors(db).where('engagement.state_iso3', '=', iso3)
  if (source) query = query.where('engagement.source', '=', source)
  const rows = await query
    .orderBy('engagement.occurred_on', 'desc')
    .orderBy('engagement.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(withCount)
}

/**
 * The answer a letter's writer reported that still counts, if any (through engagement_letter):
 * the ones an organizer withdrew stay as they were, in the state's log.
 */
export async function findSupporterEngagementOfLetter(
  db: Database,
  letterId: number,
): Promise<EngagementRow | undefined> {
  return db
    .selectFrom('engagement')
    .selectAll()
    .where('letter_id', '=', letterId)
    .where('source', '=', 'supporter')
    .where('withdrawn_at', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
}

export interface PositionRow {
  id: number
  state_iso3: string
  position: Position
  noted_on: string
  note: string
  organizer_id: number | null
  organizer_name: string | null
  created_at: string
  withdrawn_at: string | null
  withdrawn_reason: string | null
  withdrawn_by_name: string | null
  revisions: number
}

export async function insertPosition(
  db: Database,
  row: {
    state_iso3: string
    position: Position
    noted_on: string
    note: string
    organizer_id: number | null
    created_at: string
  },
): Promise<number> {
  const inserted = await db.insertInto('state_position').values(row).returning('id').executeTakeFirstOrThrow()
  return inserted.id
}

function positionsWithAuthors(db: Database, iso3: string) {
  return db
    .selectFrom('state_position')
    .leftJoin('organizer', 'organizer.id', 'state_position.organizer_id')
    .leftJoin('organizer as withdrawer', 'withdrawer.id', 'state_position.withdrawn_by')
    .selectAll('state_position')
    .select(['organizer.name as organizer_name', 'withdrawer.name as withdrawn_by_name'])
    .select((eb) =>
      eb
        .selectFrom('state_position_revision')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('state_position_revision.position_id', '=', 'state_position.id')
        .as('revisions'),
    )
    .where('state_position.state_iso3', '=', iso3)
    .orderBy('state_position.id', 'desc')
}

/** Every position recorded for a state, withdrawn ones too, the latest first. */
export async function findPositionHistory(db: Database, iso3: string, limit: number): Promise<PositionRow[]> {
  return (await positionsWithAuthors(db, iso3).limit(limit).execute()).map(withCount)
}

/** The state's latest position record not withdrawn. */
export async function findCurrentPosition(db: Database, iso3: string): Promise<PositionRow | undefined> {
  const row = await positionsWithAuthors(db, iso3)
    .where('state_position.withdrawn_at', 'is', null)
    .limit(1)
    .executeTakeFirst()
  return row && withCount(row)
}

// PostgreSQL's count(*) is a bigint, which pg hands over as a string.
function withCount<T extends { revisions: number | string | null }>(row: T): T & { revisions: number } {
  return { ...row, revisions: Number(row.revisions ?? 0) }
}

export interface ReplyCountRow {
  state_iso3: string
  state_name: string
  asked: number
  replied: number
  acknowledged: number
  no_reply: number
}

/**
 * Per state, the letters whose writers were asked "did the mission reply?" and what they
 * answered (letter.reply_answer: the latest answer, the same fact as the supporter's engagement,
 * written in the same transaction). States with no question asked are left out.
 * @NOTE read from the counters the letter triggers keep (migration 0006): 195 rows, however many
 * letters there are.
 */
export async function findReplyCounts(db: Database): Promise<ReplyCountRow[]> {
  return db
    .selectFrom('state_letter_stats')
    .innerJoin('state', 'state.iso3', 'state_letter_stats.state_iso3')
    .select([
      'state_letter_stats.state_iso3',
      'state.name as state_name',
      'state_letter_stats.reply_asked as asked',
      'state_letter_stats.reply_replied as replied',
      'state_letter_stats.reply_acknowledged as acknowledged',
      'state_letter_stats.reply_no_reply as no_reply',
    ])
    .where('state_letter_stats.reply_asked', '>', 0)
    .orderBy('state.name')
    .execute()
}
