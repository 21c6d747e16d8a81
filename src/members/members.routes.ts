import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { countryNameIn, listCountryOptions } from '../i18n/index.js'
import { AppError, ValidationError } from '../lib/errors.js'
import { fieldsOf } from '../lib/form-fields.js'
import { parseSourceCode } from '../lib/source-code.js'
import { consentText } from './consent.js'
import type { CountLettersByAddress } from './letter-counts.js'
import { helpLabels, memberHelps, organizationKindLabel, organizationKinds } from './member-helps.js'
import { MEMBER_LIMITS } from './member-input.js'
import {
  confirmMembership,
  findMembershipToConfirm,
  getMembership,
  joinCampaign,
  MEMBER_CONFIRMATION_DAYS,
  memberLinkStatus,
  unsubscribeMember,
} from './members.service.js'

// Checked by the service (404 for anything that is not a link we made), not by a pattern here: a
// truncated link gets the same "not valid" page as a wrong one.
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
const MemberParams = Type.Object({ publicId: Type.String({ maxLength: 100 }) })
const WelcomeQuery = Type.Object({ welcome: Type.Optional(Type.String({ maxLength: 5 })) })
// A partner's link to the form (`/join?source=amnesty-ke`): kept in the form if valid, else ignored
// with a notice, never refused (however long, or given twice).
const JoinQuery = Type.Object({
  source: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
})

/** Joining (form, confirmation), a member's own page, unsubscribing, and the privacy page. */
export const membersRoutes: FastifyPluginAsyncTypebox<{
  ctx: AppContext
  /** The letters each address wrote, as letters counts them (see app.ts). */
  countLetters: CountLettersByAddress
}> = async (app, { ctx, countLetters }) => {
  app.get('/join', { schema: { querystring: JoinQuery } }, async (request, reply) =>
    reply.viewAsync('pages/members/join.hbs', joinModel(request, { source: request.query.source }, {})),
  )

  // Each request e-mails an address: limited per client like the letters' e-mail confirmations.
  const sendLimit = { rateLimit: { max: ctx.config.rateLimits.sends, timeWindow: '1 hour' } }
  app.post('/join', { config: sendLimit }, async (request, reply) => {
    try {
      await joinCampaign(ctx, request.body, request.t, request.siteLanguage)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply
        .code(422)
        .viewAsync('pages/members/join.hbs', joinModel(request, fieldsOf(request.body), error.errors))
    }
    return reply.redirect('/join/check-inbox', 303)
  })

  // The same page whatever the address was (new, pending, a member's): see requestMembership.
  app.get('/join/check-inbox', async (request, reply) =>
    reply.viewAsync('pages/members/check-inbox.hbs', {
      title: request.t('members.checkInbox.title'),
      linkDays: MEMBER_CONFIRMATION_DAYS,
    }),
  )

  app.get('/join/confirm/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    private_(reply)
    try {
      const membership = await findMembershipToConfirm(ctx, request.params.token, request.t)
      return reply.viewAsync('pages/members/confirm.hbs', {
        title: request.t('members.confirm.title'),
        token: request.params.token,
        membership: {
          ...membership,
          helps: helpLabels(membership.helps, request.t),
        },
      })
    } catch (error) {
      return linkProblem(request, reply, error)
    }
  })

  // @NOTE the membership is confirmed only by this POST, from the page's button, never by opening
  // the e-mail's link (a GET): mail scanners and link previewers open every link in a message,
  // and would confirm addresses whose owners never saw the e-mail.
  app.post('/join/confirm/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    private_(reply)
    try {
      const { publicId } = await confirmMembership(ctx, request.params.token, request.t)
      return reply.redirect(`/members/${publicId}?welcome=1`, 303)
    } catch (error) {
      return linkProblem(request, reply, error)
    }
  })

  app.get(
    '/members/:publicId',
    { schema: { params: MemberParams, querystring: WelcomeQuery } },
    async (request, reply) => {
      private_(reply)
      const member = await getMembership(ctx, request.params.publicId, countLetters, request.t)
      return reply.viewAsync('pages/members/member.hbs', {
        title: request.t('members.member.title'),
        welcome: request.query.welcome === '1' && member.status === 'active',
        member: {
          ...member,
          countryName: member.country
            ? (countryNameIn(request.siteLanguage, member.country) ?? member.country)
            : null,
          organizationKind: member.organizationKind
            ? organizationKindLabel(member.organizationKind, request.t)
            : null,
          helps: helpLabels(member.helps, request.t),
          receivesUpdates: member.status === 'active' && member.consent.given,
        },
      })
    },
  )

  app.get('/members/:publicId/unsubscribe', { schema: { params: MemberParams } }, async (request, reply) => {
    private_(reply)
    const status = await memberLinkStatus(ctx, request.params.publicId, request.t)
    return reply.viewAsync('pages/members/unsubscribe.hbs', {
      title: request.t('members.unsubscribe.title'),
      publicId: request.params.publicId,
      done: status === 'unsubscribed' || status === 'erased',
    })
  })

  // Two callers: the page's button (a browser: 303 back to the page), and a mail provider's
  // one-click unsubscribe (RFC 8058: a POST of "List-Unsubscribe=One-Click" to the address in the
  // List-Unsubscribe header, with no cookie and no Origin; it wants a 200, never a redirect).
  // RFC 8058's own example sends the field as multipart/form-data, hence the small parser.
  const unsubscribePost: FastifyPluginAsyncTypebox = async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) =>
        done(null, {
          'List-Unsubscribe': /name="List-Unsubscribe"\r?\n\r?\n\s*One-Click/i.test(String(body))
            ? 'One-Click'
            : '',
        }),
    )
    scope.post(
      '/members/:publicId/unsubscribe',
      { schema: { params: MemberParams } },
      async (request, reply) => {
        private_(reply)
        await unsubscribeMember(ctx, request.params.publicId, request.t)
        if (fieldsOf(request.body)['List-Unsubscribe'] === 'One-Click')
          return reply
            .type('text/plain; charset=utf-8')
            .send(`${request.t('members.unsubscribe.oneClickDone')}\n`)
        return reply.redirect(`/members/${request.params.publicId}/unsubscribe`, 303)
      },
    )
  }
  await app.register(unsubscribePost)

  app.get('/privacy', async (request, reply) =>
    reply.viewAsync('pages/privacy.hbs', {
      title: request.t('privacy.title'),
      retentionDays: ctx.config.members.retentionDays,
    }),
  )
}

