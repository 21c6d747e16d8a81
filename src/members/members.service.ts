import type { AppContext } from '../app-context.js'
import type { Database } from '../db/connection.js'
import type { MemberKind, MemberRow, MemberStatus } from '../db/schema.js'
import { DEFAULT_LANGUAGE, english, type SiteLanguage, type Translate } from '../i18n/index.js'
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../lib/errors.js'
import type { InputNotice } from '../lib/source-code.js'
import { hashToken, newLinkToken, newPublicId } from '../lib/tokens.js'
import { CONSENT_VERSION, consentWording } from './consent.js'
import type { CountLettersByAddress } from './letter-counts.js'
import { type MemberRequest, parseJoinForm } from './member-input.js'
import * as repo from './members.repository.js'
import { memberPageUrl } from './unsubscribe-links.js'

// Joining the campaign: a request (the join form, or the offer on the letter form), a link
// e-mailed to the address, and a membership that is active only once that link is used.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'outbox'>

const DAY = 86_400_000
export const MEMBER_CONFIRMATION_DAYS = 7
const TOKEN = /^[A-Za-z0-9_-]{43}$/
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/

/** A membership as its member sees it from their own link, and as organizers' lists show it. */
export interface MemberView {
  publicId: string
  kind: MemberKind
  status: MemberStatus
  /** The person, or the organization's contact person. */
  name: string | null
  organizationName: string | null
  organizationKind: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
  website: string | null
  helps: string[]
  source: 'join_form' | 'letter'
  consent: { given: boolean; version: string | null; at: string | null; wording: string | null }
  joinedAt: string
  confirmedAt: string | null
  unsubscribedAt: string | null
  /** Letters written from the member's address, whenever they were written. */
  letters: number
}

/**
 * Someone asks to join from the join form (`raw` is the form, or the same fields as JSON); throws
 * a ValidationError naming every field at fault, in `t`'s language. A `source` that is not valid
 * is no fault: it is left out, and `notices` says so.
 */
export async function joinCampaign(
  ctx: Ctx,
  raw: unknown,
  t: Translate = english,
  language: SiteLanguage = DEFAULT_LANGUAGE,
): Promise<{ notices: InputNotice[] }> {
  const parsed = parseJoinForm(raw, t)
  if ('errors' in parsed) throw new ValidationError(parsed.errors)
  await requestMembership(ctx, parsed.request, 'join_form', language)
  return { notices: parsed.notices }
}

/**
 * A letter's writer ticked "join the campaign": a membership for the letter's name, country and
 * address, with consent to updates (the offer's wording is the consent's). `source`: the letter's
 * (getLetterInput gives it), already checked.
 */
export async function joinFromLetter(
  ctx: Ctx,
  writer: {
    name: string
    email: string
    country: string | null
    source?: string | null
    /** The site's language the letter was written in: the member's e-mails are in it. */
    siteLanguage?: SiteLanguage
  },
): Promise<void> {
  await requestMembership(
    ctx,
    {
      kind: 'individual',
      name: writer.name,
      email: writer.email.toLowerCase(),
      country: writer.country ?? '',
      organizationName: null,
      organizationKind: null,
      website: null,
      helps: [],
      consent: true,
      source: writer.source ?? null,
    },
    'letter',
    writer.siteLanguage ?? DEFAULT_LANGUAGE,
  )
}

/**
 * The one rule for a request, whoever typed it. Nobody has proved the address is theirs yet, so:
 * - a new address gets a pending membership and a link to confirm it;
 * - a pending or former (unsubscribed) member's address gets a new link, and the request's
 *   consent choice (which the e-mail and the confirmation page spell out, so the owner confirms
 *   it knowingly); nothing else typed is merged into their record;
 * - an active member's address: nothing changes, and the owner (not whoever typed it) gets a
 *   short note with the link to their membership page. @NOTE the page after the form says the
 *   same "check your inbox" in every case, so the form never tells anyone whether an address
 *   belongs to a member.
 * The source: a new membership's is the request's; one asked for again keeps the source it has,
 * or takes the request's if it had none (the first partner or channel that brought them counts).
 */
