import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { AppContext } from '../context.js'
import { Iso3Params } from '../directory/directory.schemas.js'
import { getStateForLetters, listStates } from '../directory/directory.service.js'
import { ValidationError } from '../lib/errors.js'
import { LANGUAGE_LABELS } from '../lib/labels.js'
import { CONSENT_TEXT } from '../members/consent.js'
import { joinFromLetter } from '../members/members.service.js'
import {
  clearDraftCookie,
  draftSecretFor,
  newDraftSecret,
  readDraftCookie,
  setDraftCookie,
} from './draft-cookie.js'
import { defaultLanguage } from './letter-compose.js'
import { joinOfferTicked, LIMITS } from './letter-input.js'
import { listTemplates } from './letter-templates.js'
import { LetterIdParams } from './letters.schemas.js'
import {
  createLetter,
  DEFAULT_TEMPLATE,
  getLetter,
  getLetterForEdit,
  getLetterInput,
  isOwnDraft,
  suggestState,
  updateLetter,
} from './letters.service.js'
import { listCountryOptions } from './letters.web.js'

const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'fr', label: 'French (français)' },
  { value: 'es', label: 'Spanish (español)' },
]
const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))

/** The supporter's pages: choose a state, write, preview, edit; printing is the PDF link. */
export const lettersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/write', async (_request, reply) => {
    const { states } = await listStates(ctx)
    return reply.viewAsync('pages/letters/choose.hbs', { title: 'Write to a mission', states })
  })

  app.get('/write/suggest', async (_request, reply) => {
    const state = await suggestState(ctx)
    return reply.header('cache-control', 'no-store').redirect(`/write/${state.iso3.toLowerCase()}`, 303)
  })

  // The state chooser submits ?state=fra; send it to the letter's own address.
  app.get(
    '/write/go',
    { schema: { querystring: Type.Object({ state: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const code = (request.query.state ?? '').trim().toLowerCase()
      return reply.redirect(/^[a-z]{3}$/.test(code) ? `/write/${code}` : '/write', 303)
    },
  )

  app.get(
    '/write/:iso3',
    { schema: { params: Iso3Params, querystring: Type.Object({ new: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const { state } = await getStateForLetters(ctx, request.params.iso3)
      // A second attempt from the same browser edits the draft it already wrote to this state;
      // a cookie for a letter since sent (or never this browser's) is dropped.
      const draft = request.query.new === undefined ? readDraftCookie(request, state.iso3) : null
      if (draft) {
        if (await isOwnDraft(ctx, draft.letterId, state.iso3, draft.secret))
          return reply.redirect(`/letters/${draft.letterId}/edit`, 303)
        clearDraftCookie(reply, ctx, state.iso3)
      }
      return reply.viewAsync('pages/letters/compose.hbs', composeModel(state, {}, {}))
    },
  )

  const letterLimit = { rateLimit: { max: ctx.config.rateLimits.letters, timeWindow: '1 hour' } }

  app.post(
    '/write/:iso3',
    { config: letterLimit, schema: { params: Iso3Params, body: FormBody } },
    async (request, reply) => {
      const form = { ...request.body, state: request.params.iso3 }
      try {
        const { secret, hash } = newDraftSecret()
        const letter = await createLetter(ctx, form, { draftTokenHash: hash })
        if (joinOfferTicked(form)) await joinWithLetter(ctx, letter.id, request.log)
        setDraftCookie(reply, ctx, letter.state.iso3, { letterId: letter.id, secret })
        return reply.redirect(`/letters/${letter.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const { state } = await getStateForLetters(ctx, request.params.iso3)
        return reply.code(422).viewAsync('pages/letters/compose.hbs', composeModel(state, form, error.errors))
      }
    },
  )

  app.get('/letters/:id', { schema: { params: LetterIdParams } }, async (request, reply) => {
    const letter = await getLetter(ctx, request.params.id)
    // Whether to offer e-mail delivery: the mission as it is now, not as the letter recorded it.
    const { state } = await getStateForLetters(ctx, letter.state.iso3)
    reply.header('cache-control', 'private, no-store')
    return reply.viewAsync('pages/letters/preview.hbs', {
      title: `Your letter to ${letter.state.name}`,
      letter,
      missionHasEmail: state.mission.emails.length > 0,
    })
  })

  app.get('/letters/:id/edit', { schema: { params: LetterIdParams } }, async (request, reply) => {
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
    return reply.viewAsync('pages/letters/compose.hbs', {
      ...composeModel(state, form, {}),
      editing: view,
      emailHidden,
    })
  })

  app.post(
    '/letters/:id/edit',
    // Counted like writing a letter: every save runs the whole input check and re-composes it.
    { config: letterLimit, schema: { params: LetterIdParams, body: FormBody } },
    async (request, reply) => {
      try {
        const letter = await updateLetter(
          ctx,
          request.params.id,
          request.body,
          draftSecretFor(request, request.params.id),
        )
        if (joinOfferTicked(request.body)) await joinWithLetter(ctx, letter.id, request.log)
        return reply.redirect(`/letters/${letter.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const view = await getLetter(ctx, request.params.id)
        const { state } = await getStateForLetters(ctx, view.state.iso3)
        return reply.code(422).viewAsync('pages/letters/compose.hbs', {
          ...composeModel(state, request.body, error.errors),
          editing: view,
        })
      }
    },
  )
}

type StateForLetters = Awaited<ReturnType<typeof getStateForLetters>>['state']

/** What the compose form shows: the state, the choices, what was typed, and the messages. */
function composeModel(state: StateForLetters, form: Record<string, unknown>, errors: Record<string, string>) {
  const value = (field: string): string => {
    const v = form[field]
    return typeof v === 'string' ? v : ''
  }
  const template = value('template') || DEFAULT_TEMPLATE
  const language = value('language') || defaultLanguage(state)
  const country = value('supporter.country')
  const paperSize = value('paperSize')
  const order = ['supporter', 'organization', 'follow-up']
  const templates = listTemplates()
    .filter((t) => t.language === 'en' && t.audience !== 'campaign')
    .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
  return {
    title: `Write to ${state.name}`,
    state,
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, id: fieldId(field), message })),
    values: {
      name: value('supporter.name'),
      organization: value('supporter.organization'),
      role: value('supporter.role'),
      addressLines: value('supporter.addressLines'),
      city: value('supporter.city'),
      email: value('supporter.email'),
      personalNote: value('personalNote'),
      joinCampaign: value('joinCampaign') === 'yes',
    },
    consentText: CONSENT_TEXT,
    templates: templates.map((t) => ({ id: t.id, title: t.title, checked: t.id === template })),
    languages: LANGUAGES.map((l) => ({ ...l, selected: l.value === language })),
    missionLanguages: state.mission.languages.map((code) => LANGUAGE_LABELS[code] ?? code).join(' and '),
    paperSizes: [
      {
        value: '',
        label: 'Automatic: US Letter in the Americas where it is used, A4 elsewhere',
        selected: !paperSize,
      },
      { value: 'a4', label: 'A4', selected: paperSize === 'a4' },
      { value: 'letter', label: 'US Letter', selected: paperSize === 'letter' },
    ],
    countries: listCountryOptions().map((c) => ({ ...c, selected: c.code === country })),
    limits: LIMITS,
  }
}

/**
 * The writer ticked "join the campaign": a membership request with the letter's name, country
 * and address (the letter's validation required one), once the letter is saved. The letter is
 * what the writer came for: a failed request is logged and never turns it into an error page.
 */
async function joinWithLetter(ctx: AppContext, publicId: string, log: FastifyBaseLogger): Promise<void> {
  try {
    const { view, email } = await getLetterInput(ctx, publicId)
    if (email)
      await joinFromLetter(ctx, { name: view.supporter.name, email, country: view.supporter.country })
  } catch (error) {
    log.error({ err: error }, 'joining the campaign from a letter failed')
  }
}

/** The HTML id of a form field, for the error summary's links. */
function fieldId(field: string): string {
  return field.replace(/^supporter\./, '')
}
