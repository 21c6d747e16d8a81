import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { requireOrganizerPage } from './organizer-auth.js'
import { organizerSignInRoutes } from './organizer-sign-in.routes.js'

/** Registers the modules' organizer pages inside the area, with paths relative to /organizers. */
export type OrganizerPages = (area: FastifyInstance) => Promise<void>

export interface OrganizersAreaOptions {
  ctx: AppContext
  pages: OrganizerPages
}

/**
 * onSend hook: an answer about one person, never kept by a browser or a proxy. onSend, not
 * onRequest, so that it holds for redirects and error pages too.
 */
export async function neverCached(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'private, no-store')
}

/**
 * The organizers' area, registered once with the prefix /organizers (as fastify/demo's per-folder
 * autohooks scope a folder): every answer in it concerns one person and is never kept by a
 * browser or a proxy; past the way in (signing in and out, accepting an invitation) strangers are
 * sent to sign in first. The modules' pages register inside it and check only their permission.
 */
export const organizersArea: FastifyPluginAsync<OrganizersAreaOptions> = async (area, { ctx, pages }) => {
  area.addHook('onSend', neverCached)
  await area.register(organizerSignInRoutes, { ctx })
  await area.register(async (signedInArea) => {
    signedInArea.addHook('onRequest', requireOrganizerPage)
    await pages(signedInArea)
  })
}
