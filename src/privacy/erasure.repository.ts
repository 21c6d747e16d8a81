import { type Selectable, sql } from 'kysely'
import type { Database } from '../db/connection.js'
import { engineOf } from '../db/engine.js'
import type { ErasureRequestTable, MemberRow, OutboxMessageRow, SiteLanguageCode } from '../db/schema.js'

// The queries of erasure. Besides its own table (erasure_request) and members, erasure reaches
// into the outbox and the delivery log: a person's address sits in messages' recipients, in
// payloads and in mail servers' answers. Letters are the letters module's (letter-redaction.ts).

export type ErasureRequestRow = Selectable<ErasureRequestTable>

export async function insertErasureRequest(
  db: Database,
  row: { token_hash: string; email: string; requested_at: string; expires_at: string },
): Promise<ErasureRequestRow> {
  return db
    .insertInto('erasure_request')
    .values({ ...row, completed_at: null })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Records an ask from the form: the one write the request makes, whatever the address. */
export async function insertErasureAsk(
  db: Database,
  email: string,
  at: string,
  language: SiteLanguageCode,
): Promise<void> {
  await db.insertInto('erasure_ask').values({ email, asked_at: at, site_language: language }).execute()
}

/** The asks waiting for the outbox pass, oldest first. */
export async function findErasureAsks(
  db: Database,
  limit: number,
): Promise<{ id: number; email: string; site_language: SiteLanguageCode }[]> {
  return db
    .selectFrom('erasure_ask')
    .select(['id', 'email', 'site_language'])
    .orderBy('id')
    .limit(limit)
    .execute()
}

export async function deleteErasureAsk(db: Database, id: number): Promise<void> {
  await db.deleteFrom('erasure_ask').where('id', '=', id).execute()
}

export async function findErasureRequestByTokenHash(
  db: Database,
  hash: string,
): Promise<ErasureRequestRow | undefined> {
  return db.selectFrom('erasure_request').selectAll().where('token_hash', '=', hash).executeTakeFirst()
}

/** The latest link asked for this address since `since`, still unused. */
export async function findRecentErasureRequest(
  db: Database,
  email: string,
  since: string,
): Promise<ErasureRequestRow | undefined> {
  return db
    .selectFrom('erasure_request')
    .selectAll()
    .where('email', '=', email)
    .where('requested_at', '>=', since)
    .where('completed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Every request for this address but `exceptId`: used up, and the address forgotten. */
export async function closeOtherErasureRequests(
  db: Database,
  email: string,
  exceptId: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('erasure_request')
    .set({ email: null, completed_at: sql<string>`coalesce(completed_at, ${at})` })
    .where('email', '=', email)
    .where('id', '!=', exceptId)
    .execute()
}

export async function completeErasureRequest(db: Database, id: number, at: string): Promise<void> {
  await db.updateTable('erasure_request').set({ completed_at: at }).where('id', '=', id).execute()
}

export async function forgetErasureAddress(db: Database, id: number): Promise<void> {
  await db.updateTable('erasure_request').set({ email: null }).where('id', '=', id).execute()
}

/** Completed requests still holding their address: their files were not all deleted yet. */
export async function findUnfinishedErasures(db: Database): Promise<ErasureRequestRow[]> {
  return db
    .selectFrom('erasure_request')
    .selectAll()
    .where('completed_at', 'is not', null)
    .where('email', 'is not', null)
    .orderBy('id')
    .limit(50)
    .execute()
}

/** Unused links past their time that still hold their address. */
export async function findExpiredErasureRequests(db: Database, now: string): Promise<ErasureRequestRow[]> {
  return db
    .selectFrom('erasure_request')
    .selectAll()
    .where('completed_at', 'is', null)
    .where('email', 'is not', null)
    .where('expires_at', '<=', now)
    .orderBy('id')
    .limit(200)
    .execute()
}

/** Member rows of this address (stored lower-cased; `variants` are its lower-cased forms). */
export async function findMembersByEmails(db: Database, variants: string[]): Promise<MemberRow[]> {
  return db.selectFrom('member').selectAll().where('email', 'in', variants).execute()
}

export async function eraseMember(db: Database, id: number, at: string): Promise<void> {
  await db
    .updateTable('member')
    .set({
      status: 'erased',
      email: null,
      name: null,
      country: null,
      organization_name: null,
      organization_kind: null,
      website: null,
      helps: '[]',
      consent_updates: 0,
      consent_version: null,
      consent_at: null,
      confirm_token_hash: null,
      confirm_expires_at: null,
      erased_at: at,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute()
}

export type OutboxTrace = Pick<
  OutboxMessageRow,
  | 'id'
  | 'kind'
  | 'status'
  | 'recipients'
  | 'payload'
  | 'last_response'
  | 'message_id'
  | 'letter_id'
  | 'member_id'
>

/**
 * Outbox messages that may hold the address: those of the given letters and members, and any
 * whose recipients, payload or last answer contain `folded` (lower-cased; the caller checks the
 * exact match). @NOTE reads the whole outbox: erasure is rare, and an address can be anywhere.
 */
export async function findOutboxTraces(
  db: Database,
  folded: string,
  letterIds: number[],
  memberIds: number[],
): Promise<OutboxTrace[]> {
  const { rows } = await sql<OutboxTrace>`
    select id, kind, status, recipients, payload, last_response, message_id, letter_id, member_id
    from outbox_message
    where letter_id in (${inList(letterIds)}) or member_id in (${inList(memberIds)})
      or ${position(db)}(lower(recipients), ${folded}) > 0
      or ${position(db)}(lower(coalesce(payload, '')), ${folded}) > 0
      or ${position(db)}(lower(coalesce(last_response, '')), ${folded}) > 0
    order by id`.execute(db)
  return rows
}

export async function findMessageIds(db: Database, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('outbox_message').select('message_id').where('id', 'in', ids).execute()
  return rows.map((row) => row.message_id)
}

export async function scrubOutboxMessage(
  db: Database,
  id: number,
  patch: Partial<
    Pick<OutboxMessageRow, 'recipients' | 'payload' | 'last_response' | 'status' | 'updated_at'>
  >,
): Promise<void> {
  await db.updateTable('outbox_message').set(patch).where('id', '=', id).execute()
}

/**
 * Bounces recorded for the address (a writer's copy or a member's e-mail that came back): the row
 * is about nobody else, so it goes. Returns how many.
 */
export async function deleteBouncesOf(db: Database, folded: string): Promise<number> {
  const result = await db
    .deleteFrom('bounce')
    .where(sql<string>`lower(email)`, '=', folded)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Other bounces whose diagnostic quotes `folded` (lower-cased). */
export async function findBouncesMentioning(
  db: Database,
  folded: string,
): Promise<{ id: number; diagnostic: string }[]> {
  const { rows } = await sql<{ id: number; diagnostic: string }>`
    select id, diagnostic from bounce
    where diagnostic is not null and ${position(db)}(lower(diagnostic), ${folded}) > 0`.execute(db)
  return rows
}

export async function setBounceDiagnostic(db: Database, id: number, diagnostic: string): Promise<void> {
  await db.updateTable('bounce').set({ diagnostic }).where('id', '=', id).execute()
}

/** Mail servers' answers that contain `folded` (lower-cased). */
export async function findAttemptsMentioning(
  db: Database,
  folded: string,
): Promise<{ id: number; response: string }[]> {
  const { rows } = await sql<{ id: number; response: string }>`
    select id, response from delivery_attempt
    where response is not null and ${position(db)}(lower(response), ${folded}) > 0`.execute(db)
  return rows
}

export async function setAttemptResponse(db: Database, id: number, response: string): Promise<void> {
  await db.updateTable('delivery_attempt').set({ response }).where('id', '=', id).execute()
}

/** The answers writers gave about their letters carry no text; made sure of, as erasure promises. */
export async function clearSupporterEngagementTexts(db: Database, letterIds: number[]): Promise<number> {
  if (letterIds.length === 0) return 0
  const result = await db
    .updateTable('engagement')
    .set({ text: '' })
    .where('letter_id', 'in', letterIds)
    .where('source', '=', 'supporter')
    .where('text', '!=', '')
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Erasure links sent to this exact address (JSON recipients list of one). */
export async function findErasureLinkMessages(db: Database, email: string): Promise<OutboxTrace[]> {
  return db
    .selectFrom('outbox_message')
    .select([
      'id',
      'kind',
      'status',
      'recipients',
      'payload',
      'last_response',
      'message_id',
      'letter_id',
      'member_id',
    ])
    .where('kind', '=', 'erasure_link')
    .where('recipients', '=', JSON.stringify([email]))
    .execute()
}

// `in ()` is not SQL: an empty list becomes one id that no row has.
function inList(ids: number[]) {
  return sql.join(ids.length > 0 ? ids : [-1])
}

/** Where a text starts inside another (1-based, 0: absent): SQLite's instr, PostgreSQL's strpos. */
function position(db: Database) {
  return sql.raw(engineOf(db) === 'postgres' ? 'strpos' : 'instr')
}

/**
 * The writer's words an organizer took out of their letters at review (migration 0024): erased
 * with the letters. Why the letter was held and what was decided stay, as the engagements do.
 */
export async function clearReviewRemovedLines(db: Database, letterIds: number[]): Promise<number> {
  if (letterIds.length === 0) return 0
  const result = await db
    .updateTable('letter_review')
    .set({ removed_lines: null })
    .where('letter_id', 'in', letterIds)
    .where('removed_lines', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
