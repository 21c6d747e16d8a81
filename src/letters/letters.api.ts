import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { getAsk } from '../asks/index.js'
import { ErrorSchema } from '../directory/index.js'
import { getLetterPdf } from './letter-pdf.service.js'
import { listLetterTemplates } from './letter-template-versions.service.js'
import {
  CreatedLetterSchema,
  CreateLetterBody,
  LetterIdParams,
  LetterViewSchema,
  PdfSchema,
  SuggestedStateSchema,
  TemplateListQuery,
  TemplateListSchema,
} from './letters.schemas.js'
import { createLetter, getLetter, markLetterPrinted, suggestState } from './letters.service.js'
import { pdfFileName } from './letters.web.js'

/** JSON API of letters: write one, read it back, print it; the templates; a state to write to. */
export const lettersApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/api/letters',
    {
      config: { rateLimit: { max: ctx.config.rateLimits.letters, timeWindow: '1 hour' } },
      // @NOTE the body schema documents the request; letter-input.ts checks it, naming every
      // field at fault at once. Ajv would stop at the first, and would coerce a number to text.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['letters'],
        summary: 'Write a letter to a state; answers its id and where to preview and print it',
        body: CreateLetterBody,
        response: { 201: CreatedLetterSchema, 400: ErrorSchema },
      },
    },
    async (request, reply) => {
      const letter = await createLetter(ctx, request.body)
      return reply.code(201).send({
        id: letter.id,
        reference: letter.reference,
        previewUrl: `${ctx.config.publicUrl}/letters/${letter.id}`,
        pdfUrl: `${ctx.config.publicUrl}/api/letters/${letter.id}/pdf`,
        notices: letter.notices,
      })
    },
  )

  app.get(
    '/api/letters/:id',
    {
      schema: {
        tags: ['letters'],
        summary: "A letter as written (without the supporter's e-mail address)",
        params: LetterIdParams,
        response: { 200: LetterViewSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => getLetter(ctx, request.params.id),
  )

  app.get(
    '/api/letters/:id/pdf',
    {
      schema: {
        tags: ['letters'],
        summary: 'The letter as a print-ready PDF',
        params: LetterIdParams,
        produces: ['application/pdf'],
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: {
          200: PdfSchema,
          304: Type.Null({ description: 'The copy named by If-None-Match is current' }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const pdf = await getLetterPdf(ctx, request.params.id, request.headers['if-none-match'])
      // Private (it names its writer), kept by the browser but checked each time (no-cache): an
      // erased or edited letter is never shown from an old copy.
      reply.header('etag', pdf.etag).header('cache-control', 'private, no-cache')
      if (pdf.bytes === null) return reply.code(304).send(null)
      await markLetterPrinted(ctx, pdf.letter.id)
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${pdfFileName(pdf.letter)}"`)
        .send(pdf.bytes)
    },
  )

  app.get(
    '/api/templates',
    {
      schema: {
        tags: ['letters'],
        summary: 'The letter templates, in every language, as an ask publishes them',
        description:
          'Each template in each language as letters within the ask are written with it now: the ask’s own published version, else the first ask’s.',
        querystring: TemplateListQuery,
        response: { 200: TemplateListSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      if (request.query.ask !== undefined) await getAsk(ctx, request.query.ask)
      const templates = await listLetterTemplates(ctx, request.query.ask ?? null)
      return {
        templates: templates.map(
          ({ id, language, title, audience, requiredFields, version, versionId, askId }) => ({
            id,
            language,
            title,
            audience,
            requiredFields,
            version,
            versionId,
            askId,
          }),
        ),
      }
    },
  )

  app.get(
    '/api/states/suggest',
    {
      schema: {
        tags: ['letters'],
        summary: 'A member state that needs letters: the fewer it has, the likelier',
        response: { 200: SuggestedStateSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return suggestState(ctx)
    },
  )
}
