import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema } from '../directory/index.js'
import { actorOf, organizerApi, organizerApiChangeWith, signedIn } from '../organizers/index.js'
import {
  EngagementEditSchema,
  HistorySchema,
  IdParams,
  PositionEditSchema,
  WithdrawSchema,
} from './corrections.schemas.js'
import {
  editEngagement,
  editPosition,
  engagementHistory,
  positionRecordHistory,
  withdrawEngagement,
  withdrawPosition,
} from './corrections.service.js'

const CHANGE_RESPONSES = {
  200: HistorySchema,
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
}
const READ_RESPONSES = {
  200: HistorySchema,
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
}
const common = { tags: ['canvassing'], security: [{ organizerSession: [] }], params: IdParams }

/**
 * Organizers' JSON to correct engagements and positions (session + x-csrf-token): edit, withdraw,
 * read the history. Each change answers with the entry's history, newest first.
 */
export const correctionsApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })

  app.patch(
    '/api/engagements/:id',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        ...common,
        summary: 'Organizers: edit an engagement (the version before is kept, with the reason)',
        body: EngagementEditSchema,
        response: CHANGE_RESPONSES,
      },
    },
    async (request) => {
      await editEngagement(ctx, actorOf(signedIn(request)), request.params.id, request.body)
      return { id: request.params.id, revisions: await engagementHistory(ctx, request.params.id) }
    },
  )

  app.post(
    '/api/engagements/:id/withdraw',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        ...common,
        summary: 'Organizers: withdraw an engagement logged by mistake (kept, no longer counted)',
        body: WithdrawSchema,
        response: CHANGE_RESPONSES,
      },
    },
    async (request) => {
      await withdrawEngagement(ctx, actorOf(signedIn(request)), request.params.id, request.body)
      return { id: request.params.id, revisions: await engagementHistory(ctx, request.params.id) }
    },
  )

  app.get(
    '/api/engagements/:id/history',
    {
      ...organizerApi('canvassing.view'),
      schema: { ...common, summary: "Organizers: an engagement's corrections", response: READ_RESPONSES },
    },
    async (request) => ({
      id: request.params.id,
      revisions: await engagementHistory(ctx, request.params.id),
    }),
  )

  app.patch(
    '/api/positions/:id',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        ...common,
        summary: 'Organizers: edit a recorded position (the version before is kept, with the reason)',
        body: PositionEditSchema,
        response: CHANGE_RESPONSES,
      },
    },
    async (request) => {
      await editPosition(ctx, actorOf(signedIn(request)), request.params.id, request.body)
      return { id: request.params.id, revisions: await positionRecordHistory(ctx, request.params.id) }
    },
  )

  app.post(
    '/api/positions/:id/withdraw',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      schema: {
        ...common,
        summary:
          "Organizers: withdraw a position recorded by mistake (the state's previous one is current again)",
        body: WithdrawSchema,
        response: CHANGE_RESPONSES,
      },
    },
    async (request) => {
      await withdrawPosition(ctx, actorOf(signedIn(request)), request.params.id, request.body)
      return { id: request.params.id, revisions: await positionRecordHistory(ctx, request.params.id) }
    },
  )

  app.get(
    '/api/positions/:id/history',
    {
      ...organizerApi('canvassing.view'),
      schema: { ...common, summary: "Organizers: a position record's corrections", response: READ_RESPONSES },
    },
    async (request) => ({
      id: request.params.id,
      revisions: await positionRecordHistory(ctx, request.params.id),
    }),
  )
}
