import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { correctPrintedDelivery, markPrintedLetterDelivered } from '../letters/index.js'
import { ConflictError, ValidationError } from '../lib/errors.js'
import { COVERAGE_STATUS_LABELS, ENGAGEMENT_KIND_LABELS, POSITION_LABELS } from '../lib/labels.js'
import { RowId } from '../lib/schema-types.js'
import { actorOf, can, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import { editEngagement, editPosition, withdrawEngagement, withdrawPosition } from './corrections.service.js'
import { ENGAGEMENT_KINDS, POSITIONS } from './coverage-rules.js'
import { renderDossierPdf } from './dossier-pdf.js'
import { addEngagement, setPosition } from './engagements.service.js'
import { stateRepliesView } from './mission-replies-view.js'
import {
  type DeskLetter,
  getStateDesk,
  getStateDossier,
  getStateHandOverDossier,
  type StateDesk,
} from './state-desk.service.js'

type Form = Record<string, unknown>

const numbers = new Intl.NumberFormat('en-GB')

const StateParams = Type.Object({ iso3: Type.String({ maxLength: 10 }) })
const DeskQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  saved: Type.Optional(Type.String({ maxLength: 20 })),
  log: Type.Optional(
    Type.Literal('all', { description: 'Show every engagement fetched, not only the newest' }),
  ),
})

/** Engagements shown before "Show all": a popular state gathers hundreds of supporters' answers. */
const LOG_PREVIEW = 100
const LetterParams = Type.Object({
  iso3: Type.String({ maxLength: 10 }),
  letterId: Type.String({ maxLength: 40 }),
})

const SAVED_NOTICES: Record<string, string> = {
  engagement: 'The engagement is logged.',
  position: 'The position is recorded.',
  delivered: 'The letter is marked delivered.',
  reply: 'The reply is recorded; the writers of the letters it answers are told by e-mail.',
  published: 'The position is now shown on the public progress page.',
  unpublished: 'The position is no longer shown on the public pages.',
  corrected: 'The correction is recorded; the version before it is kept in the history.',
  withdrawn: 'The entry is withdrawn: it stays on record and no longer counts.',
  delivery: "The letter's delivery is corrected; what it was is kept in the history.",
}

const CorrectionParams = Type.Object({
  iso3: Type.String({ maxLength: 10 }),
  id: RowId(),
})

/** Where each correction form sits on the page, to come back to it. */
const CORRECTIONS = {
  'engagements/:id/edit': { anchor: 'engagements', saved: 'corrected', run: editEngagement },
  'engagements/:id/withdraw': { anchor: 'engagements', saved: 'withdrawn', run: withdrawEngagement },
  'positions/:id/edit': { anchor: 'position', saved: 'corrected', run: editPosition },
  'positions/:id/withdraw': { anchor: 'position', saved: 'withdrawn', run: withdrawPosition },
} as const

/** Forms that failed: their values and errors, shown again with the page (422). */
interface FormState {
  engagement?: { values: Form; errors: Record<string, string> }
  position?: { values: Form; errors: Record<string, string> }
  /** A correction refused: what was wrong, shown at the top of the page. */
  correction?: { errors: Record<string, string> }
}

