import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The OpenAPI description, generated from the route schemas: JSON at /docs/json, a browsable
 * page at /docs. Only routes tagged for the API appear; pages are left out.
 */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Code Blue letters API',
        description: 'The directory of UN member states and their Permanent Missions.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          organizerSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'cb_organizer',
            description:
              'An organizer session: sign in at /organizers/login. Changes also need the x-csrf-token header.',
          },
        },
      },
      tags: [
        { name: 'directory', description: 'UN member and observer states and their missions' },
        { name: 'letters', description: 'Letters to the missions: write, preview, print' },
        {
          name: 'canvassing',
          description: 'Coverage of the 193 member states (public); engagements with each state (organizers)',
        },
      ],
    },
    hideUntagged: true,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
})
