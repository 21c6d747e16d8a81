import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import { ErrorSchema } from '../directory/directory.schemas.js'
import { renderLetterPdf } from './letter-pdf.js'
import { listTemplates } from './letter-templates.js'
import {
  CreatedLetterSchema,
  CreateLetterBody,
  LetterIdParams,
  LetterViewSchema,
  PdfSchema,
  SuggestedStateSchema,
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
        response: { 200: PdfSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const letter = await getLetter(ctx, request.params.id)
      const pdf = await renderLetterPdf(letter.document)
      await markLetterPrinted(ctx, letter.id)
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${pdfFileName(letter)}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf)
    },
  )

  app.get(
    '/api/templates',
    {
      schema: {
        tags: ['letters'],
        summary: 'The letter templates, in every language',
        response: { 200: TemplateListSchema },
      },
    },
    async () => ({
      templates: listTemplates().map(({ id, language, title, audience, requiredFields }) => ({
        id,
        language,
        title,
        audience,
        requiredFields,
      })),
    }),
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
