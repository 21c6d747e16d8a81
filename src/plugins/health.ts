import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import type { AppContext } from '../app-context.js'

/** GET /healthz: 200 when the service can read its database, 503 otherwise. */
export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.db)
      return { status: 'ok' }
    } catch (error) {
      app.log.error({ err: error }, 'health check: database unreachable')
      return reply.code(503).send({ status: 'unavailable' })
    }
  })
}
