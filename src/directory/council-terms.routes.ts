import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import type { Permission } from '../organizers/index.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { type CouncilTermFormValues, councilTermFormValues, NOTE_MAX } from './council-term-input.js'
import {
  addCouncilTerm,
  COUNCIL_SIZE,
  CouncilTermConflictError,
  correctCouncilTerm,
  countElectedSeats,
  ELECTED_SEATS,
  type ElectedTermView,
  listElectedTerms,
  listTermChanges,
  removeCouncilTerm,
} from './council-terms.service.js'
import { listStates } from './directory.service.js'

// The organizers' page of Security Council terms (/organizers/council): how many of the ten
// elected seats are known for this year and the next two, the terms on record, a form to add the
// members elected for a term, and a page per term to correct or remove it. Permission
// directory.edit (the Council is part of the directory); forms carry the CSRF token; every change
// is audited and kept in the terms' history.

const EDIT: Permission = 'directory.edit'
const FIELDS = ['state', 'firstYear', 'lastYear', 'note'] as const
const TermParams = Type.Object({ id: RowId() })
const ListQuery = Type.Object({ done: Type.Optional(StringEnum(['added', 'corrected', 'removed'])) })
const NOTICES = {
  added: 'The term is added: the Council panels show it for each year it covers.',
  corrected: 'The term is corrected. The mistaken one is kept in the history below.',
  removed: 'The term is removed. It is kept in the history below, with why.',
} as const

export const councilTermsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const electable = async () =>
    (await listStates(ctx, { membership: 'member' })).states
      .filter((s) => s.securityCouncil?.seat !== 'permanent')
      .map((s) => ({ iso3: s.iso3, name: s.name }))

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: CouncilTermFormValues,
    errors: Record<string, string> = {},
    notice: string | null = null,
  ) => {
    const year = Number(ctx.clock.today().slice(0, 4))
    const [terms, counts, changes, states] = await Promise.all([
      listElectedTerms(ctx),
      countElectedSeats(ctx, [year, year + 1, year + 2]),
      listTermChanges(ctx),
      electable(),
    ])
    return reply.viewAsync('pages/directory/council-terms.hbs', {
      title: 'Organizers: Security Council terms',
      ...organizerPageData(request, reply),
      years: counts.map((c) => ({
        ...c,
        known: c.elected + (COUNCIL_SIZE - ELECTED_SEATS),
        missing: ELECTED_SEATS - c.elected,
        complete: c.elected >= ELECTED_SEATS,
      })),
      terms,
      changes: changes.map(changeLine),
      states: states.map((s) => ({ ...s, selected: s.iso3 === values.state })),
      values,
      errors,
      errorList: errorList(errors),
      notice,
      noteMax: NOTE_MAX,
    })
  }

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    term: ElectedTermView,
    values: CouncilTermFormValues,
    errors: Record<string, string> = {},
  ) => {
    const states = await electable()
    return reply.viewAsync('pages/directory/council-term-edit.hbs', {
      title: `Organizers: Council term ${term.stateName} ${term.firstYear}–${term.lastYear}`,
      ...organizerPageData(request, reply),
      term,
      formAction: `/organizers/council/${term.id}`,
      states: states.map((s) => ({ ...s, selected: s.iso3 === values.state })),
      values,
      errors,
      errorList: errorList(errors),
      noteMax: NOTE_MAX,
    })
  }

  const findTerm = async (id: number) => (await listElectedTerms(ctx)).find((t) => t.id === id)

  app.get('/council', { ...permitted(EDIT), schema: { querystring: ListQuery } }, async (request, reply) =>
    listPage(request, reply, EMPTY, {}, request.query.done ? NOTICES[request.query.done] : null),
  )

  app.post('/council', permittedForm(app, EDIT), async (request, reply) => {
    try {
      await addCouncilTerm(ctx, actorOf(signedIn(request)), request.body)
      return reply.redirect('/organizers/council?done=added', 303)
    } catch (error) {
      const status = refusal(error)
      if (!status) throw error
      const { errors } = error as ValidationError | CouncilTermConflictError
      return listPage(request, reply.code(status), councilTermFormValues(request.body), errors)
    }
  })

  app.get('/council/:id', { ...permitted(EDIT), schema: { params: TermParams } }, async (request, reply) => {
    const term = await findTerm(request.params.id)
    if (!term) return reply.redirect('/organizers/council', 303)
    const values = {
      state: term.iso3,
      firstYear: String(term.firstYear),
      lastYear: String(term.lastYear),
      note: '',
    }
    return editPage(request, reply, term, values)
  })

  app.post(
    '/council/:id',
    { ...permittedForm(app, EDIT), schema: { params: TermParams } },
    async (request, reply) => {
      try {
        await correctCouncilTerm(ctx, actorOf(signedIn(request)), request.params.id, request.body)
        return reply.redirect('/organizers/council?done=corrected', 303)
      } catch (error) {
        const status = refusal(error)
        const term = status ? await findTerm(request.params.id) : undefined
        if (!status || !term) throw error
        const { errors } = error as ValidationError | CouncilTermConflictError
        return editPage(request, reply.code(status), term, councilTermFormValues(request.body), errors)
      }
    },
  )

  app.post(
    '/council/:id/remove',
    { ...permittedForm(app, EDIT), schema: { params: TermParams } },
    async (request, reply) => {
      try {
        await removeCouncilTerm(ctx, actorOf(signedIn(request)), request.params.id, request.body)
        return reply.redirect('/organizers/council?done=removed', 303)
      } catch (error) {
        const term = error instanceof ValidationError ? await findTerm(request.params.id) : undefined
        if (!term) throw error
        const values = {
          state: term.iso3,
          firstYear: String(term.firstYear),
          lastYear: String(term.lastYear),
          note: '',
        }
        return editPage(request, reply.code(422), term, values, {
          removeNote: (error as ValidationError).errors.note ?? '',
        })
      }
    },
  )
}

const EMPTY: CouncilTermFormValues = { state: '', firstYear: '', lastYear: '', note: '' }

/** The form shown again: 422 for fields at fault, 409 for a clash with the terms on record. */
function refusal(error: unknown): 409 | 422 | null {
  if (error instanceof CouncilTermConflictError) return 409
  if (error instanceof ValidationError) return 422
  return null
}

function errorList(errors: Record<string, string>) {
  return [...FIELDS, 'removeNote'].filter((id) => errors[id]).map((id) => ({ id, message: errors[id] }))
}

const term = (iso3: string | null, first: number | null, last: number | null) =>
  iso3 ? `${iso3} ${first}–${last}` : ''

function changeLine(c: Awaited<ReturnType<typeof listTermChanges>>[number]) {
  const before = term(c.before_iso3, c.before_first_year, c.before_last_year)
  const after = term(c.after_iso3, c.after_first_year, c.after_last_year)
  const what =
    c.action === 'add'
      ? `Added ${after}`
      : c.action === 'remove'
        ? `Removed ${before}`
        : `Corrected ${before} to ${after}`
  return {
    at: c.at,
    who: c.actor_label,
    what,
    reason: c.reason,
    fromSeed: c.before_source !== null && c.before_source !== 'organizers',
  }
}
