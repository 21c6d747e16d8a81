import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireOrganizerApi } from './organizer-auth.js'

/** Organizers' JSON outside the pages' area: the CSRF token a JSON client sends with its changes. */
export const organizersApi: FastifyPluginAsyncTypebox = async (app) => {
  // For JSON clients (and tests): the token to send as x-csrf-token with organizers' changes.
  app.get(
    '/api/organizers/csrf',
    {
      onRequest: requireOrganizerApi,
      schema: { hide: true, response: { 200: Type.Object({ token: Type.String() }) } },
    },
    async (_request, reply) => ({ token: reply.generateCsrf() }),
  )
}
