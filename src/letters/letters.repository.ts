import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import { indexedBy } from '../db/engine.js'
import type { DB, LetterRow, NewLetterRow } from '../db/schema.js'

type Db = Kysely<DB>

export async function insertLetter(db: Db, row: NewLetterRow): Promise<LetterRow> {
  return db.insertInto('letter').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateLetter(
  db: Db,
  id: number,
  patch: Partial<Omit<LetterRow, 'id' | 'public_id' | 'reference' | 'created_at'>>,
): Promise<LetterRow> {
  return db.updateTable('letter').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export async function findLetterByPublicId(db: Db, publicId: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirst()
}

export async function referenceExists(db: Db, reference: string): Promise<boolean> {
  const row = await db.selectFrom('letter').select('id').where('reference', '=', reference).executeTakeFirst()
  return row !== undefined
}

/**
 * The latest letter written from this address to the state, of any template and language, for a
 * follow-up to refer to. `folded` is the address lower-cased in ASCII (`foldEmail`), as SQLite's
 * lower() folds it: the address is matched whatever case each letter was written with, and the
 * terms repeat the partial index letter_supporter_email_lower's (migration 0009). `before`, the
 * follow-up itself when it is rewritten: only letters written before it, never itself.
 */
export async function findLatestLetterFrom(
  db: Db,
  iso3: string,
  folded: string,
  before?: { id: number; createdAt: string },
): Promise<LetterRow | undefined> {
  let query = db
    .selectFrom('letter')
    .selectAll()
    .where('supporter_email', 'is not', null)
    .where(sql<string>`lower(supporter_email)`, '=', folded)
    .where('state_iso3', '=', iso3)
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    )
  }
  // Letters written in the same millisecond: the one inserted last is the latest.
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()
}

/**
 * Letters written from each address, keyed by the address folded as `foldEmail` folds it (absent:
 * none). `folded` are folded so already: SQLite's lower() folds ASCII letters only, the same rule.
 * @NOTE the terms repeat the partial index letter_supporter_email_lower's (migration 0009), and
 * SQLite takes at most 32,766 parameters per statement, so many addresses are asked in slices.
 */
export async function countLettersByFoldedEmails(
  db: Db,
  folded: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (let i = 0; i < folded.length; i += 5000) {
    const slice = folded.slice(i, i + 5000)
    const { rows } = await sql<{ email: string; n: number }>`
      select lower(supporter_email) as email, count(*) as n
      from letter ${indexedBy(db, 'letter_supporter_email_lower')}
      where lower(supporter_email) in (${sql.join(slice)}) and supporter_email is not null
      group by lower(supporter_email)`.execute(db)
    for (const row of rows) counts.set(row.email, Number(row.n))
  }
  return counts
}

/** Letters per state, of one template or all (states with none are absent). */
export async function countLettersByState(db: Db, templateId?: string): Promise<Map<string, number>> {
  let query = db.selectFrom('letter').select(['state_iso3', (eb) => eb.fn.countAll<number>().as('n')])
  if (templateId) query = query.where('template_id', '=', templateId)
  const rows = await query.groupBy('state_iso3').execute()
  return new Map(rows.map((r) => [r.state_iso3, Number(r.n)]))
}

export interface LetterFilter {
  iso3s?: string[]
  templateId?: string
  /** ISO timestamps, inclusive from, exclusive to. */
  from?: string
  to?: string
  /** Written within this ask (migration 0019's letter.ask_id). */
  askId?: number
}

function whereMatches<O>(query: SelectQueryBuilder<DB, 'letter', O>, filter: LetterFilter) {
  let q = query
  if (filter.iso3s && filter.iso3s.length > 0) q = q.where('state_iso3', 'in', filter.iso3s)
  if (filter.templateId) q = q.where('template_id', '=', filter.templateId)
  if (filter.from) q = q.where('created_at', '>=', filter.from)
  if (filter.to) q = q.where('created_at', '<', filter.to)
  if (filter.askId !== undefined) q = q.where('ask_id', '=', filter.askId)
  return q
}

