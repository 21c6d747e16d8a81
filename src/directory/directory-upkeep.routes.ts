import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { BadRequestError, ValidationError } from '../lib/errors.js'
import { isCalendarDate } from '../lib/form-fields.js'
import { LANGUAGE_LABELS } from '../lib/labels.js'
import { StringEnum } from '../lib/schema-types.js'
import { organizerPageData, permitted, permittedForm, signedIn } from '../organizers/organizer-auth.js'
import { actorOf } from '../organizers/organizers.service.js'
import { MAX_UPLOAD_BYTES } from './bluebook-upload-input.js'
import { Iso3Params } from './directory.schemas.js'
import { listStates } from './directory.service.js'
import {
  editMission,
  getMissionForEdit,
  MissionChangedError,
  type MissionForEdit,
} from './directory-upkeep.service.js'
import {
  confirmUpload,
  discardUpload,
  getUpkeepOverview,
  getUpload,
  reportView,
  uploadBlueBook,
} from './directory-upload.service.js'
import {
  formValuesAsTyped,
  formValuesOf,
  HEAD_STATUSES,
  MISSION_FIELD_IDS,
  MISSION_LANGUAGES,
  type MissionFormValues,
  parseMissionEdit,
} from './mission-edit-input.js'
import { approveEmailChanges, type BulkApprovalScope, bulkApprovalOffer } from './mission-email-bulk.js'
import {
  approveEmailChange,
  countAdmins,
  listPendingEmailChanges,
  rejectEmailChange,
} from './mission-email-changes.js'

const UPLOAD_PARAMS = { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) }
const REPORT_QUERY = {
  ...UPLOAD_PARAMS,
  querystring: Type.Object({
    confirmed: Type.Optional(Type.Literal('1')),
    refreshed: Type.Optional(Type.Literal('1')),
  }),
}
const LIST_QUERY = {
  querystring: Type.Object({
    q: Type.Optional(Type.String({ maxLength: 100 })),
    saved: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    pending: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    decided: Type.Optional(StringEnum(['approved', 'rejected'])),
    approvedAll: Type.Optional(Type.Integer({ minimum: 0 })),
    skippedOwn: Type.Optional(Type.Integer({ minimum: 0 })),
    unchanged: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    discarded: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
}
/** Every page here corrects the directory; approving an e-mail address takes an admin. */
const EDIT = 'directory.edit'
const DECIDED_NOTICES = {
  approved: 'Approved: letters to that mission now go to its new e-mail addresses.',
  rejected: 'Rejected: the mission keeps the e-mail addresses it had.',
} as const
const HEAD_STATUS_LABELS: Record<string, string> = {
  filled: 'Filled',
  vacant: 'Vacant',
  unknown: 'Not known',
}

/**
 * Organizers' upkeep of the directory: correct a mission (a new, audited version), and import a
 * Blue Book from the browser: upload, a dry run's report, then confirm or discard.
 */
export const directoryUpkeepRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Scoped to these routes. The fields land in request.body before the CSRF check (a route-level
  // preValidation, which runs after this plugin's own), so the form's _csrf field is checked.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 1, fileSize: MAX_UPLOAD_BYTES, fields: 10, fieldSize: 1000, parts: 12 },
    // A file over the limit is answered on the form, not with a bare 413.
    throwFileSizeLimit: false,
    async onFile(part: MultipartFile) {
      const content = await part.toBuffer()
      part.value = { fileName: part.filename, content, truncated: part.file.truncated }
    },
  })

  // busboy reports a malformed upload (no boundary, a body cut short) as a plain Error, which the
  // app's handler would answer with a 500 (found by npm run fuzz). It is the sender's fault: a
  // 400 saying so, rethrown so the app's handler still writes the answer, page or JSON.
  app.setErrorHandler((error) => {
    if (error instanceof Error && !('statusCode' in error) && /multipart|boundary/i.test(error.message)) {
      throw new BadRequestError(
        'The upload was not a well-formed form (multipart/form-data). Send it again from the page.',
      )
    }
    throw error
  })

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: {
      q?: string
      saved?: string
      unchanged?: string
      pending?: string
      decided?: 'approved' | 'rejected'
      approvedAll?: number
      skippedOwn?: number
      discarded?: number
    },
    data: Record<string, unknown> = {},
  ) => {
    const [list, all, overview, emailChanges, admins] = await Promise.all([
      listStates(ctx, { q: query.q }),
      query.saved || query.unchanged || query.pending ? listStates(ctx) : null,
      getUpkeepOverview(ctx),
      listPendingEmailChanges(ctx),
      countAdmins(ctx),
    ])
    const bulk = bulkApprovalOffer(emailChanges, signedIn(request).id)
    const [onlyImport] = bulk.imports
    const noticeCode = (query.saved ?? query.unchanged)?.toUpperCase()
    const noticeState = all?.states.find((s) => s.iso3 === noticeCode)
    return reply.viewAsync('pages/directory/upkeep.hbs', {
      title: 'Organizers: directory',
      ...organizerPageData(request, reply),
      q: query.q ?? '',
      list,
      overview,
      pending: overview.uploads.filter((u) => u.status === 'pending'),
      decided: overview.uploads.filter((u) => u.status !== 'pending'),
      saved: query.saved ? noticeState : null,
      emailPending: query.pending ? all?.states.find((s) => s.iso3 === query.pending?.toUpperCase()) : null,
      emailDecided: query.decided ? DECIDED_NOTICES[query.decided] : null,
      emailChanges,
      bulk,
      // One form per import, unless a single import holds everything "Approve all" would approve.
      bulkImports: bulk.imports.length === 1 && onlyImport?.count === bulk.others ? [] : bulk.imports,
      bulkDone: query.approvedAll === undefined ? null : bulkNotice(query.approvedAll, query.skippedOwn ?? 0),
      singleAdmin: admins <= 1,
      delayHours: ctx.config.missionEmailChangeDelayHours,
      unchanged: query.unchanged ? noticeState : null,
      discarded: query.discarded ?? null,
      maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024,
      errors: {},
      values: {},
      ...data,
    })
  }

  app.get('/directory', { ...permitted(EDIT), schema: LIST_QUERY }, (request, reply) =>
    listPage(request, reply, request.query),
  )

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

  // A second admin approves every address others proposed (after an import, one per mission), or
  // one import's: what the page listed (`through`), never the admin's own proposals.
  app.post(
    '/directory/email-changes/approve-all',
    permittedForm(app, 'directory.approve_email'),
    async (request, reply) => {
      const scope = parseBulkApproval(request.body)
      const { approved, skippedOwn } = await approveEmailChanges(ctx, signedIn(request), scope)
      return reply.redirect(
        `/organizers/directory?approvedAll=${approved}&skippedOwn=${skippedOwn}#email-changes`,
        303,
      )
    },
  )

  // A second admin approves a new mission e-mail address, or any admin rejects it.
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/directory/email-changes/:id/${decision}`,
      { ...permittedForm(app, 'directory.approve_email'), schema: UPLOAD_PARAMS },
      async (request, reply) => {
        const admin = signedIn(request)
        const decide = decision === 'approve' ? approveEmailChange : rejectEmailChange
        await decide(ctx, admin, request.params.id)
        const done = decision === 'approve' ? 'approved' : 'rejected'
        return reply.redirect(`/organizers/directory?decided=${done}#email-changes`, 303)
      },
    )
  }

  app.post('/directory/import', permittedForm(app, EDIT), async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      const id = await uploadBlueBook(ctx, signedIn(request).id, {
        file: body.file,
        sourceDate: body.sourceDate,
      })
      return reply.redirect(`/organizers/directory/import/${id}`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return listPage(
        request,
        reply,
        {},
        {
          errors: error.errors,
          uploadErrors: ['file', 'sourceDate']
            .filter((id) => error.errors[id])
            .map((id) => ({ id, message: error.errors[id] })),
          values: { sourceDate: typeof body.sourceDate === 'string' ? body.sourceDate.slice(0, 20) : '' },
        },
      )
    }
  })

  app.get('/directory/import/:id', { ...permitted(EDIT), schema: REPORT_QUERY }, async (request, reply) => {
    const upload = await getUpload(ctx, request.params.id)
    const query = request.query
    return reply.viewAsync('pages/directory/upkeep-import.hbs', {
      title: `Blue Book upload #${upload.id}`,
      ...organizerPageData(request, reply),
      upload,
      view: reportView(upload.report),
      justConfirmed: query.confirmed === '1',
      refreshed: query.refreshed === '1',
    })
  })

  app.post(
    '/directory/import/:id/confirm',
    { ...permittedForm(app, EDIT), schema: UPLOAD_PARAMS },
    async (request, reply) => {
      const { id } = request.params
      const result = await confirmUpload(ctx, actorOf(signedIn(request)), id)
      const flag = result.outcome === 'applied' ? 'confirmed' : 'refreshed'
      return reply.redirect(`/organizers/directory/import/${id}?${flag}=1`, 303)
    },
  )

  app.post(
    '/directory/import/:id/discard',
    { ...permittedForm(app, EDIT), schema: UPLOAD_PARAMS },
    async (request, reply) => {
      await discardUpload(ctx, actorOf(signedIn(request)), request.params.id)
      return reply.redirect(`/organizers/directory?discarded=${request.params.id}`, 303)
    },
  )
}

