import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import type { ReplyAnswer } from '../db/schema.js'
import { ValidationError } from '../lib/errors.js'
import {
  answerReplyRequest,
  asReplyAnswer,
  findReplyQuestion,
  REPLY_ANSWERS,
  type ReplyQuestion,
} from './reply-requests.js'

// Checked by the service (404 for anything that is not a link we sent), not by a pattern here: a
// truncated link gets the same "not valid" page as a wrong one. (Fastify refuses a path segment
// over 100 characters with 414 before this.)
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
const PageQuery = Type.Object({
  answer: Type.Optional(Type.String({ maxLength: 40 })),
  thanks: Type.Optional(Type.String({ maxLength: 5 })),
})

/** An answer as the page names it, in the page's language. */
const answerLabel = (request: FastifyRequest, answer: ReplyAnswer): string =>
  request.t(`delivery.reply.answers.${answer}`)

/** The writer's page for "did the mission reply?": the question, and their answer. */
export const repliesRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/replies/:token',
    { schema: { params: TokenParams, querystring: PageQuery } },
    async (request, reply) => {
      const question = await findReplyQuestion(ctx, request.params.token)
      return page(request, reply, request.params.token, question, {
        // The link chosen in the e-mail is only highlighted: see the POST below.
        chosen: asReplyAnswer(request.query.answer),
        thanks: request.query.thanks === '1' && question.answer !== null,
      })
    },
  )

  // @NOTE an answer is recorded only by this POST, from the page's buttons, never by opening the
  // e-mail's link (a GET): mail scanners and link previewers open every link in a message, and
  // would record answers nobody gave, all three of them, one after the other.
  app.post('/replies/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params
    try {
      await answerReplyRequest(ctx, token, request.body)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const question = await findReplyQuestion(ctx, token)
      // The one field the service checks, worded in English for the JSON API: here in the page's words.
      const errors = {
        ...error.errors,
        ...(error.errors.answer ? { answer: request.t('delivery.reply.errors.answer') } : {}),
      }
      return page(request, reply.code(422), token, question, { chosen: null, thanks: false, errors })
    }
    return reply.redirect(`/replies/${token}?thanks=1`, 303)
  })
}

function page(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  question: ReplyQuestion,
  state: { chosen: ReplyAnswer | null; thanks: boolean; errors?: Record<string, string> },
) {
  // The token is in the address: keep it out of caches and of Referer headers to other sites
  // (same-origin, not no-referrer: under that, browsers send "Origin: null" with its form).
  reply
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-robots-tag', 'noindex')
  const highlighted = state.chosen ?? question.answer
  return reply.viewAsync('pages/delivery/reply.hbs', {
    title: request.t('delivery.reply.title', { state: question.stateName }),
    token,
    question,
    answerLabel: question.answer ? answerLabel(request, question.answer) : null,
    chosenLabel: state.chosen ? answerLabel(request, state.chosen) : null,
    thanks: state.thanks,
    errors: state.errors ?? {},
    choices: REPLY_ANSWERS.map((value) => ({
      value,
      label: answerLabel(request, value),
      highlighted: value === highlighted,
      recorded: value === question.answer,
    })),
  })
}
