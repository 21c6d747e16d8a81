import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { BadRequestError, ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { MAX_UPLOAD_BYTES } from './bluebook-upload-input.js'
import { listStates } from './directory.service.js'
import {
  confirmUpload,
  discardUpload,
  getUpkeepOverview,
  getUpload,
  reportView,
  uploadBlueBook,
} from './directory-upload.service.js'
import { missionEditRoutes } from './mission-edit.routes.js'
import { missionEmailApprovalRoutes } from './mission-email-approval.routes.js'
import { bulkApprovalOffer } from './mission-email-bulk.js'
import { countAdmins, listPendingEmailChanges } from './mission-email-changes.js'

const UPLOAD_PARAMS = { params: Type.Object({ id: RowId() }) }
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
    discarded: Type.Optional(RowId()),
  }),
}
/** Every page here corrects the directory. */
const EDIT = 'directory.edit'
const DECIDED_NOTICES = {
  approved: 'Approved: letters to that mission now go to its new e-mail addresses.',
  rejected: 'Rejected: the mission keeps the e-mail addresses it had.',
} as const

/**
 * Organizers' upkeep of the directory: its overview (states, uploads, e-mail changes waiting),
 * and importing a Blue Book from the browser: upload, a dry run's report, then confirm or
 * discard. Correcting a mission is mission-edit.routes.ts; approving a new e-mail address,
 * mission-email-approval.routes.ts. Inside the organizers' area: paths relative to /organizers.
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
  // The mission's form and the e-mail approvals share this scope: the same parsers and answers.
  await app.register(missionEditRoutes, { ctx })
  await app.register(missionEmailApprovalRoutes, { ctx })

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
