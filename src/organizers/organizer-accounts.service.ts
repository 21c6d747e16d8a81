import type { AppContext } from '../app-context.js'
import { withStartUpLock } from '../db/start-up-lock.js'
import { ConflictError, ForbiddenError, GoneError, NotFoundError, ValidationError } from '../lib/errors.js'
import { normalizeLineWithin } from '../lib/form-fields.js'
import { findTextProblem, isPlausibleEmail } from '../lib/text-safety.js'
import { hashToken, newLinkToken } from '../lib/tokens.js'
import { type Actor, recordAudit, SHELL_ACTOR } from './audit.repository.js'
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './organizer-password.js'
import {
  countActiveOrganizers,
  deleteSessionsOf,
  expireSetupInvites,
  findInviteByTokenHash,
  findOrganizerByEmail,
  findOrganizerById,
  insertInvite,
  insertOrganizer,
  listOpenInvites,
  listOrganizerRows,
  setOrganizerDisabled,
  useInvite,
} from './organizers.repository.js'
import { actorOf, type SignedInOrganizer, startSession } from './organizers.service.js'
import { can, isOrganizerRole, ORGANIZER_ROLES } from './permissions.js'

// Organizers' accounts: the first admin's setup link, invitations and the accounts they create,
// the team list, and disabling an account. Signing in and sessions are organizers.service.ts.

/** A setup link or invitation works for this long, once. */
export const INVITE_LIFETIME_MS = 72 * 60 * 60 * 1000
/** Setup links issued this close together come from instances started together: all stay valid. */
const SAME_START_MS = 2 * 60 * 1000

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString()

/** A link that creates one account; only the link holds the token (the database keeps its hash). */
export interface IssuedInvite {
  readonly url: string
  readonly expiresAt: string
}

function inviteUrl(ctx: Pick<AppContext, 'config'>, token: string): string {
  return `${ctx.config.publicUrl}/organizers/welcome/${token}`
}

/**
 * The first admin's setup link, while no organizer exists (null once one does). Each call ends
 * the links of earlier starts, so an old link in an old log stops working; links printed in the
 * same couple of minutes (several instances starting together, each printing its own) all work,
 * until one of them has made the first admin (acceptInvite ends the others).
 * @NOTE under the start-up lock: on PostgreSQL, sixteen instances issuing theirs at once had
 * their SERIALIZABLE transactions aborted past every retry, and an instance failed to start.
 */
export async function issueSetupLinkIfNeeded(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
): Promise<IssuedInvite | null> {
  return withStartUpLock(ctx.db, () => issueSetupLink(ctx))
}

function issueSetupLink(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>): Promise<IssuedInvite | null> {
  return ctx.db.transaction().execute(async (trx) => {
    if ((await countActiveOrganizers(trx)) > 0) return null
    const now = ctx.clock.nowIso()
    await expireSetupInvites(trx, now, plus(now, -SAME_START_MS))
    const { token, hash } = newLinkToken()
    const expiresAt = plus(now, INVITE_LIFETIME_MS)
    await insertInvite(trx, {
      token_hash: hash,
      role: 'admin',
      purpose: 'setup',
      note: 'first admin',
      created_by: null,
      created_at: now,
      expires_at: expiresAt,
    })
    return { url: inviteUrl(ctx, token), expiresAt }
  })
}

/** An invitation to join as `role`, by an admin (or from the shell: `npm run organizer:create`). */
export async function inviteOrganizer(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
  actor: Actor,
  input: { role: unknown; note?: unknown },
): Promise<IssuedInvite> {
  const errors: Record<string, string> = {}
  const role = isOrganizerRole(input.role) ? input.role : null
  if (!role) errors.role = `Choose a role: ${ORGANIZER_ROLES.join(', ')}.`
  const note = typeof input.note === 'string' ? normalizeLineWithin(input.note, 200) : ''
  if (input.note !== undefined && typeof input.note !== 'string') errors.note = 'The note must be text.'
  else if (note.length > 200) errors.note = 'Keep the note under 200 characters.'
  else if (findTextProblem(note, false)) errors.note = 'The note contains characters that cannot be used.'
  if (Object.keys(errors).length || !role) throw new ValidationError(errors)

  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.nowIso()
    const { token, hash } = newLinkToken()
    const expiresAt = plus(now, INVITE_LIFETIME_MS)
    const id = await insertInvite(trx, {
      token_hash: hash,
      role,
      purpose: 'invite',
      note: note || null,
      created_by: actor.kind === 'organizer' ? actor.id : null,
      created_at: now,
      expires_at: expiresAt,
    })
    await recordAudit(trx, actor, now, {
      action: 'organizer.invite',
      subjectType: 'invite',
      subjectId: String(id),
      summary: `Invited a new ${role}${note ? ` (${note})` : ''}`,
      details: { role },
    })
    return { url: inviteUrl(ctx, token), expiresAt }
  })
}