async function requestMembership(
  ctx: Ctx,
  request: MemberRequest,
  source: 'join_form' | 'letter',
  language: SiteLanguage,
): Promise<void> {
  const now = ctx.clock.nowIso()
  const expiresAt = new Date(ctx.clock.now().getTime() + MEMBER_CONFIRMATION_DAYS * DAY).toISOString()
  const { token, hash } = newLinkToken()
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findMemberByEmail(trx, request.email)
    if (existing?.status === 'active') {
      await queueNote(ctx, trx, existing, language)
      return
    }
    const consent = {
      consent_updates: request.consent ? (1 as const) : (0 as const),
      consent_version: CONSENT_VERSION,
      consent_at: request.consent ? now : null,
    }
    const link = { confirm_token_hash: hash, confirm_expires_at: expiresAt, updated_at: now }
    const member = existing
      ? await repo.updateMember(trx, existing.id, {
          status: 'pending',
          ...consent,
          ...link,
          source_code: existing.source_code ?? request.source,
          // Whoever confirms now asked in this language: their e-mails follow it.
          site_language: language,
        })
      : await repo.insertMember(trx, {
          public_id: newPublicId(),
          kind: request.kind,
          status: 'pending',
          email: request.email,
          name: request.name,
          country: request.country || null,
          organization_name: request.organizationName,
          organization_kind: request.organizationKind,
          website: request.website,
          helps: JSON.stringify(request.helps),
          source,
          source_code: request.source,
          site_language: language,
          ...consent,
          ...link,
          created_at: now,
        })
    await ctx.outbox.queue(trx, {
      kind: 'member_confirmation',
      memberId: member.id,
      recipients: [request.email],
      // @NOTE the only copy of the token; the worker clears the payload once the server has it.
      payload: {
        name: member.name ?? '',
        organizationName: member.kind === 'organization' ? member.organization_name : null,
        fromLetter: source === 'letter',
        updates: member.consent_updates === 1,
        url: `${ctx.config.publicUrl}/join/confirm/${token}`,
        expires: expiresAt,
        lang: language,
      },
    })
  })
  ctx.outbox.wake() // after the commit: the e-mail goes once the membership exists
}

async function queueNote(ctx: Ctx, trx: Database, member: MemberRow, language: SiteLanguage): Promise<void> {
  await ctx.outbox.queue(trx, {
    kind: 'member_confirmation',
    memberId: member.id,
    recipients: [member.email ?? ''],
    payload: {
      already: true,
      name: member.name ?? '',
      memberUrl: memberPageUrl(ctx.config, member.public_id),
      lang: language,
    },
  })
}

/** What the confirmation page shows: what the owner of the address is about to confirm. */
export interface MembershipToConfirm {
  kind: MemberKind
  name: string | null
  organizationName: string | null
  helps: string[]
  updates: boolean
  consentWording: string | null
  expiresAt: string | null
}

/**
 * The request a confirmation link is for: 404 unknown, 410 expired, 409 already used (messages
 * and the consent's wording in `t`'s language).
 */
export async function findMembershipToConfirm(
  ctx: Ctx,
  token: string,
  t: Translate = english,
): Promise<MembershipToConfirm> {
  const member = await memberToConfirm(ctx, ctx.db, token, t)
  return {
    kind: member.kind,
    name: member.name,
    organizationName: member.organization_name,
    helps: JSON.parse(member.helps) as string[],
    updates: member.consent_updates === 1,
    consentWording: member.consent_updates === 1 ? consentWording(member.consent_version, t) : null,
    expiresAt: member.confirm_expires_at,
  }
}

