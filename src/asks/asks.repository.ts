import type { Kysely } from 'kysely'
import type { AskRow, AskTextLanguage, AskUpdate, DB, NewAskRow } from '../db/schema.js'

// Repositories take the database (or a transaction) first and hold all of the asks' SQL.
type Db = Kysely<DB>

/** Every ask, oldest first (the first ask, made by migration 0019, leads). */
export async function findAsks(db: Db): Promise<AskRow[]> {
  return db.selectFrom('ask').selectAll().orderBy('id').execute()
}

export async function findAsk(db: Db, id: number): Promise<AskRow | undefined> {
  return db.selectFrom('ask').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The hand-picked states of each `state_list` ask, by ask id. */
export async function findAskStates(db: Db): Promise<Map<number, string[]>> {
  const rows = await db.selectFrom('ask_state').selectAll().orderBy('state_iso3').execute()
  const byAsk = new Map<number, string[]>()
  for (const row of rows) byAsk.set(row.ask_id, [...(byAsk.get(row.ask_id) ?? []), row.state_iso3])
  return byAsk
}

export async function insertAsk(db: Db, row: NewAskRow, states: readonly string[]): Promise<AskRow> {
  const ask = await db.insertInto('ask').values(row).returningAll().executeTakeFirstOrThrow()
  if (states.length > 0)
    await db
      .insertInto('ask_state')
      .values(states.map((state_iso3) => ({ ask_id: ask.id, state_iso3 })))
      .execute()
  return ask
}

/** Changes an ask's columns, and makes its hand-picked states exactly `states`. */
export async function updateAskRow(
  db: Db,
  id: number,
  row: AskUpdate,
  states: readonly string[],
): Promise<AskRow> {
  const ask = await db
    .updateTable('ask')
    .set(row)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await db.deleteFrom('ask_state').where('ask_id', '=', id).execute()
  if (states.length > 0)
    await db
      .insertInto('ask_state')
      .values(states.map((state_iso3) => ({ ask_id: id, state_iso3 })))
      .execute()
  return ask
}

export interface AskLetterCount {
  ask_id: number
  state_iso3: string
  written: number
}

/**
 * Letters per ask and state, from the counters the triggers of migration 0019 keep: at most a row
 * per ask and state, whatever the number of letters.
 */
export async function findAskLetterCounts(db: Db): Promise<AskLetterCount[]> {
  const rows = await db
    .selectFrom('ask_letter_stats')
    .select(['ask_id', 'state_iso3', 'written'])
    .where('written', '>', 0)
    .execute()
  // PostgreSQL's integers come back as numbers already; SQLite's too: Number() keeps both honest.
  return rows.map((r) => ({ ask_id: r.ask_id, state_iso3: r.state_iso3, written: Number(r.written) }))
}

/** An ask's moderation (migration 0024). */
export async function setAskModerationRow(
  db: Db,
  id: number,
  moderation: AskRow['moderation'],
  now: string,
): Promise<void> {
  await db.updateTable('ask').set({ moderation, updated_at: now }).where('id', '=', id).execute()
}

/** An ask's title and purpose in the languages it was given in besides its own. */
export type AskTexts = Partial<Record<AskTextLanguage, { title: string; purpose: string }>>

/** Every ask's texts in other languages (migration 0025), by ask id. */
export async function findAskTexts(db: Db): Promise<Map<number, AskTexts>> {
  const rows = await db.selectFrom('ask_text').selectAll().orderBy('ask_id').orderBy('language').execute()
  const byAsk = new Map<number, AskTexts>()
  for (const row of rows)
    byAsk.set(row.ask_id, {
      ...byAsk.get(row.ask_id),
      [row.language]: { title: row.title, purpose: row.purpose },
    })
  return byAsk
}

/** Makes an ask's texts in other languages exactly `texts`. */
export async function replaceAskTexts(db: Db, id: number, texts: AskTexts): Promise<void> {
  await db.deleteFrom('ask_text').where('ask_id', '=', id).execute()
  const rows = Object.entries(texts).map(([language, text]) => ({
    ask_id: id,
    language: language as AskTextLanguage,
    title: text.title,
    purpose: text.purpose,
  }))
  if (rows.length > 0) await db.insertInto('ask_text').values(rows).execute()
}