/** One page of letters after `afterId`, in id order: batch printing walks them page by page. */
export async function findLettersPage(
  db: Db,
  filter: LetterFilter,
  afterId: number,
  limit: number,
): Promise<LetterRow[]> {
  const query = whereMatches(db.selectFrom('letter').selectAll(), filter)
  return query.where('id', '>', afterId).orderBy('id').limit(limit).execute()
}

export async function countLetters(db: Db, filter: LetterFilter): Promise<number> {
  const query = whereMatches(
    db.selectFrom('letter').select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  )
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function markPrinted(db: Db, id: number, at: string): Promise<void> {
  await db
    .updateTable('letter')
    .set({ printed_at: at })
    .where('id', '=', id)
    .where('printed_at', 'is', null)
    .execute()
}

/**
 * Changes a letter only if it is in one of `from`; returns whether it was. No read first, nothing
 * returned: the outbox moves a letter at every handover.
 */
export async function updateLetterIfIn(
  db: Db,
  id: number,
  from: readonly LetterRow['status'][],
  patch: Partial<Omit<LetterRow, 'id' | 'public_id' | 'reference' | 'created_at'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('letter')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Moves the letters among `moves` that are in one of the states `from` to `to` in one statement,
 * each with its own Message-ID when it is given (a letter sent); returns the ids moved.
 */
export async function updateLettersIfIn(
  db: Db,
  moves: readonly { id: number; messageId?: string }[],
  from: readonly LetterRow['status'][],
  to: LetterRow['status'],
  now: string,
  sentAt: string | null,
): Promise<Set<number>> {
  if (moves.length === 0) return new Set()
  const ids = sql.join(moves.map((m) => m.id))
  const withIds = moves.filter((m) => m.messageId !== undefined)
  const messageIds =
    withIds.length === 0
      ? sql``
      : sql`, message_id = case id ${sql.join(
          withIds.map((m) => sql`when ${m.id} then ${m.messageId}`),
          sql` `,
        )} else message_id end`
  const { rows } = await sql<{ id: number }>`
    update letter set status = ${to}, updated_at = ${now}
      ${sentAt === null ? sql`` : sql`, sent_at = ${sentAt}`} ${messageIds}
    where id in (${ids}) and status in (${sql.join(from)})
    returning id`.execute(db)
  return new Set(rows.map((row) => Number(row.id)))
}

/** The addresses the writers of these letters gave, by letter id (a letter with none is left out). */
export async function findSupporterEmails(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('letter')
    .select(['id', 'supporter_email'])
    .where('id', 'in', ids)
    .where('supporter_email', 'is not', null)
    .execute()
  return new Map(rows.map((row) => [row.id, row.supporter_email as string]))
}

export async function findLetterById(db: Db, id: number): Promise<LetterRow | undefined> {
  return db.selectFrom('letter').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findLetterByTokenHash(db: Db, hash: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letter').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst()
}

/** Letters from one e-mail address to one state, newest first. */
export async function findLettersFrom(db: Db, iso3: string, email: string): Promise<LetterRow[]> {
  return db
    .selectFrom('letter')
    .selectAll()
    .where('state_iso3', '=', iso3)
    .where('supporter_email', '=', email)
    .orderBy('created_at', 'desc')
    .execute()
}

/**
 * Letters waiting for their writer that need something done: asked before `remindBefore` and
 * not yet reminded, or whose link expired by `now`.
 */
export async function findAwaitingConfirmation(
  db: Db,
  remindBefore: string,
  now: string,
): Promise<LetterRow[]> {
  return db
    .selectFrom('letter')
    .selectAll()
    .where('status', '=', 'awaiting_confirmation')
    .where((eb) =>
      eb.or([
        eb.and([eb('confirm_requested_at', '<=', remindBefore), eb('reminded_at', 'is', null)]),
        eb('confirm_expires_at', '<=', now),
      ]),
    )
    .orderBy('id')
    .execute()
}

/** The letters a digest message carries. */
export async function findLettersByOutboxId(db: Db, outboxId: number): Promise<LetterRow[]> {
  return db.selectFrom('letter').selectAll().where('outbox_id', '=', outboxId).orderBy('id').execute()
}

export async function findLetterByReference(db: Db, reference: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letter').selectAll().where('reference', '=', reference).executeTakeFirst()
}
