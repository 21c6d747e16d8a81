import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import { ErrorSchema } from '../directory/directory.schemas.js'
import { organizerApi, signedIn } from '../organizers/organizer-auth.js'
import { actorOf } from '../organizers/organizers.service.js'
import { printLetters, recordLetterPrint } from './letter-batch.js'
import { PdfSchema } from './letters.schemas.js'

const PrintQuery = Type.Object(
  {
    state: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{3}(,[A-Za-z]{3})*$',
        description: 'ISO alpha-3 codes, comma-separated',
      }),
    ),
    template: Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' })),
    from: Type.Optional(Type.String({ format: 'date', description: 'Written on or after (YYYY-MM-DD)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Written on or before (YYYY-MM-DD)' })),
  },
  { additionalProperties: false },
)

/** Organizers' batch printing: one PDF of many letters, streamed as it is drawn. */
export const lettersPrintApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/letters/print',
    {
      // Names and postal addresses on paper: letters.print, and every batch audited.
      ...organizerApi('letters.print'),
      schema: {
        tags: ['letters'],
        summary: 'Organizers: the matching letters as one PDF, each on a new page',
        security: [{ organizerSession: [] }],
        querystring: PrintQuery,
        produces: ['application/pdf'],
        response: { 200: PdfSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => {
      const q = request.query
      const filter = {
        iso3s: q.state?.toUpperCase().split(','),
        templateId: q.template,
        from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
        to: q.to ? new Date(Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined,
      }
      await recordLetterPrint(ctx, actorOf(signedIn(request)), filter)
      const body = new PassThrough()
      // @NOTE the status is sent with the first bytes: a failure mid-way can only cut the file
      // short, so it is logged and the stream destroyed (the client sees an aborted download).
      printLetters(ctx, filter, body).catch((error: unknown) => {
        request.log.error({ err: error }, 'batch printing failed')
        body.destroy(error instanceof Error ? error : new Error(String(error)))
      })
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="code-blue-letters-${ctx.clock.today()}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(body)
    },
  )
}