/** The organizers' page of one state: coverage, mission, letters, engagements, position, dossier. */
export const stateDeskRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const deskPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    iso3: string,
    page: number,
    forms: FormState = {},
    query: { saved?: string; log?: 'all' } = {},
  ) => {
    const desk = await getStateDesk(ctx, iso3, page)
    const replies = await stateRepliesView(ctx, desk.state.iso3)
    const saved = query.saved
    // A viewer reads the state's coverage and letters' progress, not who wrote them.
    const withPeople = can(request.organizer?.role, 'personal_data.view')
    const view = deskView(desk, query.log === 'all' ? Number.POSITIVE_INFINITY : LOG_PREVIEW, withPeople)
    return reply.viewAsync('pages/canvassing/state.hbs', {
      title: `${desk.state.name}: state desk`,
      ...organizerPageData(request, reply),
      ...view,
      ...replies,
      positions: replies.withReplies(view.positions),
      today: ctx.clock.today(),
      notice: saved && Object.hasOwn(SAVED_NOTICES, saved) ? SAVED_NOTICES[saved] : undefined,
      correctionErrors: Object.values(forms.correction?.errors ?? {}),
      engagementForm: formView(forms.engagement, { kind: 'meeting', occurredOn: ctx.clock.today() }),
      positionForm: formView(forms.position, {
        position: desk.positions.find((p) => !p.withdrawn)?.position ?? 'unknown',
        notedOn: ctx.clock.today(),
      }),
    })
  }

  app.get(
    '/states/:iso3',
    {
      ...permitted('canvassing.view'),
      preValidation: dropEmptyQueryValues,
      schema: { params: StateParams, querystring: DeskQuery },
    },
    async (request, reply) =>
      deskPage(request, reply, request.params.iso3, request.query.page ?? 1, {}, request.query),
  )

  app.post(
    '/states/:iso3/engagements',
    { ...permittedForm(app, 'canvassing.edit'), schema: { params: StateParams } },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form
      const input = { kind: form.kind, occurredOn: form.occurredOn, text: form.text }
      try {
        const added = await addEngagement(ctx, actorOf(signedIn(request)), request.params.iso3, input)
        return reply.redirect(`${deskUrl(added.iso3)}?saved=engagement#engagements`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return deskPage(request, reply, request.params.iso3, 1, {
          engagement: { values: input, errors: error.errors },
        })
      }
    },
  )

  app.post(
    '/states/:iso3/position',
    { ...permittedForm(app, 'canvassing.edit'), schema: { params: StateParams } },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form
      const input = { position: form.position, notedOn: form.notedOn, note: form.note }
      try {
        const set = await setPosition(ctx, actorOf(signedIn(request)), request.params.iso3, input)
        return reply.redirect(`${deskUrl(set.iso3)}?saved=position#position`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return deskPage(request, reply, request.params.iso3, 1, {
          position: { values: input, errors: error.errors },
        })
      }
    },
  )

  app.post(
    '/states/:iso3/letters/:letterId/delivered',
    { ...permittedForm(app, 'canvassing.edit'), schema: { params: LetterParams } },
    async (request, reply) => {
      const { iso3, letterId } = request.params
      const done = await markPrintedLetterDelivered(ctx, actorOf(signedIn(request)), letterId, iso3)
      const page = Number((request.body as Form | undefined)?.page)
      const query = Number.isInteger(page) && page > 1 ? `?page=${page}&saved=delivered` : '?saved=delivered'
      return reply.redirect(`${deskUrl(done.iso3)}${query}#letters`, 303)
    },
  )

  // Corrections: an engagement or a position edited or withdrawn, with the reason (kept, audited).
  for (const [path, correction] of Object.entries(CORRECTIONS)) {
    app.post(
      `/states/:iso3/${path}`,
      { ...permittedForm(app, 'canvassing.edit'), schema: { params: CorrectionParams } },
      async (request, reply) => {
        const { iso3, id } = request.params
        const form = (request.body ?? {}) as Form
        try {
          await correction.run(ctx, actorOf(signedIn(request)), id, form, iso3)
          return reply.redirect(`${deskUrl(iso3)}?saved=${correction.saved}#${correction.anchor}`, 303)
        } catch (error) {
          // Corrected or withdrawn by someone else meanwhile: the page again, as it is now, saying so.
          if (error instanceof ConflictError) {
            reply.code(409)
            return deskPage(request, reply, iso3, 1, { correction: { errors: { revision: error.message } } })
          }
          if (!(error instanceof ValidationError)) throw error
          reply.code(422)
          return deskPage(request, reply, iso3, 1, { correction: { errors: error.errors } })
        }
      },
    )
  }

  app.post(
    '/states/:iso3/letters/:letterId/delivery',
    { ...permittedForm(app, 'canvassing.edit'), schema: { params: LetterParams } },
    async (request, reply) => {
      const { iso3, letterId } = request.params
      const form = (request.body ?? {}) as Form
      try {
        const done = await correctPrintedDelivery(ctx, actorOf(signedIn(request)), letterId, form, iso3)
        return reply.redirect(`${deskUrl(done.iso3)}?saved=delivery#letters`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return deskPage(request, reply, iso3, 1, { correction: { errors: error.errors } })
      }
    },
  )

  app.get(
    '/states/:iso3/dossier.pdf',
    // It names the supporters who wrote: an export of personal data, audited.
    { ...permitted('personal_data.export'), schema: { params: StateParams } },
    async (request, reply) => {
      const dossier = await getStateDossier(ctx, request.params.iso3, actorOf(signedIn(request)))
      const pdf = await renderDossierPdf(dossier)
      const file = `code-blue-dossier-${dossier.state.iso3.toLowerCase()}-${ctx.clock.today()}.pdf`
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(pdf)
    },
  )

  app.get(
    '/states/:iso3/dossier-handover.pdf',
    // No supporter's personal data in it: every organizer may take it (the download is audited).
    { ...permitted('canvassing.view'), schema: { params: StateParams } },
    async (request, reply) => {
      const dossier = await getStateHandOverDossier(ctx, request.params.iso3, actorOf(signedIn(request)))
      const pdf = await renderDossierPdf(dossier)
      const file = `code-blue-dossier-${dossier.state.iso3.toLowerCase()}-${ctx.clock.today()}-handover.pdf`
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(pdf)
    },
  )
}

