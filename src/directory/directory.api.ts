import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import {
  ErrorSchema,
  Iso3Params,
  StateDetailSchema,
  StateListSchema,
  StateQuery,
} from './directory.schemas.js'
import { getState, listStates } from './directory.service.js'

/** JSON API of the directory: /api/states and /api/states/:iso3. */
export const directoryApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/states',
    {
      preValidation: dropEmptyQueryValues,
      schema: {
        tags: ['directory'],
        summary: 'List states (the 193 members and 2 observers) with their missions',
        querystring: StateQuery,
        response: { 200: StateListSchema, 400: ErrorSchema },
      },
    },
    async (request) => listStates(ctx, request.query),
  )

  app.get(
    '/api/states/:iso3',
    {
      schema: {
        tags: ['directory'],
        summary: 'One state: its mission, where each detail came from, Council terms and history',
        params: Iso3Params,
        response: { 200: StateDetailSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => getState(ctx, request.params.iso3),
  )
}
