import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ErrorSchema, getStateForLetters, stateNameIn } from '../directory/index.js'
import { isSiteLanguage } from '../i18n/index.js'
import { forgetDraft, getLetter, LetterIdParams, paperAttributes } from '../letters/index.js'
import { ValidationError } from '../lib/errors.js'
import {
  confirmEmailDelivery,
  findLetterToConfirm,
  MissionEmailBouncingError,
  requestEmailDelivery,
} from './delivery.service.js'
import { holdDecisionFor } from './moderation-hold.js'

const TokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) })
const SendBody = Type.Object({
  email: Type.Optional(
    Type.String({ maxLength: 254, description: 'Default: the address the letter was written with' }),
  ),
})
const SendAccepted = Type.Object({
  status: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  message: Type.String(),
})

/** E-mail delivery: ask for it (API and page), and the writer's confirmation page. */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const sendLimit = { rateLimit: { max: ctx.config.rateLimits.sends, timeWindow: '1 hour' } }

  app.post(
    '/api/letters/:id/send',
    {
      config: sendLimit,
      schema: {
        tags: ['letters'],
        summary: 'E-mail the letter to the mission: sends its writer a confirmation link first',
        params: LetterIdParams,
        body: Type.Optional(SendBody),
        response: {
          202: SendAccepted,
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await requestEmailDelivery(ctx, request.params.id, request.body ?? {})
      return reply.code(202).send({
        ...result,
        message:
          'A confirmation link was sent to the address given; nothing goes to the mission until it is used.',
      })
    },
  )

  app.post(
    '/letters/:id/send',
    {
      config: sendLimit,
      schema: { params: LetterIdParams, body: Type.Record(Type.String(), Type.String()) },
    },
    async (request, reply) => {
      try {
        await requestEmailDelivery(ctx, request.params.id, request.body)
        // No longer a draft: this browser's cookie has nothing left to reopen.
        forgetDraft(request, reply, ctx, request.params.id)
        // From the framed flow (the form opens a tab of its own): the language it was in, kept.
        return reply.redirect(`/letters/${request.params.id}${languageQuery(request)}`, 303)
      } catch (error) {
        const bouncing = error instanceof MissionEmailBouncingError
        if (!(error instanceof ValidationError) && !bouncing) throw error
        const letter = await getLetter(ctx, request.params.id)
        const { state } = await getStateForLetters(ctx, letter.state.iso3)
        const stateName = stateNameIn(request.siteLanguage, letter.state.iso3, letter.state.name)
        // Bouncing: the page offers print, with the reason, instead of the form.
        return reply.code(422).viewAsync('pages/letters/preview.hbs', {
          title: request.t('write.preview.title', { state: stateName }),
          letter,
          paper: paperAttributes(letter.document),
          missionHasEmail: state.mission.emails.length > 0,
          missionEmailBouncing: state.mission.emailBouncing,
          sendErrors: bouncing ? {} : sendErrorsIn(request, error.errors, stateName),
          sendEmail: request.body.email ?? '',
        })
      }
    },
  )

  app.get('/confirm/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const row = await findLetterToConfirm(ctx, request.params.token)
    const letter = await getLetter(ctx, row.public_id)
    reply.header('cache-control', 'private, no-store').header('referrer-policy', 'same-origin')
    return reply.viewAsync('pages/delivery/confirm.hbs', {
      title: request.t('delivery.confirm.title', {
        state: stateNameIn(request.siteLanguage, letter.state.iso3, letter.state.name),
      }),
      letter,
      paper: paperAttributes(letter.document),
      token: request.params.token,
      // Said before the writer confirms: the ask's moderation (or a listed word) will hold it.
      reviewed: (await holdDecisionFor(ctx.db, row)) !== null,
    })
  })

  // @NOTE confirming is a POST from the page, never the GET of the link: mail scanners open
  // links, and must not send a letter by doing so.
  app.post(
    '/confirm/:token',
    { config: sendLimit, schema: { params: TokenParams } },
    async (request, reply) => {
      const letter = await confirmEmailDelivery(ctx, request.params.token)
      forgetDraft(request, reply, ctx, letter.public_id)
      return reply.redirect(`/letters/${letter.public_id}`, 303)
    },
  )
}

/** `?lang=xx` when the request's address named its language, else ''. */
function languageQuery(request: FastifyRequest): string {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang
  return isSiteLanguage(asked) ? `?lang=${asked}` : ''
}

/**
 * The send form's messages in the page's language. The service words them in English for the JSON
 * API; each of its fields has one meaning on this form: no address (none typed, none with the
 * letter) or one that is not an address, and a mission without an e-mail address.
 */
function sendErrorsIn(
  request: FastifyRequest<{ Body: Record<string, string> }>,
  errors: Record<string, string>,
  stateName: string,
): Record<string, string> {
  const shown = { ...errors }
  if (errors.email !== undefined)
    shown.email = request.t(
      (request.body.email ?? '').trim() === ''
        ? 'delivery.send.errors.emailMissing'
        : 'delivery.send.errors.emailInvalid',
    )
  if (errors.channel !== undefined)
    shown.channel = request.t('delivery.send.errors.noChannel', { state: stateName })
  return shown
}
