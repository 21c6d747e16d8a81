import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema } from '../directory/index.js'
import { LetterIdParams } from '../letters/index.js'
import { Nullable, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerApi, organizerApiChangeWith, signedIn } from '../organizers/index.js'
import { decideHeldLetter, listHeldLetters, REVIEW_DECISIONS } from './moderation.service.js'

const HeldLetterSchema = Type.Object({
  id: Type.String({ description: "The letter's public id" }),
  reference: Type.String(),
  stateIso3: Type.String(),
  stateName: Type.String(),
  askId: Nullable(Type.Integer()),
  heldAt: Type.String({ format: 'date-time' }),
  heldBecause: StringEnum(['first_time', 'all', 'term']),
  heldTerms: Type.Array(Type.String(), { description: 'The listed terms found when it was held' }),
  termsNow: Type.Array(Type.String(), { description: 'The listed terms it carries by today’s list' }),
  supporter: Type.Object({
    name: Type.String(),
    organization: Nullable(Type.String()),
    role: Nullable(Type.String()),
    addressLines: Type.Array(Type.String()),
    city: Nullable(Type.String()),
    country: Nullable(Type.String()),
  }),
  personalNoteLines: Type.Array(Type.String(), {
    description: 'The personal paragraph line by line, numbered from 0 (what removeLines names)',
  }),
})

const QueueSchema = Type.Object({
  total: Type.Integer({ description: 'Letters waiting in all' }),
  letters: Type.Array(HeldLetterSchema, { description: 'The oldest first, at most 200' }),
})

const DecisionBody = Type.Object({
  decision: StringEnum([...REVIEW_DECISIONS], {
    description:
      'approve: send it; reject: refuse it (reason required); edit: take out removeLines, then send',
  }),
  reason: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Read by the writer; required to reject' }),
  ),
  removeLines: Type.Optional(
    Type.Array(Type.Integer({ minimum: 0, maximum: 9999 }), {
      maxItems: 500,
      description: 'For edit: the numbers of the personal paragraph’s lines to take out',
    }),
  ),
})

const DecisionSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  outcome: StringEnum(['approved', 'rejected', 'edited']),
  status: Type.String({ description: 'The letter’s status after the decision: queued or rejected' }),
  removedLines: Type.Array(Type.String()),
})

/** Organizers' JSON: the review queue, and a decision on one held letter (session + x-csrf-token). */
export const reviewApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  app.get(
    '/api/review',
    {
      ...organizerApi('letters.review'),
      schema: {
        tags: ['letters'],
        summary: 'Organizers: the e-mailed letters held for review, oldest first',
        description:
          'Letters an ask holds (first-time writers or all) or that carry a listed word or phrase. Each with why it was held and what its writer typed.',
        security: [{ organizerSession: [] }],
        response: { 200: QueueSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async () => listHeldLetters(ctx),
  )

  app.post(
    '/api/review/:id',
    {
      ...organizerApiChangeWith(app, 'letters.review'),
      schema: {
        tags: ['letters'],
        summary: 'Organizers: approve, refuse or edit a held letter (needs the x-csrf-token header)',
        description:
          'approve queues the letter for its mission as a confirmation would; reject refuses it and e-mails its writer the reason, in the language of the site they wrote on; edit takes the given lines out of the personal paragraph, tells the writer, then queues it. 404 for no such letter, 409 when it is not held (decided already), 400 naming the field at fault. Recorded in the audit log.',
        security: [{ organizerSession: [] }],
        params: LetterIdParams,
        body: DecisionBody,
        response: {
          200: DecisionSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => decideHeldLetter(ctx, actorOf(signedIn(request)), request.params.id, request.body),
  )
}
