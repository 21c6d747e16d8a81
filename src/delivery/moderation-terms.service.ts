import type { AppContext } from '../app-context.js'
import type { ModerationTermRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { normalizeNfkc } from '../lib/text-safety.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import * as repo from './moderation.repository.js'
import { normalizeForMatching } from './moderation-rules.js'

// The list of words and phrases that always holds an e-mailed letter for review, whatever its
// ask's moderation. Each addition and removal is audited.

const MAX_TERM = 100

export function listTerms(ctx: Pick<AppContext, 'db'>): Promise<ModerationTermRow[]> {
  return repo.findTerms(ctx.db)
}

/** Adds a term; 400 naming `term` when empty or too long, 409 when listed already (in any case). */
export async function addTerm(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  raw: unknown,
): Promise<ModerationTermRow> {
  const term = typeof raw === 'string' ? normalizeNfkc(raw).replace(/\s+/gu, ' ').trim() : ''
  if (term === '') throw new ValidationError({ term: 'Give a word or phrase' })
  if ([...term].length > MAX_TERM)
    throw new ValidationError({ term: `A term is at most ${MAX_TERM} characters` })
  const normalized = normalizeForMatching(term)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    if (await repo.findTermByNormalized(trx, normalized))
      throw new ConflictError(`“${term}” is on the list already.`)
    const row = await repo.insertTerm(trx, {
      term,
      normalized,
      added_by: actor.kind === 'organizer' ? actor.id : null,
      added_by_label: actorLabel(actor),
      added_at: now,
    })
    await recordAudit(trx, actor, now, {
      action: 'moderation.term.add',
      subjectType: 'moderation_term',
      subjectId: String(row.id),
      summary: `Added “${term}” to the words that hold a letter for review`,
      details: { term },
    })
    return row
  })
}

/** Removes a term; 404 naming the id when there is none. */
export async function removeTerm(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  id: number,
): Promise<ModerationTermRow> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.deleteTerm(trx, id)
    if (!row) throw new NotFoundError(`There is no listed term with the id ${id}`)
    await recordAudit(trx, actor, now, {
      action: 'moderation.term.remove',
      subjectType: 'moderation_term',
      subjectId: String(id),
      summary: `Removed “${row.term}” from the words that hold a letter for review`,
      details: { term: row.term, addedBy: row.added_by_label, addedAt: row.added_at },
    })
    return row
  })
}
