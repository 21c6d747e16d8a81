import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { confirmMissionEmail } from '../directory/index.js'
import { ValidationError } from '../lib/errors.js'
import { StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { CHECK_LIMITS, CHECK_METHODS, parseSettleInput } from './mission-check-input.js'
import { downloadEmlFile, getOutboxOverview } from './outbox-overview.js'
import { findDeliveryToSettle, resolveDelivery } from './outbox-resolve.js'

const ReferenceQuery = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 40 }) })
const SettledQuery = Type.Object({
  confirmed: Type.Optional(Type.String({ maxLength: 1 })),
  settled: Type.Optional(Type.String({ pattern: '^CB-[A-Z0-9]{6}$' })),
  as: Type.Optional(StringEnum(['sent', 'resend'])),
})
const SETTLED_NOTICES = {
  sent: 'is recorded as delivered; the check is in the audit log.',
  resend: 'is queued to be sent again; the check is in the audit log.',
} as const

/**
 * Organizers' view of the outbox: what went, what waits, what needs them, the .eml files. Inside
 * the organizers' area (paths relative to /organizers; the area signs strangers in and says no-store).
 */
export const outboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/outbox',
    { ...permitted('outbox.view'), schema: { querystring: SettledQuery } },
    async (request, reply) => {
      return reply.viewAsync('pages/delivery/outbox.hbs', {
        ...organizerPageData(request, reply),
        title: 'Outbox',
        overview: await getOutboxOverview(ctx),
        confirmed: request.query.confirmed === '1',
        settled:
          request.query.settled && request.query.as
            ? `Letter ${request.query.settled} ${SETTLED_NOTICES[request.query.as]}`
            : null,
      })
    },
  )

  // Settling an uncertain or failed e-mail, once the mission was asked: the form, then the change
  // (delivered, or queued again), audited with the check (who asked, how, what they found).
  const settlePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    values: Record<string, string>,
    errors: Record<string, string> = {},
  ) =>
    reply.viewAsync('pages/delivery/outbox-settle.hbs', {
      ...organizerPageData(request, reply),
      title: `Outbox: settle letter ${reference}`,
      delivery: await findDeliveryToSettle(ctx, reference),
      methods: Object.entries(CHECK_METHODS).map(([value, label]) => ({
        value,
        label,
        selected: values.how === value,
      })),
      values,
      errors,
      errorList: SETTLE_FIELDS.filter((id) => errors[id]).map((id) => ({ id, message: errors[id] })),
      limits: CHECK_LIMITS,
    })

  app.get(
    '/outbox/settle',
    { ...permitted('outbox.resolve'), schema: { querystring: ReferenceQuery } },
    async (request, reply) =>
      settlePage(request, reply, request.query.reference, { checkedBy: signedIn(request).name }),
  )

  app.post('/outbox/settle', permittedForm(app, 'outbox.resolve'), async (request, reply) => {
    const parsed = parseSettleInput(request.body)
    if ('errors' in parsed) {
      const values = textFields(request.body)
      if (parsed.errors.reference) throw new ValidationError(parsed.errors, parsed.errors.reference)
      return settlePage(request, reply.code(422), values.reference ?? '', values, parsed.errors)
    }
    const { reference, action, check } = parsed.input
    await resolveDelivery(ctx, reference, action, { actor: actorOf(signedIn(request)), check })
    return reply.redirect(`/organizers/outbox?settled=${reference}&as=${action}#attention-heading`, 303)
  })

  // "The mission confirmed this address": its failure flag goes (audited), letters are e-mailed again.
  app.post(
    '/outbox/failing/confirm',
    {
      ...permittedForm(app, 'directory.edit'),
      schema: { body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }) },
    },
    async (request, reply) => {
      await confirmMissionEmail(ctx, actorOf(signedIn(request)), request.body.email)
      return reply.redirect('/organizers/outbox?confirmed=1#failing-heading', 303)
    },
  )

  app.get(
    '/outbox/files/:name',
    {
      // A message holds a letter, its writer's name and address: a download of personal data.
      ...permitted('outbox.download'),
      schema: { params: Type.Object({ name: Type.String({ maxLength: 200 }) }) },
    },
    async (request, reply) => {
      const bytes = await downloadEmlFile(ctx, actorOf(signedIn(request)), request.params.name)
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${request.params.name}"`)
        .send(bytes)
    },
  )
}

const SETTLE_FIELDS = ['reference', 'action', 'checkedBy', 'how', 'found'] as const

function textFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (body && typeof body === 'object')
    for (const [key, value] of Object.entries(body))
      if (typeof value === 'string') out[key] = value.slice(0, 1000)
  return out
}
