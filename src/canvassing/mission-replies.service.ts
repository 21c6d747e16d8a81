import type { AppContext } from '../app-context.js'
import type { Position, ReplyChannel } from '../db/schema.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { POSITION_LABELS } from '../lib/labels.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import { insertEngagement, insertPosition } from './engagements.repository.js'
import { existingState } from './engagements.service.js'
import * as repo from './mission-replies.repository.js'
import {
  type MissionReplyInput,
  parseMissionReplyInput,
  REPLY_CHANNEL_LABELS,
} from './mission-reply-input.js'

// A mission's reply, recorded against the letters it answers: one transaction logs it as the
// state's "reply received" engagement (it canvasses the state), adds the position it states to the
// state's history, and queues one e-mail per letter whose writer was never told; the outbox sends
// them after the commit. @NOTE a writer who gave no address, or whose data was erased, gets nothing.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'outbox'>

/** Letters the page offers for a state, newest first. */
export const STATE_LETTERS_OFFERED = 100

export interface MissionReplyDto {
  id: number
  iso3: string
  receivedOn: string
  channel: ReplyChannel
  summary: string
  position: Position | null
  positionId: number | null
  letters: string[]
  file: { name: string; type: string; size: number } | null
  recordedBy: string
  recordedAt: string
  /** Writers this reply told (the others were told before, gave no address, or were erased). */
  writersTold: number
  /** Its "reply received" engagement was withdrawn: recorded by mistake, no longer counted. */
  withdrawn: boolean
}

/** Records a reply found by its letters' reference codes (the organizers' page). */
export async function recordMissionReply(ctx: Ctx, actor: Actor, raw: unknown): Promise<MissionReplyDto> {
  const parsed = parseMissionReplyInput(raw, ctx.clock.today())
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  const letters = await repo.findLettersByReferences(ctx.db, parsed.input.references)
  const found = new Set(letters.map((l) => l.reference))
  const unknown = parsed.input.references.filter((r) => !found.has(r))
  if (unknown.length > 0)
    throw new ValidationError({ letters: `No letter has the reference ${unknown.slice(0, 3).join(', ')}.` })
  return record(ctx, actor, parsed.input, letters)
}

/** Records a reply to one letter, by its public id (the JSON API); 404 for no such letter. */
export async function recordReplyToLetter(
  ctx: Ctx,
  actor: Actor,
  publicId: string,
  raw: unknown,
): Promise<MissionReplyDto> {
  const letter = await repo.findLetterByPublicId(ctx.db, publicId)
  if (!letter) throw new NotFoundError('There is no letter with this id.')
  const parsed = parseMissionReplyInput(raw, ctx.clock.today(), false)
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  return record(ctx, actor, { ...parsed.input, references: [letter.reference] }, [letter])
}

async function record(
  ctx: Ctx,
  actor: Actor,
  input: MissionReplyInput,
  letters: repo.AnswerableLetter[],
): Promise<MissionReplyDto> {
  const states = [...new Set(letters.map((l) => l.state_iso3))]
  if (states.length !== 1)
    throw new ValidationError({
      letters: `A reply comes from one mission: these letters went to ${states.join(', ')}.`,
    })
  const { code, name } = await existingState(ctx, states[0] as string)
  const now = ctx.clock.nowIso()
  const organizerId = actor.kind === 'organizer' ? actor.id : null
  const label = actor.kind === 'organizer' ? actor.name : 'Command line'
  const references = letters.map((l) => l.reference).sort()
  const { id, positionId, told } = await ctx.db.transaction().execute(async (trx) => {
    const engagementId = await insertEngagement(trx, {
      state_iso3: code,
      kind: 'reply_received',
      occurred_on: input.receivedOn,
      text: input.summary,
      source: 'organizer',
      organizer_id: organizerId,
      // The letters it answers are the reply's own (mission_reply_letter): a letter's engagement is
      // its writer's answer to "did the mission reply?" (engagements.repository.ts).
      letter_id: null,
      created_at: now,
    })
    const positionId =
      input.position === null
        ? null
        : await insertPosition(trx, {
            state_iso3: code,
            position: input.position,
            noted_on: input.receivedOn,
            note: `Stated in the reply to ${references.join(', ')}`.slice(0, 2000),
            organizer_id: organizerId,
            created_at: now,
          })
    const id = await repo.insertReply(trx, {
      state_iso3: code,
      received_on: input.receivedOn,
      channel: input.channel,
      summary: input.summary,
      position: input.position,
      position_id: positionId,
      engagement_id: engagementId,
      file_name: input.file?.name ?? null,
      file_type: input.file?.type ?? null,
      file_size: input.file?.size ?? null,
      file_bytes: input.file?.bytes ?? null,
      recorded_by: organizerId,
      recorded_by_label: label,
      recorded_at: now,
    })
    await repo.insertReplyLetters(
      trx,
      id,
      letters.map((l) => l.id),
    )
    const reachable = letters.filter((l) => l.supporter_email && !l.personal_data_removed_at)
    const claimed = new Set(
      await repo.claimReplyNotices(
        trx,
        id,
        reachable.map((l) => l.id),
        now,
      ),
    )
    for (const letter of reachable.filter((l) => claimed.has(l.id)))
      await ctx.outbox.queue(trx, {
        kind: 'reply_notice',
        letterId: letter.id,
        recipients: [letter.supporter_email as string],
        payload: { receivedOn: input.receivedOn },
      })
    await recordAudit(trx, actor, now, {
      action: 'reply.record',
      subjectType: 'state',
      subjectId: code,
      summary: `${REPLY_CHANNEL_LABELS[input.channel]} reply from ${name}, received ${input.receivedOn}, to ${references.length} ${references.length === 1 ? 'letter' : 'letters'}${input.position ? `; position ${POSITION_LABELS[input.position]}` : ''}`,
      details: {
        replyId: id,
        letters: references,
        channel: input.channel,
        receivedOn: input.receivedOn,
        position: input.position,
        file: input.file ? { name: input.file.name, type: input.file.type, size: input.file.size } : null,
        writersTold: claimed.size,
      },
    })
    return { id, positionId, told: claimed.size }
  })
  // @NOTE after the commit: the e-mails are sent by the outbox, never inside the transaction.
  if (told > 0) ctx.outbox.wake()
  return {
    id,
    iso3: code,
    receivedOn: input.receivedOn,
    channel: input.channel,
    summary: input.summary,
    position: input.position,
    positionId,
    letters: references,
    file: input.file ? { name: input.file.name, type: input.file.type, size: input.file.size } : null,
    recordedBy: label,
    recordedAt: now,
    writersTold: told,
    withdrawn: false,
  }
}

