import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { CouncilTermChangeAction, SecurityCouncilSeatRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import type { FieldErrors } from '../lib/form-fields.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import { type CouncilTermInput, parseCouncilTermInput, parseNoteOnly } from './council-term-input.js'
import * as repo from './council-terms.repository.js'
import * as directoryRepo from './directory.repository.js'

// The Security Council's elected terms, kept by organizers (/organizers/council): each year the
// General Assembly elects five members for the next two years, and someone must enter them. The
// rules: a UN member state, not a permanent member, no two terms of one state overlapping, at
// most ten elected seats in any year. A correction or a removal keeps what was there before
// (council_term_change) and every change is audited in its transaction.
// @NOTE a correction deletes the term and inserts the corrected one: seat ids only grow, so the
// directory's fingerprint (findDirectoryFingerprint) sees the change and its pages are rebuilt.

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** The Charter's number of elected seats (Article 23, as amended in 1965). */
export const ELECTED_SEATS = 10
/** Elected seats plus the five permanent ones. */
export const COUNCIL_SIZE = 15
/** Where a term entered on the organizers' page comes from (the seed's read the seed file's name). */
export const ORGANIZERS_SOURCE = 'organizers'

const ADD_NOTE = 'Where this comes from'
const FIX_NOTE = 'What was wrong'

/** A term as the organizers' page lists it. */
export interface ElectedTermView {
  id: number
  iso3: string
  stateName: string
  firstYear: number
  lastYear: number
  fromSeed: boolean
}

/** A refusal that needs the database (overlap, a full year, not a member): a 409 naming the field. */
export class CouncilTermConflictError extends ConflictError {
  readonly errors: FieldErrors

  constructor(errors: FieldErrors) {
    super(Object.values(errors)[0] ?? 'The term conflicts with the terms on record.')
    this.errors = errors
  }

  get field(): string | undefined {
    return Object.keys(this.errors)[0]
  }
}

/** Every elected term on record, latest first. */
export async function listElectedTerms(ctx: Pick<AppContext, 'db'>): Promise<ElectedTermView[]> {
  return (await repo.findElectedTerms(ctx.db)).map((t) => ({
    id: t.id,
    iso3: t.state_iso3,
    stateName: t.state_name,
    firstYear: t.term_start_year,
    lastYear: t.term_end_year ?? t.term_start_year,
    fromSeed: t.source !== ORGANIZERS_SOURCE,
  }))
}

/** How many elected seats are on record in each of `years`. */
export async function countElectedSeats(ctx: Pick<AppContext, 'db'>, years: readonly number[]) {
  const terms = await repo.findElectedTermsBetween(ctx.db, Math.min(...years), Math.max(...years))
  return years.map((year) => ({ year, elected: terms.filter((t) => holds(t, year)).length }))
}

/** The changes organizers made to terms, newest first. */
export async function listTermChanges(ctx: Pick<AppContext, 'db'>, limit = 100) {
  return repo.findTermChanges(ctx.db, limit)
}

/** Adds an elected term (state, first and last year, where it comes from). Audited. */
export async function addCouncilTerm(ctx: Ctx, actor: Actor, raw: unknown): Promise<SecurityCouncilSeatRow> {
  const input = parse(ctx, raw, ADD_NOTE)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const name = await assertTermFits(trx, input)
    const added = await repo.insertSeat(trx, seatOf(input))
    await record(trx, actor, now, 'add', null, added, input.note)
    await recordAudit(trx, actor, now, {
      action: 'council_term.add',
      subjectType: 'state',
      subjectId: input.iso3,
      summary: `Added ${name}'s elected Security Council term ${span(added)}`,
      details: { after: termOf(added), source: input.note },
    })
    return added
  })
}

/** Replaces a mistaken elected term by the corrected one, keeping the mistaken one in the history. */
export async function correctCouncilTerm(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
): Promise<SecurityCouncilSeatRow> {
  const input = parse(ctx, raw, FIX_NOTE)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireElectedTerm(trx, id)
    const name = await assertTermFits(trx, input, id)
    await repo.deleteSeat(trx, id)
    const after = await repo.insertSeat(trx, seatOf(input))
    await record(trx, actor, now, 'correct', before, after, input.note)
    await recordAudit(trx, actor, now, {
      action: 'council_term.correct',
      subjectType: 'state',
      subjectId: input.iso3,
      summary: `Corrected the elected Security Council term ${before.state_iso3} ${span(before)} to ${name} ${span(after)}`,
      details: { before: termOf(before), after: termOf(after), reason: input.note },
    })
    return after
  })
}

