import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import {
  ASK_MODERATION_CHOICES,
  ASK_MODERATION_LABELS,
  ASK_TARGET_KINDS,
  ASK_TEXT_LANGUAGES,
  type Ask,
  type AskTexts,
  askModerationOf,
  createAsk,
  getAsk,
  type NewAsk,
  updateAsk,
} from '../asks/index.js'
import type { AskTargetKind, RegionalGroup } from '../db/schema.js'
import { REGIONAL_GROUPS } from '../directory/index.js'
import { HTML_LANG, LANGUAGE_AUTONYMS } from '../i18n/index.js'
import { ValidationError } from '../lib/errors.js'
import { REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { getAsksOverview } from './ask-figures.js'
import { askRows, LANGUAGE_NAMES, TARGET_LABELS } from './asks-table.js'

// The organizers' page of asks (/organizers/asks): every ask with its figures and goals, for
// anyone who reads the dashboard; a form to create one, for those with asks.manage. The form
// carries the CSRF token like every organizers' form; each ask made is audited (ask.create).

const FIELDS = [
  'title',
  'purpose',
  'targetKind',
  'councilOn',
  'group',
  'states',
  'goalStatesCanvassed',
  'goalSupportiveStates',
  'goalLetters',
  'startsOn',
  'endsOn',
  // The title and purpose in the other five UN languages, each optional (title_ar, purpose_ar, …).
  ...ASK_TEXT_LANGUAGES.flatMap((language) => [`title_${language}`, `purpose_${language}`] as const),
] as const
type FormValues = Record<(typeof FIELDS)[number], string>
const ListQuery = Type.Object({ done: Type.Optional(StringEnum(['created', 'saved'])) })
const AskParams = Type.Object({ id: RowId() })
const EditQuery = Type.Object({ moderation: Type.Optional(StringEnum(['saved'])) })
const NOTICES = { created: 'The ask is created.', saved: 'The ask is saved.' } as const

export const asksOrganizersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: Record<string, string> = {},
    notice: string | null = null,
  ) => {
    const overview = await getAsksOverview(ctx, 'organizers')
    return reply.viewAsync('pages/organizers/asks.hbs', {
      title: 'Organizers: asks',
      ...organizerPageData(request, reply),
      asks: askRows(overview),
      campaign: overview.campaign,
      ...formData(values, errors),
      notice,
    })
  }

  app.get(
    '/asks',
    { ...permitted('canvassing.view'), schema: { querystring: ListQuery } },
    async (request, reply) =>
      page(
        request,
        reply,
        emptyForm(ctx.clock.today()),
        {},
        request.query.done ? NOTICES[request.query.done] : null,
      ),
  )

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    ask: Ask,
    values: FormValues,
    errors: Record<string, string> = {},
  ) => {
    // Moderation is its own form (delivery's review.routes.ts takes it), saved on its own.
    const moderation = await askModerationOf(ctx.db, ask.id)
    return reply.viewAsync('pages/organizers/ask-edit.hbs', {
      title: `Organizers: ask ${ask.title}`,
      ...organizerPageData(request, reply),
      ask,
      formAction: `/organizers/asks/${ask.id}`,
      ...formData(values, errors),
      moderations: ASK_MODERATION_CHOICES.map((value) => ({
        value,
        label: ASK_MODERATION_LABELS[value],
        chosen: value === moderation,
      })),
      moderationSaved: (request.query as { moderation?: string } | undefined)?.moderation === 'saved',
    })
  }

  app.get(
    '/asks/:id/edit',
    { ...permitted('asks.manage'), schema: { params: AskParams, querystring: EditQuery } },
    async (request, reply) => {
      const ask = await getAsk(ctx, request.params.id)
      return editPage(request, reply, ask, valuesOf(ask))
    },
  )

  app.post(
    '/asks/:id',
    { ...permittedForm(app, 'asks.manage'), schema: { params: AskParams } },
    async (request, reply) => {
      const values = formValues(request.body)
      try {
        await updateAsk(ctx, actorOf(signedIn(request)), request.params.id, toNewAsk(values))
        return reply.redirect('/organizers/asks?done=saved', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const ask = await getAsk(ctx, request.params.id)
        return editPage(request, reply.code(422), ask, values, error.errors)
      }
    },
  )

  app.post('/asks', permittedForm(app, 'asks.manage'), async (request, reply) => {
    const values = formValues(request.body)
    try {
      await createAsk(ctx, actorOf(signedIn(request)), toNewAsk(values))
      return reply.redirect('/organizers/asks?done=created', 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return page(request, reply.code(422), values, error.errors)
    }
  })
}

/** What the ask form needs: its values, choices and errors. */
function formData(values: FormValues, errors: Record<string, string>) {
  return {
    targetKinds: ASK_TARGET_KINDS.map((kind) => ({
      kind,
      label: TARGET_LABELS[kind],
      chosen: kind === values.targetKind,
    })),
    groups: REGIONAL_GROUPS.map((group) => ({
      group,
      label: REGIONAL_GROUP_LABELS[group],
      chosen: group === values.group,
    })),
    languages: ASK_TEXT_LANGUAGES.map((language) => ({
      language,
      htmlLang: HTML_LANG[language],
      titleId: `title_${language}`,
      name: `${LANGUAGE_NAMES[language]} (${LANGUAGE_AUTONYMS[language]})`,
      title: values[`title_${language}`],
      purpose: values[`purpose_${language}`],
      titleError: errors[`texts.${language}.title`] ?? null,
    })),
    values,
    errors,
    errorList: FIELDS.filter((id) => errors[formKey(id)]).map((id) => ({ id, message: errors[formKey(id)] })),
  }
}

/** An ask's form, filled with what it is now. */
function valuesOf(ask: Ask): FormValues {
  const text = (n: number | null) => (n === null ? '' : String(n))
  return {
    title: ask.title,
    purpose: ask.purpose,
    targetKind: ask.target.kind,
    councilOn: ask.target.councilOn ?? '',
    group: ask.target.group ?? '',
    states: ask.target.kind === 'state_list' ? ask.targetStates.join(', ') : '',
    goalStatesCanvassed: text(ask.goals.statesCanvassed),
    goalSupportiveStates: text(ask.goals.supportiveStates),
    goalLetters: text(ask.goals.letters),
    startsOn: ask.startsOn,
    endsOn: ask.endsOn ?? '',
    ...Object.fromEntries(
      ASK_TEXT_LANGUAGES.flatMap((language) => [
        [`title_${language}`, ask.texts[language]?.title ?? ''],
        [`purpose_${language}`, ask.texts[language]?.purpose ?? ''],
      ]),
    ),
  } as FormValues
}

/** The service's name of a form field's error (goals are nested there). */
function formKey(id: (typeof FIELDS)[number]): string {
  const goal = {
    goalStatesCanvassed: 'statesCanvassed',
    goalSupportiveStates: 'supportiveStates',
    goalLetters: 'letters',
  }
  const text = /^title_(\w+)$/.exec(id)
  if (text) return `texts.${text[1]}.title`
  return id in goal ? `goals.${goal[id as keyof typeof goal]}` : id
}

function emptyForm(today: string): FormValues {
  const values = Object.fromEntries(FIELDS.map((f) => [f, ''])) as FormValues
  return { ...values, targetKind: 'all_members', startsOn: today }
}

function formValues(body: unknown): FormValues {
  const raw = (body ?? {}) as Record<string, unknown>
  return Object.fromEntries(
    FIELDS.map((f) => [f, typeof raw[f] === 'string' ? (raw[f] as string).trim() : '']),
  ) as FormValues
}

/** A goal left blank is none; anything else goes to the service, which names what is wrong. */
const goal = (text: string) => (text === '' ? null : Number(text))

function toNewAsk(values: FormValues): NewAsk {
  return {
    title: values.title,
    purpose: values.purpose,
    targetKind: values.targetKind as AskTargetKind,
    councilOn: values.councilOn || null,
    group: (REGIONAL_GROUPS as readonly string[]).includes(values.group)
      ? (values.group as RegionalGroup)
      : null,
    states: values.states
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((code) => code.toUpperCase()),
    goals: {
      statesCanvassed: goal(values.goalStatesCanvassed),
      supportiveStates: goal(values.goalSupportiveStates),
      letters: goal(values.goalLetters),
    },
    startsOn: values.startsOn,
    endsOn: values.endsOn || null,
    texts: Object.fromEntries(
      ASK_TEXT_LANGUAGES.map((language) => [
        language,
        { title: values[`title_${language}`], purpose: values[`purpose_${language}`] },
      ]),
    ) as AskTexts,
  }
}