/** The bulk approval form: `through` (the newest change listed), and an import's file and date or neither. */
function parseBulkApproval(body: unknown): BulkApprovalScope {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '')
  // A form sends text; a JSON client may send the number itself.
  const through = Number.isSafeInteger(fields.through) ? String(fields.through) : text('through')
  // A change id: digits only, and short, so Number() reads it exactly.
  if (!/^\d{1,15}$/.test(through) || Number(through) < 1) {
    throw new BadRequestError('through must be the number of the newest change the page listed.', 'through')
  }
  const file = text('importFile')
  const date = text('importDate')
  if (!file && !date) return { through: Number(through) }
  // A file name as recorded (uploads keep 200 characters; a shell import its file's name).
  if (!file || file.length > 1000) {
    throw new BadRequestError(
      'importFile must name the imported file (at most 1,000 characters).',
      'importFile',
    )
  }
  if (!isCalendarDate(date)) {
    throw new BadRequestError('importDate must be the import’s date, written YYYY-MM-DD.', 'importDate')
  }
  return { through: Number(through), import: { file, date } }
}

/** What a bulk approval did, for the notice after the redirect. */
function bulkNotice(
  approved: number,
  skippedOwn: number,
): { approved: number; done: string; skipped: string | null } {
  const done =
    approved === 0
      ? 'No address was approved.'
      : approved === 1
        ? 'Approved 1 new e-mail address: letters to that mission now go to it.'
        : `Approved ${approved} new e-mail addresses: letters to those missions now go to them.`
  const skipped =
    skippedOwn === 0
      ? null
      : skippedOwn === 1
        ? '1 change you proposed yourself was left pending: another admin must approve it.'
        : `${skippedOwn} changes you proposed yourself were left pending: another admin must approve them.`
  return { approved, done, skipped }
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
