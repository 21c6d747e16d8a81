import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ConflictError, ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import type { Permission } from '../organizers/index.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import {
  createUpdate,
  getCampaignUpdate,
  listCampaignUpdates,
  sendTestUpdate,
  sendUpdate,
} from './campaign-updates.service.js'
import type { CountLettersByAddress } from './letter-counts.js'
import { MEMBER_HELPS } from './member-helps.js'
import {
  listMembers,
  MEMBERS_PAGE_SIZE,
  type MembersQuery,
  memberCountryOptions,
  membersCsv,
  STATUS_FILTERS,
} from './members-admin.service.js'
import { MEMBER_KINDS, type UpdateFormValues, updateFormValues } from './update-input.js'

// The organizers' side of membership: the members list (filters, pages, CSV) and campaign
// updates (draft, test to oneself, send). Every page is for one signed-in organizer.

const numbers = new Intl.NumberFormat('en-GB')

const AudienceFields = {
  kind: Type.Optional(StringEnum(MEMBER_KINDS)),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  help: Type.Optional(StringEnum(MEMBER_HELPS.map((h) => h.code))),
}
const ListQuery = Type.Object({
  ...AudienceFields,
  status: Type.Optional(StringEnum(Object.keys(STATUS_FILTERS) as (keyof typeof STATUS_FILTERS)[])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
})
const ComposeQuery = Type.Object({ ...AudienceFields, from: Type.Optional(RowId()) })
const UpdateParams = Type.Object({ id: RowId() })
const UpdateQuery = Type.Object({ done: Type.Optional(StringEnum(['created', 'tested', 'sent'])) })

const NOTICES = {
  created: 'The draft is saved. Send yourself a test next, and read it as members will.',
  tested: 'A test is on its way to your address. Once you have read it, you can send the update.',
  sent: 'The update is queued for the members. The outbox sends it at its own pace, below.',
} as const

/** Options: `countLetters`, the letters each address wrote, as letters counts them (see app.ts). */
export const membersAdminRoutes: FastifyPluginAsyncTypebox<{
  ctx: AppContext
  countLetters: CountLettersByAddress
}> = async (app, { ctx, countLetters }) => {
  // The list shows names and addresses (members.view); the CSV takes them away (personal_data.export).
  const listGuards = (permission: Permission) => ({
    ...permitted(permission),
    preValidation: dropEmptyQueryValues,
  })
  const UPDATES: Permission = 'members.send_updates'

  app.get(
    '/members',
    { ...listGuards('members.view'), schema: { querystring: ListQuery } },
    async (request, reply) => {
      const query: MembersQuery = request.query
      const [list, countries] = await Promise.all([
        listMembers(ctx, query, countLetters),
        memberCountryOptions(ctx),
      ])
      const search = queryString(query)
      const audience = queryString({ kind: query.kind, country: query.country, help: query.help })
      const first = (list.page - 1) * MEMBERS_PAGE_SIZE
      return reply.viewAsync('pages/members/admin-members.hbs', {
        title: 'Members',
        ...organizerPageData(request, reply),
        ...list,
        counts: formatCounts(list.counts),
        filtered: Boolean(query.kind || query.country || query.help || query.status),
        shown: list.members.length ? `${first + 1}–${first + list.members.length}` : '0',
        totalText: numbers.format(list.total),
        options: filterOptions(query, countries, true),
        csvHref: `/organizers/members.csv${search ? `?${search}` : ''}`,
        writeHref: `/organizers/updates${audience ? `?${audience}` : ''}#compose`,
        newer: list.page > 1 ? pageHref(query, list.page - 1) : null,
        older: list.page < list.pages ? pageHref(query, list.page + 1) : null,
      })
    },
  )

  app.get(
    '/members.csv',
    { ...listGuards('personal_data.export'), schema: { querystring: ListQuery } },
    async (request, reply) => {
      const csv = await membersCsv(ctx, actorOf(signedIn(request)), request.query, countLetters)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="members-${ctx.clock.today()}.csv"`)
        .send(csv)
    },
  )

  const updatesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: UpdateFormValues,
    errors: Record<string, string> = {},
  ) => {
    const [updates, countries] = await Promise.all([listCampaignUpdates(ctx), memberCountryOptions(ctx)])
    return reply.viewAsync('pages/members/admin-updates.hbs', {
      title: 'Campaign updates',
      ...organizerPageData(request, reply),
      updates,
      values,
      errors,
      errorList: ['subject', 'body', 'kind', 'country', 'help']
        .filter((id) => errors[id])
        .map((id) => ({ id, message: errors[id] })),
      options: filterOptions(values, countries, false),
      perMinute: ctx.config.members.updatesPerMinute,
    })
  }

  app.get(
    '/updates',
    { ...listGuards(UPDATES), schema: { querystring: ComposeQuery } },
    async (request, reply) => {
      const { from, ...audience } = request.query
      // "A new draft from this one": an update cannot be edited once tested, only copied.
      const source = from ? (await getCampaignUpdate(ctx, from)).update : null
      const values = source
        ? updateFormValues({ subject: source.subject, body: source.body, ...source.audience })
        : updateFormValues(audience)
      return updatesPage(request, reply, values)
    },
  )

  app.post('/updates', permittedForm(app, UPDATES), async (request, reply) => {
    try {
      const update = await createUpdate(ctx, signedIn(request), request.body)
      return reply.redirect(`/organizers/updates/${update.id}?done=created`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return updatesPage(request, reply.code(422), updateFormValues(request.body), error.errors)
    }
  })

  const updatePage = async (request: FastifyRequest, reply: FastifyReply, id: number, extra: object = {}) => {
    const { update, reach, progress } = await getCampaignUpdate(ctx, id)
    const perMinute = ctx.config.members.updatesPerMinute
    return reply.viewAsync('pages/members/admin-update.hbs', {
      title: update.subject,
      ...organizerPageData(request, reply),
      update,
      reach,
      reachText: numbers.format(reach),
      progress,
      perMinute,
      minutes: Math.max(1, Math.ceil(reach / perMinute)),
      to: signedIn(request).email,
      ...extra,
    })
  }

  app.get(
    '/updates/:id',
    { ...permitted(UPDATES), schema: { params: UpdateParams, querystring: UpdateQuery } },
    (request, reply) =>
      updatePage(request, reply, request.params.id, {
        notice: request.query.done ? NOTICES[request.query.done] : null,
      }),
  )

  // Both changes answer a refusal (409) on the update's own page, saying why.
  const change = (
    path: string,
    act: (request: FastifyRequest, id: number) => Promise<unknown>,
    done: keyof typeof NOTICES,
  ) =>
    app.post(
      path,
      { ...permittedForm(app, UPDATES), schema: { params: UpdateParams } },
      async (request, reply) => {
        const { id } = request.params
        try {
          await act(request, id)
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error
          return updatePage(request, reply.code(409), id, { problem: error.message })
        }
        return reply.redirect(`/organizers/updates/${id}?done=${done}`, 303)
      },
    )
  change('/updates/:id/test', (request, id) => sendTestUpdate(ctx, signedIn(request), id), 'tested')
  change('/updates/:id/send', (request, id) => sendUpdate(ctx, signedIn(request), id), 'sent')
}

/** The filters' choices, the chosen ones marked; `withStatus` for the list (updates: confirmed only). */
function filterOptions(
  chosen: { kind?: string; country?: string; help?: string; status?: string },
  countries: { code: string; label: string }[],
  withStatus: boolean,
) {
  const country = chosen.country?.toUpperCase()
  return {
    kinds: MEMBER_KINDS.map((value) => ({
      value,
      label: value === 'individual' ? 'Individuals' : 'Organizations',
      selected: value === chosen.kind,
    })),
    countries: countries.map((c) => ({ value: c.code, label: c.label, selected: c.code === country })),
    helps: MEMBER_HELPS.map((h) => ({ value: h.code, label: h.label, selected: h.code === chosen.help })),
    statuses: withStatus
      ? [
          { value: 'confirmed', label: 'Confirmed' },
          { value: 'pending', label: 'Not confirmed yet' },
          { value: 'unsubscribed', label: 'Unsubscribed' },
        ].map((s) => ({ ...s, selected: s.value === chosen.status }))
      : [],
  }
}

function formatCounts(counts: Record<string, number>) {
  return Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, numbers.format(n)]))
}

function queryString(query: object): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(name, String(value))
  return params.toString()
}

function pageHref(query: MembersQuery, page: number): string {
  const search = queryString({ ...query, page: page === 1 ? undefined : page })
  return `/organizers/members${search ? `?${search}` : ''}#members`
}
