import type { Insertable, Kysely } from 'kysely'
import type { DB, MissionEmailChangeRow, MissionEmailChangeTable } from '../db/schema.js'

// The queries of mission e-mail address changes waiting for approval (mission-email-changes.ts).

type Db = Kysely<DB>

export async function insertEmailChange(db: Db, row: Insertable<MissionEmailChangeTable>): Promise<number> {
  const result = await db
    .insertInto('mission_email_change')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow()
  return result.id
}

export function findEmailChange(db: Db, id: number): Promise<MissionEmailChangeRow | undefined> {
  return db.selectFrom('mission_email_change').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The open change of a mission, if any (at most one: a unique partial index). */
export function findPendingEmailChange(db: Db, iso3: string): Promise<MissionEmailChangeRow | undefined> {
  return db
    .selectFrom('mission_email_change')
    .selectAll()
    .where('state_iso3', '=', iso3)
    .where('status', '=', 'pending')
    .executeTakeFirst()
}

/** Open changes, oldest first, with the state's name. */
function pendingWithStateName(db: Db) {
  return db
    .selectFrom('mission_email_change')
    .innerJoin('state', 'state.iso3', 'mission_email_change.state_iso3')
    .selectAll('mission_email_change')
    .select('state.name as state_name')
    .where('mission_email_change.status', '=', 'pending')
    .orderBy('mission_email_change.id')
}

/** Every open change, oldest first, with the state's name. */
export function findPendingEmailChanges(db: Db) {
  return pendingWithStateName(db).execute()
}

/** Open changes nobody was e-mailed about yet. */
export function findUnnotifiedEmailChanges(db: Db) {
  return pendingWithStateName(db).where('mission_email_change.notified_at', 'is', null).execute()
}

/** Open changes whose delay has passed (only applied where the campaign has one admin). */
export function findDueEmailChanges(db: Db, now: string): Promise<MissionEmailChangeRow[]> {
  return db
    .selectFrom('mission_email_change')
    .selectAll()
    .where('status', '=', 'pending')
    .where('due_at', 'is not', null)
    .where('due_at', '<=', now)
    .orderBy('id')
    .execute()
}

export async function markEmailChangeNotified(db: Db, id: number, at: string, dueAt: string): Promise<void> {
  await db
    .updateTable('mission_email_change')
    .set({ notified_at: at, due_at: dueAt })
    .where('id', '=', id)
    .execute()
}

/** Closes an open change; false when it was no longer open (decided meanwhile). */
export async function closeEmailChange(
  db: Db,
  id: number,
  decision: {
    status: 'approved' | 'rejected' | 'superseded'
    decided_by: number | null
    decided_by_label: string
    decided_at: string
  },
): Promise<boolean> {
  const result = await db
    .updateTable('mission_email_change')
    .set(decision)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** How many admins can sign in: one admin means the delay rule, two or more a second admin. */
export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('organizer')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The addresses of the admins who can sign in, to tell them of a change. */
export async function findActiveAdminEmails(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('organizer')
    .select('email')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute()
  return rows.map((r) => r.email)
}
