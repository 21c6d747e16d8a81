import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import { NotFoundError } from '../lib/errors.js'
import { type Actor, recordAudit } from '../organizers/index.js'
import * as repo from './directory.repository.js'
import * as failures from './mission-email-failures.repository.js'

// A mission address that failed for good: refused by a mail server during the SMTP conversation,
// or bounced later (a delivery status notification read from the bounce mailbox). No new letter is
// e-mailed to it; where every address of a mission fails, its letters are printed and posted and
// the directory says so. The flag stays until the address is corrected (a new mission version
// without it: an edit, an approved change, an import) or an organizer says the mission confirmed
// it. Both are audited.

const fold = (email: string) => email.trim().toLowerCase()

/** A mission's addresses split: those letters may go to, and those that fail. */
export function splitMissionEmails(
  emails: readonly string[],
  failing: ReadonlySet<string>,
): { usable: string[]; failing: string[] } {
  return {
    usable: emails.filter((email) => !failing.has(fold(email))),
    failing: emails.filter((email) => failing.has(fold(email))),
  }
}

/** The flagged addresses of a state's mission, folded to lower case. */
export async function failingEmailsOf(db: Database, iso3: string): Promise<Set<string>> {
  const rows = await failures.findFailuresOfState(db, iso3)
  return new Set(rows.map((row) => fold(row.email)))
}

/**
 * Flags a mission's addresses that failed for good, with the server's words (delivery calls it
 * for a hard bounce; `response` is shown to organizers).
 */
export async function flagFailingMissionEmails(
  db: Database,
  iso3: string,
  emails: readonly string[],
  at: string,
  response: string,
): Promise<void> {
  for (const email of emails) await failures.upsertFailure(db, { email, iso3, at, response })
}

/** The states whose mission has addresses, every one of them failing: their letters go by post. */
export async function findBouncingStates(db: Database): Promise<Set<string>> {
  const byState = new Map<string, Set<string>>()
  for (const row of await failures.findAllFailures(db)) {
    const set = byState.get(row.state_iso3) ?? new Set<string>()
    set.add(fold(row.email))
    byState.set(row.state_iso3, set)
  }
  const bouncing = new Set<string>()
  for (const [iso3, failing] of byState) {
    if (await everyAddressFails(db, iso3, failing)) bouncing.add(iso3)
  }
  return bouncing
}

/** True when the state's mission has addresses and every one fails. */
export async function isMissionEmailBouncing(db: Database, iso3: string): Promise<boolean> {
  const failing = await failingEmailsOf(db, iso3)
  return failing.size > 0 && everyAddressFails(db, iso3, failing)
}

async function everyAddressFails(db: Database, iso3: string, failing: ReadonlySet<string>): Promise<boolean> {
  const mission = await repo.findCurrentMission(db, iso3)
  const emails = mission ? (JSON.parse(mission.emails) as string[]) : []
  return emails.length > 0 && splitMissionEmails(emails, failing).usable.length === 0
}

/**
 * After a new mission version (in its transaction): the flags of addresses it no longer has are
 * cleared, each audited. The mission's address was corrected; a flag on an address it keeps stays.
 */
export async function clearFailuresOfDroppedEmails(
  trx: Database,
  actor: Actor,
  now: string,
  change: { iso3: string; before: readonly string[]; after: readonly string[] },
): Promise<void> {
  const kept = new Set(change.after.map(fold))
  const dropped = new Set(change.before.map(fold).filter((email) => !kept.has(email)))
  if (dropped.size === 0) return
  const rows = await failures.findFailuresOfState(trx, change.iso3)
  const cleared = await failures.deleteFailures(
    trx,
    rows.filter((row) => dropped.has(fold(row.email))).map((row) => row.email),
  )
  for (const row of cleared) {
    await recordAudit(trx, actor, now, {
      action: 'mission.email_failure_clear',
      subjectType: 'state',
      subjectId: change.iso3,
      summary: `The failing address ${row.email} of ${change.iso3} was replaced: its flag is cleared`,
      details: {
        email: row.email,
        since: row.first_failed_at,
        lastResponse: row.last_response,
        now: change.after,
      },
    })
  }
}

/**
 * An organizer says the mission confirmed the address: the flag is cleared (audited) and letters
 * are e-mailed to it again. Answers the state's code.
 */
export async function confirmMissionEmail(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  email: string,
): Promise<string> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const [row] = await failures.deleteFailures(trx, [email])
    if (!row) throw new NotFoundError('This address is not flagged as failing (any more).')
    await recordAudit(trx, actor, now, {
      action: 'mission.email_confirm',
      subjectType: 'state',
      subjectId: row.state_iso3,
      summary: `Confirmed the address ${row.email} of ${row.state_iso3} with the mission: letters are e-mailed to it again`,
      details: { email: row.email, since: row.first_failed_at, lastResponse: row.last_response },
    })
    return row.state_iso3
  })
}

export interface MissionEmailFailure {
  email: string
  iso3: string
  stateName: string
  firstFailedAt: string
  lastFailedAt: string
  lastResponse: string
  /** The directory still lists the address for the mission (else it was replaced already). */
  current: boolean
  /** Every address of the mission fails: its letters are printed and posted. */
  bouncing: boolean
}

/** Every failing address, for organizers (the outbox page). */
export async function listMissionEmailFailures(db: Database): Promise<MissionEmailFailure[]> {
  const [rows, bouncing] = await Promise.all([failures.findAllFailures(db), findBouncingStates(db)])
  const missions = new Map<string, Set<string>>()
  for (const iso3 of new Set(rows.map((row) => row.state_iso3))) {
    const mission = await repo.findCurrentMission(db, iso3)
    missions.set(iso3, new Set(mission ? (JSON.parse(mission.emails) as string[]).map(fold) : []))
  }
  return rows.map((row) => ({
    email: row.email,
    iso3: row.state_iso3,
    stateName: row.state_name,
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
    lastResponse: row.last_response,
    current: missions.get(row.state_iso3)?.has(fold(row.email)) ?? false,
    bouncing: bouncing.has(row.state_iso3),
  }))
}
