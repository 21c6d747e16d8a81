import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import { newMessageId } from '../lib/tokens.js'
import { outboxRepository } from '../outbox/index.js'
import * as repo from './delivery.repository.js'

// A mission's daily cap (MISSION_DAILY_CAP letters a day, later ones wait for the next day) and,
// in MAIL_MODE=digest, one e-mail a day per mission with all its letters bound in one PDF.

type Ctx = Pick<AppContext, 'clock' | 'config' | 'outbox'>

const DAY = 86_400_000

/** The first day, from today, on which the mission has had fewer letters than the daily cap. */
export async function firstDayUnderCap(ctx: Ctx, db: Database, iso3: string): Promise<string> {
  let day = ctx.clock.today()
  for (let i = 0; i < 366; i++) {
    if ((await repo.countMissionMessagesOnDay(db, iso3, day)) < ctx.config.mail.missionDailyCap) return day
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10)
  }
  return day
}

/** Today's digest for the mission, created if needed ("collecting"); it goes once the day is over. */
export async function addToDigest(
  ctx: Ctx,
  db: Database,
  iso3: string,
  recipients: string[],
): Promise<number> {
  const today = ctx.clock.today()
  const key = `${iso3} ${today}`
  const existing = await repo.findDigest(db, key)
  if (existing) return existing.id
  const now = ctx.clock.nowIso()
  const row = await outboxRepository.insertOutboxMessage(db, {
    kind: 'digest',
    status: 'collecting',
    letter_id: null,
    state_iso3: iso3,
    digest_key: key,
    recipients: JSON.stringify(recipients),
    message_id: newMessageId(ctx.outbox.messageIdDomain),
    attempts: 0,
    send_day: today,
    next_attempt_at: new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString(),
    payload: null,
    last_response: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  })
  return row.id
}

/** The periodic job: digests still gathering letters whose day is over are queued. */
export async function queueDigestsDue(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  return repo.queueDigestsBefore(ctx.db, ctx.clock.today(), ctx.clock.nowIso())
}
