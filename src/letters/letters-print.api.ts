import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { listAsks } from '../asks/index.js'
import { ErrorSchema } from '../directory/index.js'
import { BadRequestError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerApi, signedIn } from '../organizers/index.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import { type LetterFilter, type PrintOptions, printLetters, recordLetterPrint } from './letter-batch.js'
import { PAPER_SIZES } from './letter-document.js'
import { PdfSchema } from './letters.schemas.js'

const PrintQuery = Type.Object(
  {
    state: Type.Optional(
      Type.String({
        maxLength: 2000,
        pattern: '^[A-Za-z]{3}( *, *[A-Za-z]{3})*$',
        description: 'ISO alpha-3 codes, comma-separated',
      }),
    ),
    template: Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' })),
    from: Type.Optional(Type.String({ format: 'date', description: 'Written on or after (YYYY-MM-DD)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Written on or before (YYYY-MM-DD)' })),
    duplex: Type.Optional(
      StringEnum(['true', 'false'], {
        description:
          'true: each letter starts on an odd page (a blank page after each letter of odd length), for printing on both sides',
      }),
    ),
    paper: Type.Optional(
      StringEnum([...PAPER_SIZES], {
        description: "One paper size for the whole run (a4 or letter); default: the first letter's",
      }),
    ),
    ask: Type.Optional(
      RowId({ description: 'Only the letters written within this ask (its id, as /api/asks lists it)' }),
    ),
  },
  { additionalProperties: false },
)

type PrintQuery = {
  state?: string
  template?: string
  from?: string
  to?: string
  duplex?: 'true' | 'false'
  paper?: (typeof PAPER_SIZES)[number]
  ask?: number
}

/** The query's filter: days are whole (`to` inclusive), states upper-case. */
function filterOf(q: PrintQuery): LetterFilter {
  return {
    iso3s: q.state?.split(',').map((s) => s.trim().toUpperCase()),
    templateId: q.template,
    from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
    to: q.to ? new Date(Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined,
    askId: q.ask,
  }
}

/**
 * Organizers' batch printing: one PDF of many letters, streamed as it is drawn (the page that
 * offers it is letters-print.routes.ts).
 */
export const lettersPrintApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/letters/print',
    {
      // Names and postal addresses on paper: letters.print, and every batch audited.
      ...organizerApi('letters.print'),
      // The page's form sends every field, the empty ones as "" (any state, as the first letter).
      preValidation: dropEmptyQueryValues,
      schema: {
        tags: ['letters'],
        summary:
          'Organizers: the matching letters as one PDF, each on a new page (on a new sheet with duplex)',
        security: [{ organizerSession: [] }],
        querystring: PrintQuery,
        produces: ['application/pdf'],
        response: { 200: PdfSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => {
      const q = request.query
      // An ask that is not there would print nothing without a word: named instead.
      if (q.ask !== undefined && !(await listAsks(ctx)).some((a) => a.id === q.ask))
        throw new BadRequestError(`There is no ask with the id ${q.ask}`, 'ask')
      const filter = filterOf(q)
      const options: PrintOptions = { duplex: q.duplex === 'true', paperSize: q.paper }
      await recordLetterPrint(ctx, actorOf(signedIn(request)), filter, options)
      const body = new PassThrough()
      // @NOTE the status is sent with the first bytes: a failure mid-way can only cut the file
      // short, so it is logged and the stream destroyed (the client sees an aborted download).
      // For the same reason the page counts cannot be headers: they are logged once known.
      printLetters(ctx, filter, body, undefined, options)
        .then((printed) => request.log.info(printed, 'batch printed'))
        .catch((error: unknown) => {
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
