import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { SOURCE_CODE_RULE } from '../lib/source-code.js'
import type { Permission } from '../organizers/index.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { PARTNER_LIMITS, type PartnerFormValues, partnerFormValues } from './partner-input.js'
import {
  addPartner,
  editPartner,
  getPartner,
  listPartners,
  PartnerCodeTakenError,
  type PartnerView,
  removePartner,
} from './partners.service.js'

// The organizers' page of partners (/organizers/partners): the list with each partner's links,
// a form to add one, a page to edit one, a button to remove one. Forms carry the CSRF token and
// pass the same-origin check like every organizers' form; each change is audited.

const MANAGE: Permission = 'partners.manage'
const FIELDS = ['name', 'code', 'website'] as const
const PartnerParams = Type.Object({ id: RowId() })
const ListQuery = Type.Object({ done: Type.Optional(StringEnum(['added', 'saved', 'removed'])) })

const NOTICES = {
  added:
    'The partner is added. Its links are listed below: letters and members that come by them are counted on the dashboard.',
  saved: 'The partner is saved.',
  removed:
    'The partner is removed. Letters and members that came by its links keep its code, shown on the dashboard as a code of no partner.',
} as const

const EMPTY_FORM: PartnerFormValues = { name: '', code: '', website: '' }

export const partnersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: PartnerFormValues,
    errors: Record<string, string> = {},
    notice: string | null = null,
  ) => {
    const partners = await listPartners(ctx)
    return reply.viewAsync('pages/organizers/partners.hbs', {
      title: 'Organizers: partners',
      ...organizerPageData(request, reply),
      partners: partners.map((p) => withLinks(ctx, p)),
      values,
      errors,
      errorList: errorList(errors),
      notice,
      limits: PARTNER_LIMITS,
      codeRule: SOURCE_CODE_RULE,
    })
  }

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    partner: PartnerView,
    values: PartnerFormValues,
    errors: Record<string, string> = {},
  ) =>
    reply.viewAsync('pages/organizers/partner-edit.hbs', {
      title: `Organizers: partner ${partner.name}`,
      ...organizerPageData(request, reply),
      partner,
      formAction: `/organizers/partners/${partner.id}`,
      values,
      errors,
      errorList: errorList(errors),
      limits: PARTNER_LIMITS,
      codeRule: SOURCE_CODE_RULE,
    })

  app.get('/partners', { ...permitted(MANAGE), schema: { querystring: ListQuery } }, async (request, reply) =>
    listPage(request, reply, EMPTY_FORM, {}, request.query.done ? NOTICES[request.query.done] : null),
  )

  app.post('/partners', permittedForm(app, MANAGE), async (request, reply) => {
    try {
      await addPartner(ctx, actorOf(signedIn(request)), request.body)
      return reply.redirect('/organizers/partners?done=added', 303)
    } catch (error) {
      const status = refusal(error)
      if (!status) throw error
      const errors = (error as ValidationError | PartnerCodeTakenError).errors
      return listPage(request, reply.code(status), partnerFormValues(request.body), errors)
    }
  })

  app.get(
    '/partners/:id',
    { ...permitted(MANAGE), schema: { params: PartnerParams } },
    async (request, reply) => {
      const partner = await getPartner(ctx, request.params.id)
      const values = { name: partner.name, code: partner.code, website: partner.website ?? '' }
      return editPage(request, reply, partner, values)
    },
  )

  app.post(
    '/partners/:id',
    { ...permittedForm(app, MANAGE), schema: { params: PartnerParams } },
    async (request, reply) => {
      try {
        await editPartner(ctx, actorOf(signedIn(request)), request.params.id, request.body)
        return reply.redirect('/organizers/partners?done=saved', 303)
      } catch (error) {
        const status = refusal(error)
        if (!status) throw error
        const partner = await getPartner(ctx, request.params.id)
        const errors = (error as ValidationError | PartnerCodeTakenError).errors
        return editPage(request, reply.code(status), partner, partnerFormValues(request.body), errors)
      }
    },
  )

  app.post(
    '/partners/:id/remove',
    { ...permittedForm(app, MANAGE), schema: { params: PartnerParams } },
    async (request, reply) => {
      await removePartner(ctx, actorOf(signedIn(request)), request.params.id)
      return reply.redirect('/organizers/partners?done=removed', 303)
    },
  )
}

/** The form shown again: 422 for fields at fault, 409 for a code another partner has; else not ours. */
function refusal(error: unknown): 409 | 422 | null {
  if (error instanceof PartnerCodeTakenError) return 409
  if (error instanceof ValidationError) return 422
  return null
}

function errorList(errors: Record<string, string>) {
  return FIELDS.filter((id) => errors[id]).map((id) => ({ id, message: errors[id] }))
}

/** A partner with the links it can share: the write form (a state that needs letters) and the join form. */
function withLinks(ctx: AppContext, partner: PartnerView) {
  const code = encodeURIComponent(partner.code)
  return {
    ...partner,
    writeLink: `${ctx.config.publicUrl}/write/suggest?source=${code}`,
    joinLink: `${ctx.config.publicUrl}/join?source=${code}`,
  }
}
