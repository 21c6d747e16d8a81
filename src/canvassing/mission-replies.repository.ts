import type { Insertable, Selectable } from 'kysely'
import type { Database } from '../db/connection.js'
import type { MissionReplyTable } from '../db/schema.js'

// The SQL of missions' replies, the letters they answer, the writers told, and the states whose
// position the public pages show.

/** What recording a reply needs of a letter (its writer's address only to tell them). */
export interface AnswerableLetter {
  id: number
  public_id: string
  reference: string
  state_iso3: string
  status: string
  supporter_email: string | null
  personal_data_removed_at: string | null
  created_at: string
  sent_at: string | null
  printed_at: string | null
}

const letterColumns = [
  'id',
  'public_id',
  'reference',
  'state_iso3',
  'status',
  'supporter_email',
  'personal_data_removed_at',
  'created_at',
  'sent_at',
  'printed_at',
] as const

export async function findLettersByReferences(
  db: Database,
  references: readonly string[],
): Promise<AnswerableLetter[]> {
  if (references.length === 0) return []
  return db.selectFrom('letter').select(letterColumns).where('reference', 'in', references).execute()
}

export async function findLetterByPublicId(
  db: Database,
  publicId: string,
): Promise<AnswerableLetter | undefined> {
  return db.selectFrom('letter').select(letterColumns).where('public_id', '=', publicId).executeTakeFirst()
}

/** A state's letters that reached its mission (e-mailed, or printed for the post), newest first. */
export async function findDeliveredLettersOfState(
  db: Database,
  iso3: string,
  limit: number,
): Promise<AnswerableLetter[]> {
  return db
    .selectFrom('letter')
    .select(letterColumns)
    .where('state_iso3', '=', iso3)
    .where((eb) => eb.or([eb('status', '=', 'sent'), eb('printed_at', 'is not', null)]))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

export async function insertReply(db: Database, row: Insertable<MissionReplyTable>): Promise<number> {
  const inserted = await db.insertInto('mission_reply').values(row).returning('id').executeTakeFirstOrThrow()
  return inserted.id
}

export async function insertReplyLetters(
  db: Database,
  replyId: number,
  letterIds: readonly number[],
): Promise<void> {
  await db
    .insertInto('mission_reply_letter')
    .values(letterIds.map((letter_id) => ({ reply_id: replyId, letter_id })))
    .execute()
}

/**
 * Marks the letters' writers as told of `replyId`; returns the letters not told before (whose
 * writers this reply tells). The primary key keeps a letter to one notice whatever runs at once.
 */
export async function claimReplyNotices(
  db: Database,
  replyId: number,
  letterIds: readonly number[],
  now: string,
): Promise<number[]> {
  if (letterIds.length === 0) return []
  const rows = await db
    .insertInto('letter_reply_notice')
    .values(letterIds.map((letter_id) => ({ letter_id, reply_id: replyId, queued_at: now })))
    .onConflict((oc) => oc.column('letter_id').doNothing())
    .returning('letter_id')
    .execute()
  return rows.map((row) => row.letter_id)
}

export type ReplyRow = Omit<Selectable<MissionReplyTable>, 'file_bytes'> & {
  /** When its "reply received" engagement was withdrawn (a reply recorded by mistake), else null. */
  withdrawn_at: string | null
}

/** A state's replies, newest received first, without their files' bytes. */
export async function findRepliesOfState(db: Database, iso3: string, limit: number): Promise<ReplyRow[]> {
  return db
    .selectFrom('mission_reply')
    .innerJoin('engagement', 'engagement.id', 'mission_reply.engagement_id')
    .select([
      'mission_reply.id',
      'mission_reply.state_iso3',
      'mission_reply.received_on',
      'mission_reply.channel',
      'mission_reply.summary',
      'mission_reply.position',
      'mission_reply.position_id',
      'mission_reply.engagement_id',
      'mission_reply.file_name',
      'mission_reply.file_type',
      'mission_reply.file_size',
      'mission_reply.recorded_by',
      'mission_reply.recorded_by_label',
      'mission_reply.recorded_at',
      'engagement.withdrawn_at',
    ])
    .where('mission_reply.state_iso3', '=', iso3)
    .orderBy('mission_reply.received_on', 'desc')
    .orderBy('mission_reply.id', 'desc')
    .limit(limit)
    .execute()
}

/** The references of the letters each reply answers. */
export async function findReferencesOfReplies(
  db: Database,
  replyIds: readonly number[],
): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>()
  if (replyIds.length === 0) return found
  const rows = await db
    .selectFrom('mission_reply_letter')
    .innerJoin('letter', 'letter.id', 'mission_reply_letter.letter_id')
    .select(['mission_reply_letter.reply_id', 'letter.reference'])
    .where('mission_reply_letter.reply_id', 'in', replyIds)
    .orderBy('letter.reference')
    .execute()
  for (const row of rows) found.set(row.reply_id, [...(found.get(row.reply_id) ?? []), row.reference])
  return found
}

export async function findReplyFile(
  db: Database,
  id: number,
): Promise<{ file_name: string; file_type: string; file_bytes: Buffer } | undefined> {
  const row = await db
    .selectFrom('mission_reply')
    .select(['file_name', 'file_type', 'file_bytes'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row?.file_name || !row.file_type || !row.file_bytes) return undefined
  return { file_name: row.file_name, file_type: row.file_type, file_bytes: Buffer.from(row.file_bytes) }
}

/** The states whose position the public pages show. */
export async function findPublishedPositionStates(db: Database): Promise<Set<string>> {
  const rows = await db.selectFrom('state_position_publication').select('state_iso3').execute()
  return new Set(rows.map((row) => row.state_iso3))
}

/** Shows (a row) or hides (no row) the state's position; true when that changed anything. */
export async function setPositionPublished(
  db: Database,
  iso3: string,
  published: boolean,
  by: number | null,
  now: string,
): Promise<boolean> {
  if (!published) {
    const result = await db
      .deleteFrom('state_position_publication')
      .where('state_iso3', '=', iso3)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }
  const rows = await db
    .insertInto('state_position_publication')
    .values({ state_iso3: iso3, published_at: now, published_by: by })
    .onConflict((oc) => oc.column('state_iso3').doNothing())
    .returning('state_iso3')
    .execute()
  return rows.length > 0
}
