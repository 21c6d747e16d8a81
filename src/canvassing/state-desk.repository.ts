import type { Database } from '../db/connection.js'
import type { LetterStatus, StateLetterStatsRow } from '../db/schema.js'

// The letters of one state as organizers list them. @NOTE a state may hold tens of thousands of
// letters: every query here reads one page through letter_state (state_iso3, created_at), never
// all of them, and counts come from state_letter_stats (kept by triggers), not from COUNT(*).

/** A letter as the organizers' list shows it: who wrote it and how far it got, not its text. */
export interface StateLetterRow {
  id: number
  public_id: string
  reference: string
  created_at: string
  template_id: string
  language: 'en' | 'fr' | 'es' | 'ar' | 'zh' | 'ru'
  status: LetterStatus
  channel: 'email' | null
  printed_at: string | null
  printed_delivered_at: string | null
  sent_at: string | null
  supporter_name: string
  supporter_organization: string | null
}

/**
 * One page of a state's letters, newest first (ties in creation time by id, newest first).
 * The offset is walked inside letter_state alone (it holds created_at and the rowid), and only
 * the page's rows are then read from the table: page 500 costs about what page 1 does.
 */
export async function findStateLettersPage(
  db: Database,
  iso3: string,
  page: { limit: number; offset: number },
): Promise<StateLetterRow[]> {
  return db
    .selectFrom('letter')
    .select([
      'id',
      'public_id',
      'reference',
      'created_at',
      'template_id',
      'language',
      'status',
      'channel',
      'printed_at',
      'printed_delivered_at',
      'sent_at',
      'supporter_name',
      'supporter_organization',
    ])
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('letter')
        .select('id')
        .where('state_iso3', '=', iso3)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

/** The state's letter counters, or undefined while no letter was ever written to it. */
export async function findStateLetterStats(
  db: Database,
  iso3: string,
): Promise<StateLetterStatsRow | undefined> {
  return db.selectFrom('state_letter_stats').selectAll().where('state_iso3', '=', iso3).executeTakeFirst()
}
