import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema } from '../directory/index.js'
import { LetterIdParams } from '../letters/index.js'
import { actorOf, organizerApiChangeWith, signedIn } from '../organizers/index.js'
import { MissionReplySchema, NewMissionReplySchema } from './mission-replies.schemas.js'
import { recordReplyToLetter } from './mission-replies.service.js'

/** Organizers' JSON: record a mission's reply to a letter (session + x-csrf-token). */
export const missionRepliesApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  app.post(
    '/api/letters/:id/replies',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        tags: ['canvassing'],
        summary: "Organizers: record a mission's reply to a letter (needs the x-csrf-token header)",
        description:
          "Logs a 'reply received' engagement with the letter's state, adds the position the reply states (if any) to its history, and queues one e-mail to the letter's writer in their language, unless they were told before, gave no address or were erased. Recorded in the audit log with its author.",
        security: [{ organizerSession: [] }],
        params: LetterIdParams,
        body: NewMissionReplySchema,
        response: {
          201: MissionReplySchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const recorded = await recordReplyToLetter(
        ctx,
        actorOf(signedIn(request)),
        request.params.id,
        request.body,
      )
      return reply.code(201).send(recorded)
    },
  )
}
