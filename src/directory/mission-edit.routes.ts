import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { LANGUAGE_LABELS } from '../lib/labels.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { Iso3Params } from './directory.schemas.js'
import {
  editMission,
  getMissionForEdit,
  MissionChangedError,
  type MissionForEdit,
} from './directory-upkeep.service.js'
import {
  formValuesAsTyped,
  formValuesOf,
  HEAD_STATUSES,
  MISSION_FIELD_IDS,
  MISSION_LANGUAGES,
  type MissionFormValues,
  parseMissionEdit,
} from './mission-edit-input.js'

const HEAD_STATUS_LABELS: Record<string, string> = {
  filled: 'Filled',
  vacant: 'Vacant',
  unknown: 'Not known',
}

const EDIT = 'directory.edit'

/**
 * Organizers correct a mission: its form, and the save (a new, audited version; a new e-mail
 * address waits for a second admin). Inside the organizers' area: paths relative to /organizers.
 */
export const missionEditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const editPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    mission: MissionForEdit,
    values: MissionFormValues,
    data: Record<string, unknown> = {},
  ) => {
    const errors = (data.errors ?? {}) as Record<string, string>
    return reply.viewAsync('pages/directory/upkeep-edit.hbs', {
      title: `Edit the mission of ${mission.stateName}`,
      ...organizerPageData(request, reply),
      mission,
      nextVersion: mission.version + 1,
      values,
      iso3Lower: mission.iso3.toLowerCase(),
      languageOptions: MISSION_LANGUAGES.map((code) => ({
        code,
        label: LANGUAGE_LABELS[code] ?? code,
        checked: values.languages.includes(code),
      })),
      statusOptions: HEAD_STATUSES.map((value) => ({
        value,
        label: HEAD_STATUS_LABELS[value],
        checked: values.headStatus === value,
      })),
      sources: sourceNotes(mission),
      // In the order of the form, so the summary's links go down the page.
      errorList: MISSION_FIELD_IDS.filter((id) => errors[id]).map((id) => ({ id, message: errors[id] })),
      errors,
      ...data,
    })
  }

  app.get(
    '/directory/:iso3/edit',
    { ...permitted(EDIT), schema: { params: Iso3Params } },
    async (request, reply) => {
      const mission = await getMissionForEdit(ctx, request.params.iso3)
      return editPage(request, reply, mission, formValuesOf(mission.details, mission.version))
    },
  )

  app.post(
    '/directory/:iso3/edit',
    { ...permittedForm(app, EDIT), schema: { params: Iso3Params } },
    async (request, reply) => {
      const mission = await getMissionForEdit(ctx, request.params.iso3)
      const parsed = parseMissionEdit(request.body, ctx.clock.today())
      if ('errors' in parsed) {
        reply.code(422)
        return editPage(request, reply, mission, formValuesAsTyped(request.body), { errors: parsed.errors })
      }
      try {
        const outcome = await editMission(ctx, actorOf(signedIn(request)), mission.iso3, parsed.edit)
        const code = mission.iso3.toLowerCase()
        const notices = [
          outcome.saved ? `saved=${code}` : outcome.emailPending ? null : `unchanged=${code}`,
          outcome.emailPending ? `pending=${code}` : null,
        ]
        return reply.redirect(`/organizers/directory?${notices.filter(Boolean).join('&')}`, 303)
      } catch (error) {
        if (!(error instanceof MissionChangedError)) throw error
        // Keep what they typed; the next save goes on top of the version they have now seen.
        reply.code(409)
        const values = { ...formValuesAsTyped(request.body), baseVersion: String(error.current.version) }
        return editPage(request, reply, error.current, values, { changedMeanwhile: true })
      }
    },
  )
}

/** Where each field's current value came from ("From the Blue Book x.json of 2024-12-18"). */
function sourceNotes(mission: MissionForEdit): Record<string, string> {
  const notes: Record<string, string> = {}
  for (const [field, source] of Object.entries(mission.sources)) {
    if (!source) continue
    notes[field] =
      source.kind === 'import'
        ? `From the Blue Book ${source.ref} of ${source.date}`
        : source.kind === 'organizer'
          ? `Edited by ${source.ref} on ${source.date}`
          : `From the seed data of ${source.date}`
  }
  return notes
}
