import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { confirmMissionEmail } from '../directory/index.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { downloadEmlFile, getOutboxOverview } from './outbox-overview.js'

/**
 * Organizers' view of the outbox: what went, what waits, what needs them, the .eml files. Inside
 * the organizers' area (paths relative to /organizers; the area signs strangers in and says no-store).
 */
export const outboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/outbox', permitted('outbox.view'), async (request, reply) => {
    return reply.viewAsync('pages/delivery/outbox.hbs', {
      ...organizerPageData(request, reply),
      title: 'Outbox',
      overview: await getOutboxOverview(ctx),
      confirmed: (request.query as { confirmed?: string }).confirmed === '1',
    })
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