/** The join form, in the request's language: the choices, what was typed (to show it again), and the messages. */
function joinModel(request: FastifyRequest, form: Record<string, unknown>, errors: Record<string, string>) {
  const t = request.t
  const value = (field: string): string => {
    const v = form[field]
    return typeof v === 'string' ? v : ''
  }
  const picked = (field: string): string[] => {
    const v = form[field]
    return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
  }
  const helps = picked('helps')
  const source = parseSourceCode(form.source)
  const country = value('country')
  const orgCountry = value('org_country')
  // The countries by their names in the page's language, in its order (i18n/countries.ts).
  const countryOptions = listCountryOptions(request.siteLanguage)
  return {
    title: t('members.join.title'),
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ id: field, message })),
    kind: value('kind'),
    values: {
      name: value('name'),
      email: value('email'),
      org_name: value('org_name'),
      org_website: value('org_website'),
      org_contact: value('org_contact'),
      org_email: value('org_email'),
    },
    countries: countryOptions.map((c) => ({ ...c, selected: c.code === country })),
    orgCountries: countryOptions.map((c) => ({ ...c, selected: c.code === orgCountry })),
    orgKinds: organizationKinds(t).map((k) => ({ ...k, selected: k.code === value('org_kind') })),
    helps: memberHelps(t).map((h) => ({ ...h, checked: helps.includes(h.code) })),
    consent: value('consent') === 'yes',
    consentText: consentText(t),
    limits: MEMBER_LIMITS,
    // Carried through the form as it came; one that is not valid is dropped, and the page says so.
    source: source.source,
    notices: source.notice ? [{ message: t(source.notice.key) }] : [],
  }
}

/**
 * A page whose address holds a secret: kept out of caches, search engines and Referer headers to
 * other sites (same-origin, not no-referrer: under that, browsers send "Origin: null" with its form).
 */
function private_(reply: FastifyReply): void {
  reply
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-robots-tag', 'noindex')
}

/**
 * An unknown (404), used (409) or expired (410) confirmation link, with the way forward; the
 * service gives the message in the request's language.
 */
function linkProblem(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (!(error instanceof AppError) || ![404, 409, 410].includes(error.statusCode)) throw error
  return reply.code(error.statusCode).viewAsync('pages/members/link-problem.hbs', {
    title: request.t(`members.linkProblem.title.${error.statusCode}`),
    message: error.message,
  })
}