/** The owner of the address confirms: the membership becomes active. Returns its public id. */
export async function confirmMembership(
  ctx: Ctx,
  token: string,
  t: Translate = english,
): Promise<{ publicId: string }> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    // Checked inside the transaction: two presses at once confirm once, the second gets a 409.
    const member = await memberToConfirm(ctx, trx, token, t)
    await repo.updateMember(trx, member.id, { status: 'active', confirmed_at: now, updated_at: now })
    return { publicId: member.public_id }
  })
}

async function memberToConfirm(ctx: Ctx, db: Database, token: string, t: Translate): Promise<MemberRow> {
  const member = TOKEN.test(token) ? await repo.findMemberByConfirmTokenHash(db, hashToken(token)) : undefined
  if (!member || member.status === 'erased') throw new NotFoundError(t('members.linkProblem.notValid'))
  if (member.status === 'active') throw new ConflictError(t('members.linkProblem.alreadyConfirmed'))
  if (member.status === 'unsubscribed') throw new ConflictError(t('members.linkProblem.ended'))
  if (member.confirm_expires_at !== null && member.confirm_expires_at <= ctx.clock.nowIso())
    throw new GoneError(t('members.linkProblem.expired', { days: MEMBER_CONFIRMATION_DAYS }))
  return member
}

/**
 * A membership by its member's own link: 404 for an unknown or erased one (its message, and the
 * consent's wording, in `t`'s language).
 */
export async function getMembership(
  ctx: Pick<Ctx, 'db'>,
  publicId: string,
  countLetters: CountLettersByAddress,
  t: Translate = english,
): Promise<MemberView> {
  const member = await memberOfLink(ctx, publicId, t)
  if (member.status === 'erased') throw new NotFoundError(t('members.member.notFound'))
  const email = member.email ?? ''
  return toView(member, (await countLetters([email])).get(email) ?? 0, t)
}

/**
 * Stops updates and ends the membership; doing it again changes nothing. An erased member has
 * nothing left to stop: that is a success too (mail providers retry what fails).
 */
export async function unsubscribeMember(
  ctx: Ctx,
  publicId: string,
  t: Translate = english,
): Promise<{ changed: boolean }> {
  const member = await memberOfLink(ctx, publicId, t)
  if (member.status === 'unsubscribed' || member.status === 'erased') return { changed: false }
  const now = ctx.clock.nowIso()
  await repo.updateMember(ctx.db, member.id, {
    status: 'unsubscribed',
    consent_updates: 0,
    unsubscribed_at: now,
    updated_at: now,
  })
  return { changed: true }
}

/** The status of the membership behind a member's link (the unsubscribe page); 404 for an unknown link. */
export async function memberLinkStatus(
  ctx: Pick<Ctx, 'db'>,
  publicId: string,
  t: Translate = english,
): Promise<MemberStatus> {
  return (await memberOfLink(ctx, publicId, t)).status
}

async function memberOfLink(ctx: Pick<Ctx, 'db'>, publicId: string, t: Translate): Promise<MemberRow> {
  const member = PUBLIC_ID.test(publicId) ? await repo.findMemberByPublicId(ctx.db, publicId) : undefined
  if (!member) throw new NotFoundError(t('members.member.notFound'))
  return member
}

function toView(member: MemberRow, letters: number, t: Translate): MemberView {
  return {
    publicId: member.public_id,
    kind: member.kind,
    status: member.status,
    name: member.name,
    organizationName: member.organization_name,
    organizationKind: member.organization_kind,
    country: member.country,
    website: member.website,
    helps: JSON.parse(member.helps) as string[],
    source: member.source,
    consent: {
      given: member.consent_updates === 1,
      version: member.consent_version,
      at: member.consent_at,
      wording: consentWording(member.consent_version, t),
    },
    joinedAt: member.created_at,
    confirmedAt: member.confirmed_at,
    unsubscribedAt: member.unsubscribed_at,
    letters,
  }
}
