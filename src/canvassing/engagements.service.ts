import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { EngagementKind, Position, ReplyAnswer } from '../db/schema.js'
import { getStateForLetters } from '../directory/index.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { ENGAGEMENT_KIND_LABELS, POSITION_LABELS } from '../lib/labels.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import { parseEngagementInput, parsePositionInput } from './engagement-input.js'
import * as repo from './engagements.repository.js'

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** How many engagements and positions a state's page lists. */
/** Entries a list holds unless told otherwise. */
export const LIST_LIMIT = 500

export interface EngagementDto {
  id: number
  iso3: string
  kind: EngagementKind
  occurredOn: string
  text: string
  source: 'organizer' | 'supporter'
  /** The organizer who logged it, 'Supporter' for a writer's answer, 'Command line' for the shell. */
  author: string
  /** The letter a supporter's answer is about. */
  letterReference: string | null
  createdAt: string
  /** Withdrawn by an organizer (kept, no longer counted), else null. */
  withdrawn: WithdrawalDto | null
  /** Changes made to it since it was logged (its history: corrections.service). */
  revisions: number
}

export interface WithdrawalDto {
  at: string
  by: string
  reason: string
}

export interface PositionDto {
  id: number
  iso3: string
  position: Position
  notedOn: string
  note: string
  author: string
  createdAt: string
  withdrawn: WithdrawalDto | null
  revisions: number
}

/** An organizer logs what happened with a state's mission (meeting, call, reply, note ...). */
export async function addEngagement(
  ctx: Ctx,
  actor: Actor,
  iso3: string,
  input: unknown,
): Promise<EngagementDto> {
  const parsed = parseEngagementInput(input, ctx.clock.today())
  const { code, name } = await existingState(ctx, iso3)
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  const { kind, occurredOn, text } = parsed.input
  const now = ctx.clock.nowIso()
  const id = await ctx.db.transaction().execute(async (trx) => {
    const id = await repo.insertEngagement(trx, {
      state_iso3: code,
      kind,
      occurred_on: occurredOn,
      text,
      source: 'organizer',
      organizer_id: actor.kind === 'organizer' ? actor.id : null,
      letter_id: null,
      created_at: now,
    })
    await recordAudit(trx, actor, now, {
      action: 'engagement.add',
      subjectType: 'state',
      subjectId: code,
      summary: `${ENGAGEMENT_KIND_LABELS[kind]}, ${name}, ${occurredOn}`,
      details: { engagementId: id, kind, occurredOn, text },
    })
    return id
  })
  const row = await repo.findEngagementById(ctx.db, id)
  if (!row) throw new Error(`engagement ${id} vanished after insert`)
  return toEngagementDto(row)
}

/** A state's engagements, newest first. */
export async function listEngagements(
  ctx: Ctx,
  iso3: string,
  options: { source?: 'organizer' | 'supporter'; limit?: number } = {},
): Promise<EngagementDto[]> {
  const { code } = await existingState(ctx, iso3)
  const rows = await repo.findEngagementsOfState(ctx.db, code, options.limit ?? LIST_LIMIT, options.source)
  return rows.map(toEngagementDto)
}

/** An organizer records where a state stands; the latest record is its current position. */
export async function setPosition(
  ctx: Ctx,
  actor: Actor,
  iso3: string,
  input: unknown,
): Promise<PositionDto> {
  const parsed = parsePositionInput(input, ctx.clock.today())
  const { code, name } = await existingState(ctx, iso3)
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  const { position, notedOn, note } = parsed.input
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findCurrentPosition(trx, code)
    const id = await repo.insertPosition(trx, {
      state_iso3: code,
      position,
      noted_on: notedOn,
      note,
      organizer_id: actor.kind === 'organizer' ? actor.id : null,
      created_at: now,
    })
    await recordAudit(trx, actor, now, {
      action: 'position.set',
      subjectType: 'state',
      subjectId: code,
      summary: `Position of ${name}: ${POSITION_LABELS[before?.position ?? 'unknown']} → ${POSITION_LABELS[position]}`,
      details: { positionId: id, from: before?.position ?? 'unknown', to: position, notedOn, note },
    })
  })
  const current = await repo.findCurrentPosition(ctx.db, code)
  if (!current) throw new Error(`position of ${code} vanished after insert`)
  return toPositionDto(current)
}

/** Every position recorded for the state, the current one first. */
export async function positionHistory(ctx: Ctx, iso3: string): Promise<PositionDto[]> {
  const { code } = await existingState(ctx, iso3)
  return (await repo.findPositionHistory(ctx.db, code, LIST_LIMIT)).map(toPositionDto)
}

