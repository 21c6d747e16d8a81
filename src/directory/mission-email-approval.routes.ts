import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { BadRequestError } from '../lib/errors.js'
import { isCalendarDate } from '../lib/form-fields.js'
import { RowId } from '../lib/schema-types.js'
import { permittedForm, signedIn } from '../organizers/index.js'
import { approveEmailChanges, type BulkApprovalScope } from './mission-email-bulk.js'
import { approveEmailChange, rejectEmailChange } from './mission-email-changes.js'

const CHANGE_PARAMS = { params: Type.Object({ id: RowId() }) }

/**
 * A new mission e-mail address waits for a second admin: approving them all (or one import's),
 * approving or rejecting one. Inside the organizers' area: paths relative to /organizers.
 */
export const missionEmailApprovalRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
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
      { ...permittedForm(app, 'directory.approve_email'), schema: CHANGE_PARAMS },
      async (request, reply) => {
        const admin = signedIn(request)
        const decide = decision === 'approve' ? approveEmailChange : rejectEmailChange
        await decide(ctx, admin, request.params.id)
        const done = decision === 'approve' ? 'approved' : 'rejected'
        return reply.redirect(`/organizers/directory?decided=${done}#email-changes`, 303)
      },
    )
  }
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
