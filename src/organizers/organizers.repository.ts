import type { Kysely } from 'kysely'
import type { DB, OrganizerRole, OrganizerRow } from '../db/schema.js'

export async function countActiveOrganizers(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('organizer')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findOrganizerByEmail(db: Kysely<DB>, email: string): Promise<OrganizerRow | undefined> {
  return db.selectFrom('organizer').selectAll().where('email', '=', email).executeTakeFirst()
}

export function findOrganizerById(db: Kysely<DB>, id: number): Promise<OrganizerRow | undefined> {
  return db.selectFrom('organizer').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listOrganizerRows(db: Kysely<DB>): Promise<OrganizerRow[]> {
  return db.selectFrom('organizer').selectAll().orderBy('name').execute()
}

export async function insertOrganizer(
  db: Kysely<DB>,
  values: { email: string; name: string; role: OrganizerRole; password_hash: string; at: string },
): Promise<number> {
  const row = await db
    .insertInto('organizer')
    .values({
      email: values.email,
      name: values.name,
      role: values.role,
      password_hash: values.password_hash,
      created_at: values.at,
      updated_at: values.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function setOrganizerDisabled(
  db: Kysely<DB>,
  id: number,
  at: string | null,
  now: string,
): Promise<void> {
  await db.updateTable('organizer').set({ disabled_at: at, updated_at: now }).where('id', '=', id).execute()
}

export async function touchLastLogin(db: Kysely<DB>, id: number, at: string): Promise<void> {
  await db.updateTable('organizer').set({ last_login_at: at }).where('id', '=', id).execute()
}

// Invitations and the first admin's setup link.

export async function insertInvite(
  db: Kysely<DB>,
  values: {
    token_hash: string
    role: OrganizerRole
    purpose: 'setup' | 'invite'
    note: string | null
    created_by: number | null
    created_at: string
    expires_at: string
  },
): Promise<number> {
  const row = await db.insertInto('organizer_invite').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export function findInviteByTokenHash(db: Kysely<DB>, tokenHash: string) {
  return db.selectFrom('organizer_invite').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/** Marks an invitation used, once: false when another request used it first. */
export async function useInvite(
  db: Kysely<DB>,
  id: number,
  organizerId: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('organizer_invite')
    .set({ used_at: at, used_by: organizerId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Ends unused setup links issued before `issuedBefore` (all of them without it). */
export async function expireSetupInvites(db: Kysely<DB>, at: string, issuedBefore?: string): Promise<void> {
  let query = db
    .updateTable('organizer_invite')
    .set({ expires_at: at })
    .where('purpose', '=', 'setup')
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
  if (issuedBefore) query = query.where('created_at', '<', issuedBefore)
  await query.execute()
}

export function listOpenInvites(db: Kysely<DB>, now: string) {
  return db
    .selectFrom('organizer_invite')
    .leftJoin('organizer', 'organizer.id', 'organizer_invite.created_by')
    .select([
      'organizer_invite.id',
      'organizer_invite.role',
      'organizer_invite.note',
      'organizer_invite.created_at',
      'organizer_invite.expires_at',
      'organizer.name as created_by_name',
    ])
    .where('organizer_invite.used_at', 'is', null)
    .where('organizer_invite.expires_at', '>', now)
    .orderBy('organizer_invite.id', 'desc')
    .execute()
}

// Sessions: only the token's hash is stored.

export async function insertSession(
  db: Kysely<DB>,
  values: { token_hash: string; organizer_id: number; created_at: string; expires_at: string },
): Promise<void> {
  await db
    .insertInto('organizer_session')
    .values({ ...values, last_seen_at: values.created_at })
    .execute()
}

/** The session and its organizer, if the session is live and the organizer not disabled. */
export function findLiveSession(db: Kysely<DB>, tokenHash: string, now: string) {
  return db
    .selectFrom('organizer_session')
    .innerJoin('organizer', 'organizer.id', 'organizer_session.organizer_id')
    .select([
      'organizer_session.token_hash',
      'organizer_session.last_seen_at',
      'organizer_session.created_at',
      'organizer_session.expires_at',
      'organizer.id',
      'organizer.name',
      'organizer.email',
      'organizer.role',
    ])
    .where('organizer_session.token_hash', '=', tokenHash)
    .where('organizer_session.expires_at', '>', now)
    .where('organizer.disabled_at', 'is', null)
    .executeTakeFirst()
}

export async function extendSession(
  db: Kysely<DB>,
  tokenHash: string,
  seenAt: string,
  expiresAt: string,
): Promise<void> {
  await db
    .updateTable('organizer_session')
    .set({ last_seen_at: seenAt, expires_at: expiresAt })
    .where('token_hash', '=', tokenHash)
    .execute()
}

export async function deleteSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('organizer_session').where('token_hash', '=', tokenHash).execute()
}

export async function deleteSessionsOf(db: Kysely<DB>, organizerId: number): Promise<void> {
  await db.deleteFrom('organizer_session').where('organizer_id', '=', organizerId).execute()
}
