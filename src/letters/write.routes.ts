import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { getStateForLetters, Iso3Params, listStates, stateNameIn } from '../directory/index.js'
import { isSiteLanguage, type SiteLanguage, sortByName } from '../i18n/index.js'
import { ValidationError } from '../lib/errors.js'
import { joinFromLetter } from '../members/index.js'
import { clearDraftCookie, newDraftSecret, readDraftCookie, setDraftCookie } from './draft-cookie.js'
import { previewDraft } from './letter-draft-preview.js'
import { joinOfferTicked, parseLetterInput } from './letter-input.js'
import { paperAttributes } from './letter-paper.js'
import { LetterIdParams } from './letters.schemas.js'
import { createLetter, getLetter, getLetterInput, isOwnDraft, suggestState } from './letters.service.js'
import { renderLetterPaper } from './letters.web.js'
import { nextSteps } from './next-steps.js'
import {
  askedDelivery,
  composeModel,
  deliveryErrors,
  PrefillQuery,
  prefill,
  prefillQueryString,
} from './write-form.js'

export const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))

/** A held letter's review as its writer may read it: refused and why, or the lines taken out. */
export type ReviewNoteOf = (
  letterId: string,
) => Promise<{ outcome: string | null; reason: string | null; removed: string[] } | null>

export interface WriteRoutesOptions {
  ctx: AppContext
  /** Sends the writer the link to confirm e-mail delivery (delivery.service, wired in app.ts). */
  requestEmail?: (letterId: string) => Promise<unknown>
  /** What the writer may read of the letter's review, if it was held (delivery's moderation, wired in app.ts). */
  reviewNote?: ReviewNoteOf
  /**
   * The flow framed on a partner's page (registered under /embed): the compact layout, framable
   * by EMBED_ORIGINS only (security.ts), and nothing that needs a cookie, which a framed page on
   * another site may not be able to set: the letter's unguessable address carries it on.
   */
  embed: boolean
}

/**
 * Choosing a state, writing (the letter shown beside the form), and the letter's page after it.
 * Registered twice: at the site's root and under /embed; `base` prefixes every address it links.
 */
