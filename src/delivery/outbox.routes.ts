import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import { organizerPage, organizerPageData, signedIn } from '../organizers/organizer-auth.js'
import { actorOf } from '../organizers/organizers.service.js'
import { downloadEmlFile, getOutboxOverview } from './outbox-overview.js'

/** Organizers' view of the outbox: what went, what waits, what needs them, the .eml files. */
export const outboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/organizers/outbox', organizerPage('outbox.view'), async (request, reply) => {
    reply.header('cache-control', 'private, no-store')
    return reply.viewAsync('pages/delivery/outbox.hbs', {
      ...organizerPageData(request, reply),
      title: 'Outbox',
      overview: await getOutboxOverview(ctx),
    })
  })

  app.get(
    '/organizers/outbox/files/:name',
    {
      // A message holds a letter, its writer's name and address: a download of personal data.
      ...organizerPage('outbox.download'),
      schema: { params: Type.Object({ name: Type.String({ maxLength: 200 }) }) },
    },
    async (request, reply) => {
      const bytes = await downloadEmlFile(ctx, actorOf(signedIn(request)), request.params.name)
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${request.params.name}"`)
        .header('cache-control', 'private, no-store')
        .send(bytes)
    },
  )
}
