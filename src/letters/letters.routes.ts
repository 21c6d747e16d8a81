import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { getStateForLetters } from '../directory/index.js'
import { ValidationError } from '../lib/errors.js'
import { clearDraftCookie, draftSecretFor } from './draft-cookie.js'
import { previewDraft } from './letter-draft-preview.js'
import { joinOfferTicked, parseLetterInput } from './letter-input.js'
import { LetterIdParams } from './letters.schemas.js'
import { getLetter, getLetterForEdit, getLetterInput, updateLetter } from './letters.service.js'
import { FormBody, joinWithLetter, type ReviewNoteOf, writeRoutes } from './write.routes.js'
import { askedDelivery, composeModel, deliveryErrors } from './write-form.js'

/** The supporter's pages: choose a state, write, preview, edit; printing is the PDF link. */
export interface LettersRoutesOptions {
  ctx: AppContext
  /** Sends the writer the link to confirm e-mail delivery (delivery.service, wired in app.ts). */
  requestEmail?: (letterId: string) => Promise<unknown>
  /** A held letter's review, as its writer may read it (delivery's moderation, wired in app.ts). */
  reviewNote?: ReviewNoteOf
}

export const lettersRoutes: FastifyPluginAsyncTypebox<LettersRoutesOptions> = async (
  app,
  { ctx, requestEmail, reviewNote },
) => {
  // The write flow, on the site and, for partners' pages, framed at /embed (write.routes.ts).
  const letterLimit = { rateLimit: { max: ctx.config.rateLimits.letters, timeWindow: '1 hour' } }
  await app.register(writeRoutes, { ctx, requestEmail, reviewNote, embed: false })
  await app.register(writeRoutes, { ctx, requestEmail, reviewNote, embed: true, prefix: '/embed' })

  app.get(
    '/letters/:id/edit',
    {
      schema: {
        params: LetterIdParams,
        querystring: Type.Object({ delivery: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const { view, email, emailHidden } = await getLetterForEdit(
        ctx,
        request.params.id,
        draftSecretFor(request, request.params.id),
      )
      const { state } = await getStateForLetters(ctx, view.state.iso3)
      const form = {
        template: view.template,
        language: view.language,
        paperSize: view.paperSize,
        'supporter.name': view.supporter.name,
        'supporter.organization': view.supporter.organization ?? '',
        'supporter.role': view.supporter.role ?? '',
        'supporter.addressLines': view.supporter.addressLines.join('\n'),
        'supporter.city': view.supporter.city ?? '',
        'supporter.country': view.supporter.country ?? '',
        'supporter.email': email ?? '',
        personalNote: view.personalNote ?? '',
      }
      reply.header('cache-control', 'private, no-store')
      const preview = await previewDraft(ctx, state.iso3, form)
      return reply.viewAsync('pages/letters/compose.hbs', {
        ...composeModel(state, { ...form, delivery: request.query.delivery }, {}, preview, {
          language: request.siteLanguage,
        }),
        editing: view,
        emailHidden,
      })
    },
  )

  app.post(
    '/letters/:id/edit',
    // Counted like writing a letter: every save runs the whole input check and re-composes it.
    { config: letterLimit, schema: { params: LetterIdParams, body: FormBody } },
    async (request, reply) => {
      const form = request.body
      const view = await getLetter(ctx, request.params.id)
      const { state } = await getStateForLetters(ctx, view.state.iso3)
      const page = async (errors: Record<string, string>) => ({
        ...composeModel(state, form, errors, await previewDraft(ctx, state.iso3, form), {
          language: request.siteLanguage,
        }),
        editing: view,
      })
      if (form.intent === 'preview') return reply.viewAsync('pages/letters/compose.hbs', await page({}))
      try {
        const needed = deliveryErrors(state, form, request.t)
        // An address given earlier and kept (not shown to another browser) serves for e-mail.
        if (needed['supporter.email'] && (await getLetterInput(ctx, view.id)).email)
          delete needed['supporter.email']
        if (Object.keys(needed).length > 0) {
          const parsed = parseLetterInput(form, request.t)
          throw new ValidationError({ ...('errors' in parsed ? parsed.errors : {}), ...needed })
        }
        const letter = await updateLetter(
          ctx,
          request.params.id,
          form,
          draftSecretFor(request, request.params.id),
          request.t,
        )
        if (joinOfferTicked(form)) await joinWithLetter(ctx, letter.id, request.log, request.siteLanguage)
        if (askedDelivery(state, form) === 'email') {
          await requestEmail?.(letter.id)
          clearDraftCookie(reply, ctx, letter.state.iso3)
        }
        return reply.redirect(`/letters/${letter.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(422).viewAsync('pages/letters/compose.hbs', await page(error.errors))
      }
    },
  )
}
