import type { Kysely } from 'kysely'
import type { AppContext } from '../app-context.js'
import type { AskModeration, DB } from '../db/schema.js'
import { NotFoundError, ValidationError } from '../lib/errors.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import * as repo from './asks.repository.js'

// An ask's moderation (migration 0024): whether its e-mailed letters are read before they go.
// Delivery applies it at confirmation; organizers set it on the ask's edit page.

export const ASK_MODERATION_CHOICES: readonly AskModeration[] = ['none', 'first_time', 'all']

export const ASK_MODERATION_LABELS: Record<AskModeration, string> = {
  none: 'Send without review',
  first_time: 'Hold first-time writers’ letters for review',
  all: 'Hold every letter with a personal paragraph for review',
}

/** The moderation of the ask `askId`; 'none' for a letter with no ask (or an ask gone). */
export async function askModerationOf(db: Kysely<DB>, askId: number | null): Promise<AskModeration> {
  if (askId === null) return 'none'
  return (await repo.findAsk(db, askId))?.moderation ?? 'none'
}

/** Sets an ask's moderation, audited with what it was; 400 naming `moderation`, 404 naming the id. */
export async function setAskModeration(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  askId: number,
  moderation: unknown,
): Promise<AskModeration> {
  if (typeof moderation !== 'string' || !(ASK_MODERATION_CHOICES as readonly string[]).includes(moderation))
    throw new ValidationError({ moderation: `Choose one of: ${ASK_MODERATION_CHOICES.join(', ')}` })
  const chosen = moderation as AskModeration
  const now = ctx.clock.nowIso()
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findAsk(trx, askId)
    if (!before) throw new NotFoundError(`There is no ask with the id ${askId}`)
    if (before.moderation === chosen) return
    await repo.setAskModerationRow(trx, askId, chosen, now)
    await recordAudit(trx, actor, now, {
      action: 'ask.moderation',
      subjectType: 'ask',
      subjectId: String(askId),
      summary: `Moderation of the ask “${before.title}”: ${ASK_MODERATION_LABELS[chosen].toLowerCase()}`,
      details: { before: before.moderation, after: chosen },
    })
  })
  return chosen
}