/** Removes a term entered by mistake; the history keeps it, with why. */
export async function removeCouncilTerm(ctx: Ctx, actor: Actor, id: number, raw: unknown): Promise<void> {
  const parsed = parseNoteOnly(raw, FIX_NOTE)
  if ('errors' in parsed) throw new ValidationError(parsed.errors, 'The term was not removed.')
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const before = await requireElectedTerm(trx, id)
    await repo.deleteSeat(trx, id)
    await record(trx, actor, now, 'remove', before, null, parsed.note)
    await recordAudit(trx, actor, now, {
      action: 'council_term.remove',
      subjectType: 'state',
      subjectId: before.state_iso3,
      summary: `Removed the elected Security Council term ${before.state_iso3} ${span(before)}`,
      details: { before: termOf(before), reason: parsed.note },
    })
  })
}

function parse(ctx: Ctx, raw: unknown, noteLabel: string): CouncilTermInput {
  const parsed = parseCouncilTermInput(raw, Number(ctx.clock.today().slice(0, 4)), noteLabel)
  if ('errors' in parsed) throw new ValidationError(parsed.errors, 'The term was not saved.')
  return parsed.input
}

/** The rules that need the database; the state's name when the term fits. */
async function assertTermFits(db: Database, input: CouncilTermInput, exceptId?: number): Promise<string> {
  const state = await directoryRepo.findStateByIso3(db, input.iso3)
  if (state?.membership !== 'member')
    throw new CouncilTermConflictError({
      state: `${state?.name ?? input.iso3} is not a UN member state: only member states sit on the Council.`,
    })
  const seats = await directoryRepo.findCouncilSeatsOfState(db, input.iso3)
  if (seats.some((s) => s.seat === 'permanent'))
    throw new CouncilTermConflictError({
      state: `${state.name} is a permanent member: its seat has no term to enter.`,
    })
  const clash = seats.find((s) => s.id !== exceptId && overlaps(s, input.firstYear, input.lastYear))
  if (clash)
    throw new CouncilTermConflictError({
      firstYear: `${state.name} already holds the elected term ${span(clash)}, which overlaps ${input.firstYear}–${input.lastYear}: correct that term instead.`,
    })
  const others = (await repo.findElectedTermsBetween(db, input.firstYear, input.lastYear)).filter(
    (t) => t.id !== exceptId,
  )
  for (const [field, year] of [
    ['firstYear', input.firstYear],
    ['lastYear', input.lastYear],
  ] as const) {
    const holders = others.filter((t) => holds(t, year))
    if (holders.length >= ELECTED_SEATS)
      throw new CouncilTermConflictError({
        [field]: `${year} already has ${ELECTED_SEATS} elected members (${holders
          .map((t) => t.state_iso3)
          .sort()
          .join(', ')}): correct or remove the mistaken one first.`,
      })
  }
  return state.name
}

async function requireElectedTerm(db: Database, id: number): Promise<SecurityCouncilSeatRow> {
  const row = await repo.findSeatById(db, id)
  if (!row) throw new NotFoundError('There is no such Council term: it may have been corrected or removed.')
  if (row.seat !== 'elected')
    throw new CouncilTermConflictError({ state: 'The permanent members’ seats are kept as they are.' })
  return row
}

function record(
  db: Database,
  actor: Actor,
  at: string,
  action: CouncilTermChangeAction,
  before: SecurityCouncilSeatRow | null,
  after: SecurityCouncilSeatRow | null,
  reason: string,
) {
  return repo.insertTermChange(db, {
    at,
    action,
    organizer_id: actor.kind === 'organizer' ? actor.id : null,
    actor_label: actorLabel(actor),
    reason,
    before_iso3: before?.state_iso3 ?? null,
    before_first_year: before?.term_start_year ?? null,
    before_last_year: before?.term_end_year ?? null,
    before_source: before?.source ?? null,
    after_iso3: after?.state_iso3 ?? null,
    after_first_year: after?.term_start_year ?? null,
    after_last_year: after?.term_end_year ?? null,
  })
}

function seatOf(input: CouncilTermInput) {
  return {
    state_iso3: input.iso3,
    seat: 'elected' as const,
    term_start_year: input.firstYear,
    term_end_year: input.lastYear,
    source: ORGANIZERS_SOURCE,
  }
}

const holds = (t: SecurityCouncilSeatRow, year: number) =>
  t.term_start_year <= year && (t.term_end_year === null || t.term_end_year >= year)
const overlaps = (t: SecurityCouncilSeatRow, first: number, last: number) =>
  t.term_start_year <= last && (t.term_end_year === null || t.term_end_year >= first)
const span = (t: SecurityCouncilSeatRow) => `${t.term_start_year}–${t.term_end_year ?? ''}`
const termOf = (t: SecurityCouncilSeatRow) => ({
  iso3: t.state_iso3,
  firstYear: t.term_start_year,
  lastYear: t.term_end_year,
  source: t.source,
})
