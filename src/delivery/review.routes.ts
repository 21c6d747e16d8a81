import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { listAsks, setAskModeration } from '../asks/index.js'
import { LetterIdParams } from '../letters/index.js'
import { ConflictError, ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { MissionEmailBouncingError } from './delivery.service.js'
import { decideHeldLetter, type HeldLetter, listHeldLetters } from './moderation.service.js'
import { markTerms } from './moderation-rules.js'
import { addTerm, listTerms, removeTerm } from './moderation-terms.service.js'

// The organizers' review queue (/organizers/review), the list of words that hold a letter
// (/organizers/review/terms) and an ask's moderation (posted from the ask's edit page). Inside the
// organizers' area: paths relative to /organizers. Every change is audited by its service.

type Form = Record<string, unknown>

const DONE = {
  approved: 'Approved: the letter is queued for e-mail to its mission.',
  rejected: 'Refused: the letter will not be sent, and its writer is told why.',
  edited: 'Edited: the line is taken out, the writer is told, and the letter is queued for e-mail.',
} as const
const QueueQuery = Type.Object({ done: Type.Optional(StringEnum(Object.keys(DONE))) })
const TermsQuery = Type.Object({ done: Type.Optional(StringEnum(['added', 'removed'])) })
const TermParams = Type.Object({ id: RowId() })
const AskParams = Type.Object({ id: RowId() })

const BECAUSE: Record<HeldLetter['heldBecause'], string> = {
  first_time: 'First-time writer (the ask holds first-time writers)',
  all: 'The ask holds every letter',
  term: 'A listed word or phrase',
}

export const reviewRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const queuePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      notice?: string | null
      problem?: string | null
      failed?: { id: string; errors: Record<string, string>; values: Form }
    } = {},
  ) => {
    const [{ total, letters }, asks] = await Promise.all([listHeldLetters(ctx), listAsks(ctx)])
    const askTitles = new Map(asks.map((a) => [a.id, a.title]))
    return reply.viewAsync('pages/delivery/review.hbs', {
      title: 'Organizers: letters held for review',
      ...organizerPageData(request, reply),
      total,
      shown: letters.length,
      more: total > letters.length,
      notice: state.notice ?? null,
      problem: state.problem ?? null,
      letters: letters.map((letter) => {
        const failed = state.failed?.id === letter.id ? state.failed : null
        const marks = [...new Set([...letter.heldTerms, ...letter.termsNow])]
        const typed = (label: string, text: string | null) =>
          text ? [{ label, runs: markTerms(text, marks) }] : []
        return {
          ...letter,
          because: BECAUSE[letter.heldBecause],
          askTitle: letter.askId === null ? null : (askTitles.get(letter.askId) ?? null),
          fields: [
            ...typed('Name', letter.supporter.name),
            ...typed('Organisation', letter.supporter.organization),
            ...typed('Role', letter.supporter.role),
            ...typed(
              'Address',
              [...letter.supporter.addressLines, letter.supporter.city].filter(Boolean).join(', ') || null,
            ),
          ],
          lines: letter.personalNoteLines.map((line, n) => ({
            n,
            blank: line.trim() === '',
            runs: markTerms(line, marks),
          })),
          errors: failed?.errors ?? {},
          reason: typeof failed?.values.reason === 'string' ? failed.values.reason : '',
        }
      }),
    })
  }

  app.get(
    '/review',
    { ...permitted('letters.review'), schema: { querystring: QueueQuery } },
    (request, reply) =>
      queuePage(request, reply, {
        notice: request.query.done ? DONE[request.query.done as keyof typeof DONE] : null,
      }),
  )

  app.post(
    '/review/:id',
    { ...permittedForm(app, 'letters.review'), schema: { params: LetterIdParams } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Form
      try {
        const done = await decideHeldLetter(ctx, actorOf(signedIn(request)), request.params.id, {
          decision: body.decision,
          reason: body.reason,
          removeLines: body.removeLines,
        })
        return reply.redirect(`/organizers/review?done=${done.outcome}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) {
          reply.code(422)
          return queuePage(request, reply, {
            failed: { id: request.params.id, errors: error.errors, values: body },
          })
        }
        if (error instanceof ConflictError || error instanceof MissionEmailBouncingError) {
          reply.code(409)
          return queuePage(request, reply, { problem: error.message })
        }
        throw error
      }
    },
  )

  const termsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { notice?: string | null; error?: string | null; term?: string } = {},
  ) =>
    reply.viewAsync('pages/delivery/review-terms.hbs', {
      title: 'Organizers: words that hold a letter',
      ...organizerPageData(request, reply),
      terms: await listTerms(ctx),
      notice: state.notice ?? null,
      error: state.error ?? null,
      term: state.term ?? '',
    })

  app.get(
    '/review/terms',
    { ...permitted('letters.review'), schema: { querystring: TermsQuery } },
    (request, reply) =>
      termsPage(request, reply, {
        notice: request.query.done ? `The term is ${request.query.done}.` : null,
      }),
  )

  app.post('/review/terms', permittedForm(app, 'letters.review'), async (request, reply) => {
    const body = (request.body ?? {}) as Form
    try {
      await addTerm(ctx, actorOf(signedIn(request)), body.term)
      return reply.redirect('/organizers/review/terms?done=added', 303)
    } catch (error) {
      if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error
      reply.code(error instanceof ConflictError ? 409 : 422)
      const message = error instanceof ValidationError ? (error.errors.term ?? error.message) : error.message
      return termsPage(request, reply, {
        error: message,
        term: typeof body.term === 'string' ? body.term.slice(0, 200) : '',
      })
    }
  })

  app.post(
    '/review/terms/:id/delete',
    { ...permittedForm(app, 'letters.review'), schema: { params: TermParams } },
    async (request, reply) => {
      await removeTerm(ctx, actorOf(signedIn(request)), request.params.id)
      return reply.redirect('/organizers/review/terms?done=removed', 303)
    },
  )

  // From the ask's edit page (canvassing/asks-organizers.routes.ts shows the choice).
  app.post(
    '/asks/:id/moderation',
    { ...permittedForm(app, 'asks.manage'), schema: { params: AskParams } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Form
      await setAskModeration(ctx, actorOf(signedIn(request)), request.params.id, body.moderation)
      return reply.redirect(`/organizers/asks/${request.params.id}/edit?moderation=saved`, 303)
    },
  )
}
