import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { ValidationError } from '../lib/errors.js'
import { RowId } from '../lib/schema-types.js'
import { listAuditEvents } from './audit.repository.js'
import { inviteOrganizer, listTeam, setOrganizerActive } from './organizer-accounts.service.js'
import { organizerPageData, permitted, permittedForm, signedIn } from './organizer-auth.js'
import { actorOf } from './organizers.service.js'
import { ROLE_LABELS } from './permissions.js'

type Form = Record<string, unknown>

/**
 * The team (admins: invitations, accounts on and off) and the audit log, inside the organizers'
 * area (organizers-area.ts): paths relative to /organizers, strangers already sent to sign in.
 */
export const organizersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const teamPage = async (request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}) =>
    reply.viewAsync('pages/organizers/team.hbs', {
      title: 'Organizers: team',
      ...organizerPageData(request, reply),
      team: await listTeam(ctx),
      roleLabels: Object.values(ROLE_LABELS),
      errors: {},
      ...data,
    })

  app.get('/team', permitted('accounts.manage'), async (request, reply) => teamPage(request, reply))

  app.post('/team/invite', permittedForm(app, 'accounts.manage'), async (request, reply) => {
    const form = (request.body ?? {}) as Form
    try {
      const invite = await inviteOrganizer(ctx, actorOf(signedIn(request)), {
        role: form.role,
        note: form.note,
      })
      // Shown once, here: the database keeps only its hash. (No redirect: it would lose it.)
      return teamPage(request, reply, { issued: invite })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return teamPage(request, reply, { errors: error.errors })
    }
  })

  app.post(
    '/team/:id/:change',
    {
      ...permittedForm(app, 'accounts.manage'),
      schema: {
        params: Type.Object({
          id: RowId(),
          change: Type.Enum({ enable: 'enable', disable: 'disable' }),
        }),
      },
    },
    async (request, reply) => {
      await setOrganizerActive(ctx, signedIn(request), request.params.id, request.params.change === 'enable')
      return reply.redirect('/organizers/team', 303)
    },
  )

  app.get('/audit', permitted('audit.view'), async (request, reply) =>
    reply.viewAsync('pages/organizers/audit.hbs', {
      title: 'Organizers: audit log',
      ...organizerPageData(request, reply),
      events: await listAuditEvents(ctx.db, { limit: 500 }),
    }),
  )
}