function deskUrl(iso3: string): string {
  return `/organizers/states/${iso3.toLowerCase()}`
}

function deskView(desk: StateDesk, logLimit: number, withPeople: boolean) {
  const { state, coverage, letters } = desk
  const replies = desk.counts.replies
  const slug = state.iso3.toLowerCase()
  const current = desk.positions.find((p) => !p.withdrawn)
  return {
    state,
    slug,
    tags: desk.tags,
    coverage: coverage && { ...coverage, statusLabel: COVERAGE_STATUS_LABELS[coverage.status] },
    counts: Object.fromEntries(
      (['written', 'printed', 'emailed', 'delivered', 'failed'] as const).map((k) => [
        k,
        numbers.format(desk.counts[k]),
      ]),
    ),
    position: current
      ? { ...current, label: POSITION_LABELS[current.position] }
      : { position: 'unknown', label: POSITION_LABELS.unknown },
    positions: desk.positions.map((p) => ({
      ...p,
      label: POSITION_LABELS[p.position],
      current: p.id === current?.id,
      options: POSITIONS.map((o) => ({ value: o, label: POSITION_LABELS[o], selected: o === p.position })),
    })),
    engagements: desk.engagements.slice(0, logLimit).map((e) => ({
      ...e,
      kindLabel: ENGAGEMENT_KIND_LABELS[e.kind],
      editable: e.source === 'organizer' && !e.withdrawn,
      kinds: ENGAGEMENT_KINDS.map((k) => ({
        value: k,
        label: ENGAGEMENT_KIND_LABELS[k],
        selected: k === e.kind,
      })),
    })),
    engagementCount: desk.engagements.length,
    logHidden: Math.max(0, desk.engagements.length - logLimit),
    replies: replies.asked
      ? Object.fromEntries(
          Object.entries({
            ...replies,
            answered: replies.replied + replies.acknowledged + replies.noReply,
          }).map(([k, v]) => [k, numbers.format(v)]),
        )
      : null,
    letters: {
      ...letters,
      items: letters.items.map((letter) => letterView(letter, withPeople)),
      totalText: numbers.format(letters.total),
      pagesText: numbers.format(letters.pages),
      first: numbers.format(letters.total === 0 ? 0 : (letters.page - 1) * letters.perPage + 1),
      last: numbers.format((letters.page - 1) * letters.perPage + letters.items.length),
      newer: letters.page > 1 ? letters.page - 1 : null,
      older: letters.page < letters.pages ? letters.page + 1 : null,
    },
  }
}

function letterView(letter: DeskLetter, withPeople: boolean) {
  const template = letter.template.replace('-', ' ')
  return {
    ...letter,
    ...(withPeople ? {} : { supporterName: 'A supporter', supporterOrganization: null }),
    templateLabel: template.charAt(0).toUpperCase() + template.slice(1),
    channelLabel: letter.channel === 'email' ? 'E-mail' : letter.printedAt ? 'Paper' : '—',
  }
}

/** A form's fields with what was typed (or the defaults) and each option marked if chosen. */
function formView(state: { values: Form; errors: Record<string, string> } | undefined, defaults: Form) {
  const values = { ...defaults, ...(state?.values ?? {}) }
  const errors = state?.errors ?? {}
  return {
    values,
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
    kinds: ENGAGEMENT_KINDS.map((k) => ({
      value: k,
      label: ENGAGEMENT_KIND_LABELS[k],
      selected: values.kind === k,
    })),
    positions: POSITIONS.map((p) => ({
      value: p,
      label: POSITION_LABELS[p],
      selected: values.position === p,
    })),
  }
}