/** The state's current position, or null while none was ever recorded (its position is unknown). */
export async function currentPosition(ctx: Ctx, iso3: string): Promise<PositionDto | null> {
  const { code } = await existingState(ctx, iso3)
  const row = await repo.findCurrentPosition(ctx.db, code)
  return row ? toPositionDto(row) : null
}

const ANSWER_KINDS: Record<ReplyAnswer, EngagementKind> = {
  replied: 'reply_received',
  acknowledged: 'acknowledgement',
  no_reply: 'no_reply_yet',
}

export interface SupporterAnswer {
  letterId: number
  iso3: string
  answer: ReplyAnswer
}

/**
 * Records a letter's writer's answer to "did the mission reply?" as the letter's engagement.
 * Pass the transaction that records the answer on the letter. @NOTE one engagement per letter
 * counts: answering again changes it, so a writer who changes their mind is not counted twice.
 * Once an organizer withdrew it, a new answer is a new engagement that counts again; the withdrawn
 * one stays in the log, struck out, with its history.
 */
export async function recordSupporterAnswer(ctx: Ctx, db: Database, answer: SupporterAnswer): Promise<void> {
  const fields = {
    kind: ANSWER_KINDS[answer.answer],
    occurred_on: ctx.clock.today(),
    created_at: ctx.clock.nowIso(),
  }
  const existing = await repo.findSupporterEngagementOfLetter(db, answer.letterId)
  if (existing) {
    await repo.updateEngagement(db, existing.id, fields)
    return
  }
  await repo.insertEngagement(db, {
    ...fields,
    state_iso3: answer.iso3,
    text: '',
    source: 'supporter',
    organizer_id: null,
    letter_id: answer.letterId,
  })
}

export interface ResponsivenessRow {
  iso3: string
  name: string
  /** Writers asked "did the mission reply?" (14 days after delivery). */
  asked: number
  answered: number
  replied: number
  acknowledged: number
  noReply: number
  /** (replied + acknowledged) / answered, 0..1; null while nobody answered. */
  replyRate: number | null
}

/** The replies table: per state, what the writers asked said about the mission's answers. */
export async function getResponsiveness(ctx: Pick<Ctx, 'db'>): Promise<ResponsivenessRow[]> {
  return (await repo.findReplyCounts(ctx.db)).map((row) => {
    const replied = Number(row.replied)
    const acknowledged = Number(row.acknowledged)
    const noReply = Number(row.no_reply)
    const answered = replied + acknowledged + noReply
    return {
      iso3: row.state_iso3,
      name: row.state_name,
      asked: Number(row.asked),
      answered,
      replied,
      acknowledged,
      noReply,
      replyRate: answered === 0 ? null : (replied + acknowledged) / answered,
    }
  })
}

/** The state's code if it is in the directory (members and observers), else a 404. */
export async function existingState(ctx: Ctx, iso3: string): Promise<{ code: string; name: string }> {
  // Checked at run time too: a route or script may hand over anything.
  const code = typeof iso3 === 'string' && /^[A-Za-z]{3}$/.test(iso3) ? iso3.toUpperCase() : null
  if (!code) throw new NotFoundError('There is no UN member or observer state with this code.')
  const { state } = await getStateForLetters(ctx, code)
  if (state.membership !== 'member' && state.membership !== 'observer')
    throw new NotFoundError(`No UN member or observer state has the code ${code}`)
  return { code: state.iso3, name: state.name }
}

function toEngagementDto(row: repo.EngagementListRow): EngagementDto {
  return {
    id: row.id,
    iso3: row.state_iso3,
    kind: row.kind,
    occurredOn: row.occurred_on,
    text: row.text,
    source: row.source,
    author: row.source === 'supporter' ? 'Supporter' : authorOf(row),
    letterReference: row.letter_reference,
    createdAt: row.created_at,
    withdrawn: withdrawalOf(row),
    revisions: row.revisions,
  }
}

function withdrawalOf(row: {
  withdrawn_at: string | null
  withdrawn_reason: string | null
  withdrawn_by_name: string | null
}): WithdrawalDto | null {
  if (!row.withdrawn_at) return null
  return {
    at: row.withdrawn_at,
    by: row.withdrawn_by_name ?? 'Command line',
    reason: row.withdrawn_reason ?? '',
  }
}

function toPositionDto(row: repo.PositionRow): PositionDto {
  return {
    id: row.id,
    iso3: row.state_iso3,
    position: row.position,
    notedOn: row.noted_on,
    note: row.note,
    author: authorOf(row),
    createdAt: row.created_at,
    withdrawn: withdrawalOf(row),
    revisions: row.revisions,
  }
}

function authorOf(row: { organizer_id: number | null; organizer_name: string | null }): string {
  return row.organizer_id === null ? 'Command line' : (row.organizer_name ?? 'Former organizer')
}