/** A state's replies, newest first, each with the letters it answers. */
export async function listStateReplies(ctx: Pick<Ctx, 'db'>, iso3: string): Promise<MissionReplyDto[]> {
  const rows = await repo.findRepliesOfState(ctx.db, iso3.toUpperCase(), 200)
  const references = await repo.findReferencesOfReplies(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => ({
    id: row.id,
    iso3: row.state_iso3,
    receivedOn: row.received_on,
    channel: row.channel,
    summary: row.summary,
    position: row.position,
    positionId: row.position_id,
    letters: references.get(row.id) ?? [],
    file:
      row.file_name && row.file_type
        ? { name: row.file_name, type: row.file_type, size: row.file_size ?? 0 }
        : null,
    recordedBy: row.recorded_by_label,
    recordedAt: row.recorded_at,
    writersTold: 0,
    withdrawn: row.withdrawn_at !== null,
  }))
}

/** A reply's attached file, to download; 404 when there is none. */
export async function getReplyFile(ctx: Pick<Ctx, 'db'>, id: number) {
  const file = Number.isSafeInteger(id) ? await repo.findReplyFile(ctx.db, id) : undefined
  if (!file) throw new NotFoundError('This reply has no attached file.')
  return { name: file.file_name, type: file.file_type, bytes: file.file_bytes }
}

/** The letters the page offers to pick from: one by its reference, or a state's delivered ones. */
export async function findLettersToAnswer(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  query: string,
): Promise<{ iso3: string | null; letters: repo.AnswerableLetter[] }> {
  const q = query.trim().toUpperCase()
  if (/^CB-[A-Z0-9]{6}$/.test(q)) {
    const letters = await repo.findLettersByReferences(ctx.db, [q])
    return { iso3: letters[0]?.state_iso3 ?? null, letters }
  }
  if (/^[A-Z]{3}$/.test(q)) {
    const { code } = await existingState(ctx, q)
    return {
      iso3: code,
      letters: await repo.findDeliveredLettersOfState(ctx.db, code, STATE_LETTERS_OFFERED),
    }
  }
  throw new ValidationError({
    q: 'Give a letter’s reference code (CB-XXXXXX) or a state’s three-letter code (e.g. FRA).',
  })
}

/** Which states' positions the public pages may show. */
export async function publishedPositionStates(ctx: Pick<Ctx, 'db'>): Promise<ReadonlySet<string>> {
  return repo.findPublishedPositionStates(ctx.db)
}

/** Shows or hides a state's position on the public pages, audited when it changes anything. */
export async function setStatePositionPublished(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  actor: Actor,
  iso3: string,
  published: boolean,
): Promise<{ iso3: string; published: boolean }> {
  const { code, name } = await existingState(ctx, iso3)
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const by = actor.kind === 'organizer' ? actor.id : null
    if (!(await repo.setPositionPublished(trx, code, published, by, now))) return
    await recordAudit(trx, actor, now, {
      action: published ? 'position.publish' : 'position.unpublish',
      subjectType: 'state',
      subjectId: code,
      summary: `${published ? 'Published' : 'Unpublished'} the position of ${name} on the public pages`,
      details: { published },
    })
  })
  return { iso3: code, published }
}