/** The invitation behind a link, or a clear reason it no longer works. */
export async function openInvite(ctx: Pick<AppContext, 'db' | 'clock'>, token: string) {
  const invite = /^[A-Za-z0-9_-]{43}$/.test(token)
    ? await findInviteByTokenHash(ctx.db, hashToken(token))
    : undefined
  if (!invite) throw new NotFoundError('This invitation link is not known. Ask an admin for a new one.')
  if (invite.used_at) throw new ConflictError('This invitation link has already been used. Sign in instead.')
  if (invite.expires_at <= ctx.clock.nowIso()) {
    throw new GoneError('This invitation link has expired. Ask an admin for a new one.')
  }
  return invite
}

export interface AccountInput {
  name: unknown
  email: unknown
  password: unknown
  passwordAgain: unknown
}

function validateAccount(input: AccountInput): { name: string; email: string; password: string } {
  const errors: Record<string, string> = {}
  const name = typeof input.name === 'string' ? normalizeLineWithin(input.name, 120) : ''
  if (!name) errors.name = 'Enter your name.'
  else if (name.length > 120) errors.name = 'Keep your name under 120 characters.'
  else if (findTextProblem(name, false)) errors.name = 'Your name contains characters that cannot be used.'
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : ''
  if (!isPlausibleEmail(email)) errors.email = 'Enter an e-mail address such as name@example.org.'
  const password = typeof input.password === 'string' ? input.password : ''
  if (password.length < PASSWORD_MIN_LENGTH) {
    errors.password = `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`
  } else if (password.length > PASSWORD_MAX_LENGTH) {
    errors.password = `Keep the password under ${PASSWORD_MAX_LENGTH} characters.`
  } else if (input.passwordAgain !== password) {
    errors.passwordAgain = 'The two passwords differ.'
  }
  if (Object.keys(errors).length) throw new ValidationError(errors)
  return { name, email, password }
}

/** Creates the account an invitation (or the setup link) is for, and signs it in. */
export async function acceptInvite(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
  token: string,
  input: AccountInput,
): Promise<{ organizer: SignedInOrganizer; sessionToken: string }> {
  // The link first: a dead one is answered at once, before scrypt's 32 MiB and ~100 ms are spent.
  await openInvite(ctx, token)
  const account = validateAccount(input)
  const passwordHash = await hashPassword(account.password)
  return ctx.db.transaction().execute(async (trx) => {
    // Again inside the transaction: another request may have used the link while we hashed.
    const invite = await openInvite({ db: trx, clock: ctx.clock }, token)
    const now = ctx.clock.nowIso()
    if (await findOrganizerByEmail(trx, account.email)) {
      throw new ValidationError({
        email: 'An organizer with this e-mail address exists already; sign in instead.',
      })
    }
    const id = await insertOrganizer(trx, {
      ...account,
      role: invite.role,
      password_hash: passwordHash,
      at: now,
    })
    if (!(await useInvite(trx, invite.id, id, now))) {
      throw new ConflictError('This invitation link has already been used. Sign in instead.')
    }
    // The first admin exists: every other setup link (another instance's) ends with this one.
    if (invite.purpose === 'setup') await expireSetupInvites(trx, now)
    const organizer: SignedInOrganizer = { id, name: account.name, email: account.email, role: invite.role }
    await recordAudit(trx, invite.created_by === null ? SHELL_ACTOR : actorOf(organizer), now, {
      action: 'organizer.join',
      subjectType: 'organizer',
      subjectId: String(id),
      summary: `${account.name} joined as ${invite.role} (${invite.purpose === 'setup' ? 'setup link' : 'invitation'})`,
    })
    const sessionToken = await startSession(trx, id, now)
    return { organizer, sessionToken }
  })
}

export async function listTeam(ctx: Pick<AppContext, 'db' | 'clock'>) {
  const [organizers, invites] = await Promise.all([
    listOrganizerRows(ctx.db),
    listOpenInvites(ctx.db, ctx.clock.nowIso()),
  ])
  return {
    organizers: organizers.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      createdAt: row.created_at,
      lastLoginAt: row.last_login_at,
      disabled: row.disabled_at !== null,
    })),
    invites,
  }
}

/** An admin disables or re-enables an account; a disabled organizer's sessions end at once. */
export async function setOrganizerActive(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: SignedInOrganizer,
  organizerId: number,
  active: boolean,
): Promise<void> {
  if (!can(actor.role, 'accounts.manage')) throw new ForbiddenError('Only admins can change accounts.')
  if (actor.id === organizerId)
    throw new ValidationError({ organizer: 'You cannot disable your own account.' })
  await ctx.db.transaction().execute(async (trx) => {
    const target = await findOrganizerById(trx, organizerId)
    if (!target) throw new NotFoundError('There is no such organizer.')
    const now = ctx.clock.nowIso()
    await setOrganizerDisabled(trx, organizerId, active ? null : now, now)
    if (!active) await deleteSessionsOf(trx, organizerId)
    await recordAudit(trx, actorOf(actor), now, {
      action: active ? 'organizer.enable' : 'organizer.disable',
      subjectType: 'organizer',
      subjectId: String(organizerId),
      summary: `${active ? 'Re-enabled' : 'Disabled'} the account of ${target.name}`,
    })
  })
}
