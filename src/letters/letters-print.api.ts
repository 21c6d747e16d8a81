import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../context.js'
import { ErrorSchema } from '../directory/directory.schemas.js'
import { StringEnum } from '../lib/schema-types.js'
import {
  organizerApi,
  organizerFormWith,
  organizerPage,
  organizerPageData,
  signedIn,
} from '../organizers/organizer-auth.js'
import { actorOf } from '../organizers/organizers.service.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import {
  CAMPAIGN_TEMPLATE,
  campaignMailingStatus,
  type LetterFilter,
  type PrintOptions,
  printLetters,
  recordLetterPrint,
  writeCampaignLetters,
} from './letter-batch.js'
import { PAPER_SIZES } from './letter-document.js'
import { listTemplates } from './letter-templates.js'
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
}

/** The query's filter: days are whole (`to` inclusive), states upper-case. */
function filterOf(q: PrintQuery): LetterFilter {
  return {
    iso3s: q.state?.split(',').map((s) => s.trim().toUpperCase()),
    templateId: q.template,
    from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
    to: q.to ? new Date(Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined,
  }
}

const WrittenQuery = Type.Object({ written: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) })

/**
 * Organizers' batch printing: one PDF of many letters, streamed as it is drawn; and the page
 * that offers it (and the campaign's mailing) as buttons.
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

  // The buttons: a batch print with the filters, and the campaign's mailing. Both need
  // letters.print, as the API and the command do (see the README's roles).
  app.get(
    '/organizers/letters',
    { ...organizerPage('letters.print'), schema: { querystring: WrittenQuery } },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store')
      const mailing = await campaignMailingStatus(ctx)
      const templates = new Map<string, string>()
      for (const t of listTemplates())
        if (t.language === 'en' || !templates.has(t.id)) templates.set(t.id, t.title)
      return reply.viewAsync('pages/organizers/letters.hbs', {
        ...organizerPageData(request, reply),
        title: 'Organizers: print letters',
        templates: [...templates]
          .map(([id, title]) => ({ id, title }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        campaignTemplate: CAMPAIGN_TEMPLATE,
        mailing: { ...mailing, missing: mailing.memberStates - mailing.written },
        signatory: ctx.config.campaign.signatoryName ?? 'the campaign (named in each letter’s language)',
        justWrote: request.query.written === undefined ? null : { count: request.query.written },
      })
    },
  )

  app.post('/organizers/letters/mailing', organizerFormWith(app, 'letters.print'), async (request, reply) => {
    const written = await writeCampaignLetters(ctx, actorOf(signedIn(request)))
    return reply.redirect(`/organizers/letters?written=${written}#mailing`, 303)
  })
}