export const writeRoutes: FastifyPluginAsyncTypebox<WriteRoutesOptions> = async (
  app,
  { ctx, requestEmail, reviewNote, embed },
) => {
  const base = embed ? '/embed' : ''
  const page = (data: object) => ({ ...data, embed, base })
  // The framed flow keeps the page's language in its addresses: a framed page may get no cookie.
  const withLanguage = (request: FastifyRequest, url: string, always = false): string => {
    if (!embed) return url
    const asked = (request.query as { lang?: unknown } | undefined)?.lang
    const language = isSiteLanguage(asked) ? asked : always ? request.siteLanguage : null
    return language ? `${url}${url.includes('?') ? '&' : '?'}lang=${language}` : url
  }
  const composePage = (request: FastifyRequest, notices?: string[]) => ({
    language: request.siteLanguage,
    notices,
    base,
    embed,
  })
  const letterLimit = { rateLimit: { max: ctx.config.rateLimits.letters, timeWindow: '1 hour' } }

  app.get('/write', { schema: { querystring: PrefillQuery } }, async (request, reply) => {
    const { states } = await listStates(ctx)
    const { form } = prefill(request.query)
    // By their names in the page's language, in its order (the template names them the same way).
    const language = request.siteLanguage
    const named = sortByName(
      language,
      states.map((state) => ({ state, name: stateNameIn(language, state.iso3, state.name) })),
      (each) => each.name,
    )
    return reply.viewAsync(
      'pages/letters/choose.hbs',
      page({
        title: request.t('write.choose.title'),
        states: named.map(({ state }) => state),
        source: form.source ?? null,
        query: withLanguage(request, prefillQueryString(request.query), true),
      }),
    )
  })

  // A prefilled link's choices (template, language, source) go on to the state drawn.
  app.get('/write/suggest', { schema: { querystring: PrefillQuery } }, async (request, reply) => {
    const state = await suggestState(ctx)
    const query = prefillQueryString(request.query)
    return reply
      .header('cache-control', 'no-store')
      .redirect(withLanguage(request, `${base}/write/${state.iso3.toLowerCase()}${query}`), 303)
  })

  // The state chooser submits ?state=fra; send it to the letter's own address.
  app.get(
    '/write/go',
    {
      schema: {
        querystring: Type.Intersect([PrefillQuery, Type.Object({ state: Type.Optional(Type.String()) })]),
      },
    },
    async (request, reply) => {
      const code = (request.query.state ?? '').trim().toLowerCase()
      const query = prefillQueryString(request.query)
      return reply.redirect(
        withLanguage(
          request,
          /^[a-z]{3}$/.test(code) ? `${base}/write/${code}${query}` : `${base}/write${query}`,
        ),
        303,
      )
    },
  )

  app.get(
    '/write/:iso3',
    {
      schema: {
        params: Iso3Params,
        querystring: Type.Intersect([PrefillQuery, Type.Object({ new: Type.Optional(Type.String()) })]),
      },
    },
    async (request, reply) => {
      const { state } = await getStateForLetters(ctx, request.params.iso3)
      // A second attempt from the same browser edits the draft it already wrote to this state;
      // a cookie for a letter since sent (or never this browser's) is dropped.
      const draft = request.query.new === undefined && !embed ? readDraftCookie(request, state.iso3) : null
      if (draft) {
        if (await isOwnDraft(ctx, draft.letterId, state.iso3, draft.secret))
          return reply.redirect(`/letters/${draft.letterId}/edit`, 303)
        clearDraftCookie(reply, ctx, state.iso3)
      }
      const { form, notices } = prefill(request.query, request.t)
      const preview = await previewDraft(ctx, state.iso3, form)
      return reply.viewAsync(
        'pages/letters/compose.hbs',
        page(composeModel(state, form, {}, preview, composePage(request, notices))),
      )
    },
  )

  // The preview follows the writer's typing (debounced by the page's script): many per letter.
  const previewLimit = { rateLimit: { max: ctx.config.rateLimits.letters * 20, timeWindow: '1 hour' } }

  // The letter as the form stands, for the page's script to show beside the form: nothing stored.
  app.post(
    '/write/:iso3/preview',
    { config: previewLimit, schema: { params: Iso3Params, body: FormBody } },
    async (request, reply) => {
      const preview = await previewDraft(ctx, request.params.iso3, request.body)
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(renderLetterPaper(preview.document))
    },
  )

  app.post(
    '/write/:iso3',
    { config: letterLimit, schema: { params: Iso3Params, body: FormBody } },
    async (request, reply) => {
      const form: Record<string, unknown> = { ...request.body, state: request.params.iso3 }
      const { state } = await getStateForLetters(ctx, request.params.iso3)
      // "Update the letter" (the page without JavaScript): the form again, the letter redrawn.
      if (form.intent === 'preview') {
        const preview = await previewDraft(ctx, state.iso3, form)
        return reply.viewAsync(
          'pages/letters/compose.hbs',
          page(composeModel(state, form, {}, preview, composePage(request))),
        )
      }
      const delivery = askedDelivery(state, form)
      try {
        const needed = deliveryErrors(state, form, request.t)
        if (Object.keys(needed).length > 0) {
          const parsed = parseLetterInput(form, request.t)
          throw new ValidationError({ ...('errors' in parsed ? parsed.errors : {}), ...needed })
        }
        const { secret, hash } = newDraftSecret()
        const letter = await createLetter(ctx, form, {
          draftTokenHash: hash,
          t: request.t,
          siteLanguage: request.siteLanguage,
        })
        if (joinOfferTicked(form)) await joinWithLetter(ctx, letter.id, request.log, request.siteLanguage)
        if (!embed) setDraftCookie(reply, ctx, letter.state.iso3, { letterId: letter.id, secret })
        // Chosen to be e-mailed: the confirmation link goes out now; the form showed the letter.
        if (delivery === 'email') {
          await requestEmail?.(letter.id)
          if (!embed) clearDraftCookie(reply, ctx, letter.state.iso3)
        }
        return reply.redirect(withLanguage(request, `${base}/letters/${letter.id}`), 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const preview = await previewDraft(ctx, state.iso3, form)
        return reply
          .code(422)
          .viewAsync(
            'pages/letters/compose.hbs',
            page(composeModel(state, form, error.errors, preview, composePage(request))),
          )
      }
    },
  )

  app.get(`/letters/:id`, { schema: { params: LetterIdParams } }, async (request, reply) => {
    const letter = await getLetter(ctx, request.params.id)
    // Whether to offer e-mail delivery: the mission as it is now, not as the letter recorded it.
    const { state } = await getStateForLetters(ctx, letter.state.iso3)
    reply.header('cache-control', 'private, no-store')
    return reply.viewAsync(
      'pages/letters/preview.hbs',
      page({
        title: request.t('write.preview.title', {
          state: stateNameIn(request.siteLanguage, letter.state.iso3, letter.state.name),
        }),
        letter,
        paper: paperAttributes(letter.document),
        missionHasEmail: state.mission.emails.length > 0,
        missionEmailBouncing: state.mission.emailBouncing,
        review: ['held', 'rejected', 'queued', 'sending', 'sent'].includes(letter.status)
          ? await reviewNote?.(letter.id)
          : null,
        // The writer's source goes on in the links they follow or share from here.
        next: await nextSteps(
          ctx,
          { ...letter, source: (await getLetterInput(ctx, letter.id)).source },
          { base, language: request.siteLanguage, embed },
        ),
      }),
    )
  })
}

/**
 * The writer ticked "join the campaign": a membership request with the letter's name, country
 * and address (the letter's validation required one), once the letter is saved. The letter is
 * what the writer came for: a failed request is logged and never turns it into an error page.
 */
export async function joinWithLetter(
  ctx: AppContext,
  publicId: string,
  log: FastifyBaseLogger,
  siteLanguage: SiteLanguage,
): Promise<void> {
  try {
    const { view, email, source } = await getLetterInput(ctx, publicId)
    if (email)
      await joinFromLetter(ctx, {
        name: view.supporter.name,
        email,
        country: view.supporter.country,
        source,
        siteLanguage,
      })
  } catch (error) {
    log.error({ err: error }, 'joining the campaign from a letter failed')
  }
}
