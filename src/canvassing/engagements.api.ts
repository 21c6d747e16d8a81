import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema, Iso3Params } from '../directory/index.js'
import { actorOf, organizerApi, organizerApiChangeWith, signedIn } from '../organizers/index.js'
import { EngagementListSchema, EngagementSchema, NewEngagementSchema } from './engagements.schemas.js'
import { addEngagement, listEngagements } from './engagements.service.js'

/** Organizers' JSON for a state's engagement log: read it, add to it (session + x-csrf-token). */
export const engagementsApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  app.get(
    '/api/states/:iso3/engagements',
    {
      ...organizerApi('canvassing.view'),
      schema: {
        tags: ['canvassing'],
        summary: "Organizers: a state's engagements (meetings, calls, replies, notes), newest first",
        security: [{ organizerSession: [] }],
        params: Iso3Params,
        response: {
          200: EngagementListSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const engagements = await listEngagements(ctx, request.params.iso3)
      return { iso3: request.params.iso3.toUpperCase(), engagements }
    },
  )

  app.post(
    '/api/states/:iso3/engagements',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        tags: ['canvassing'],
        summary: 'Organizers: log an engagement with a state (needs the x-csrf-token header)',
        description:
          'A meeting, call, reply or acknowledgement canvasses the state; a meeting or public statement makes it engaged. Recorded in the audit log with its author.',
        security: [{ organizerSession: [] }],
        params: Iso3Params,
        body: NewEngagementSchema,
        response: {
          201: EngagementSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const engagement = await addEngagement(
        ctx,
        actorOf(signedIn(request)),
        request.params.iso3,
        request.body,
      )
      return reply.code(201).send(engagement)
    },
  )
}
