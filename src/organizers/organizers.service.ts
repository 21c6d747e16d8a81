import type { AppContext } from '../app-context.js'
import type { OrganizerRole } from '../db/schema.js'
import { hashToken, newLinkToken } from '../lib/tokens.js'
import type { Actor } from './audit.repository.js'
import { decoyHash, PASSWORD_MAX_LENGTH, verifyPassword } from './organizer-password.js'
import {
  deleteSession,
  extendSession,
  findLiveSession,
  findOrganizerByEmail,
  insertSession,
  touchLastLogin,
} from './organizers.repository.js'

// Who is signed in: signing in and out, and the session a cookie holds. Accounts, invitations
// and the team are organizer-accounts.service.ts.

const HOUR = 60 * 60 * 1000
/** A session ends after this long without a request (sliding), and never lasts longer than 30 days. */
export const SESSION_IDLE_MS = 7 * 24 * HOUR
const SESSION_MAX_MS = 30 * 24 * HOUR
// The session's expiry moves forward at most this often: not one write per page view.
const SESSION_TOUCH_MS = 15 * 60 * 1000

/** Who is signed in, as routes and templates see it. */
export interface SignedInOrganizer {
  readonly id: number
  readonly name: string
  readonly email: string
  readonly role: OrganizerRole
}

export function actorOf(organizer: SignedInOrganizer): Actor {
  return { kind: 'organizer', id: organizer.id, name: organizer.name }
}

/** A new session for the organizer (in the caller's transaction, if any): its token, for the cookie. */
export async function startSession(db: AppContext['db'], organizerId: number, now: string): Promise<string> {
  const { token, hash } = newLinkToken()
  await insertSession(db, {
    token_hash: hash,
    organizer_id: organizerId,
    created_at: now,
    expires_at: new Date(Date.parse(now) + SESSION_IDLE_MS).toISOString(),
  })
  await touchLastLogin(db, organizerId, now)
  return token
}

/** Checks an e-mail and password; a session token when they match an active organizer, else null. */
export async function signIn(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  email: unknown,
  password: unknown,
): Promise<{ organizer: SignedInOrganizer; sessionToken: string } | null> {
  const address = typeof email === 'string' ? email.trim().toLowerCase() : ''
  const secret = typeof password === 'string' ? password.slice(0, PASSWORD_MAX_LENGTH + 1) : ''
  const row = address ? await findOrganizerByEmail(ctx.db, address) : undefined
  // The same work whether or not the address is known: timing tells nothing about who has an account.
  const matches = await verifyPassword(secret, row?.password_hash ?? (await decoyHash()))
  if (!row || !matches || row.disabled_at) return null
  const sessionToken = await startSession(ctx.db, row.id, ctx.clock.nowIso())
  return { organizer: { id: row.id, name: row.name, email: row.email, role: row.role }, sessionToken }
}

/** The organizer a session cookie belongs to, or null; keeps an active session alive. */
export async function organizerForSession(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  token: string,
): Promise<SignedInOrganizer | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
  const hash = hashToken(token)
  const now = ctx.clock.nowIso()
  const session = await findLiveSession(ctx.db, hash, now)
  if (!session) return null
  if (Date.parse(now) - Date.parse(session.last_seen_at) > SESSION_TOUCH_MS) {
    const expiresMs = Math.min(
      Date.parse(now) + SESSION_IDLE_MS,
      Date.parse(session.created_at) + SESSION_MAX_MS,
    )
    await extendSession(ctx.db, hash, now, new Date(expiresMs).toISOString())
  }
  return { id: session.id, name: session.name, email: session.email, role: session.role }
}

export async function signOut(ctx: Pick<AppContext, 'db'>, token: string): Promise<void> {
  if (/^[A-Za-z0-9_-]{43}$/.test(token)) await deleteSession(ctx.db, hashToken(token))
}
