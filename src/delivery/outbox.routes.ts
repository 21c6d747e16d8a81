import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import { organizerPageData, requireOrganizerPage } from '../organizers/organizer-auth.js'
import { getOutboxOverview, readEmlFile } from './outbox-overview.js'

/** Organizers' view of the outbox: what went, what waits, what needs them, the .eml files. */
export const outboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireOrganizerPage)

  app.get('/organizers/outbox', async (request, reply) => {
    reply.header('cache-control', 'private, no-store')
    return reply.viewAsync('pages/delivery/outbox.hbs', {
      ...organizerPageData(request, reply),
      title: 'Outbox',
      overview: await getOutboxOverview(ctx),
    })
  })

  app.get(
    '/organizers/outbox/files/:name',
    { schema: { params: Type.Object({ name: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) => {
      const bytes = readEmlFile(ctx, request.params.name)
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${request.params.name}"`)
        .header('cache-control', 'private, no-store')
        .send(bytes)
    },
  )
}
