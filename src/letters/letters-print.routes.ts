import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { listAsks } from '../asks/index.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { CAMPAIGN_TEMPLATE, campaignMailingStatus, writeCampaignLetters } from './letter-batch.js'
import { listLetterTemplates } from './letter-template-versions.service.js'

const WrittenQuery = Type.Object({ written: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) })

/**
 * The organizers' page of printing: a batch print with filters (letters-print.api.ts draws it)
 * and the campaign's own mailing. Inside the organizers' area (organizers-area.ts): paths
 * relative to /organizers.
 */
export const lettersPrintRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The buttons: a batch print with the filters, and the campaign's mailing. Both need
  // letters.print, as the API and the command do (see the README's roles).
  app.get(
    '/letters',
    { ...permitted('letters.print'), schema: { querystring: WrittenQuery } },
    async (request, reply) => {
      const [mailing, asks] = await Promise.all([campaignMailingStatus(ctx), listAsks(ctx)])
      const templates = new Map<string, string>()
      for (const t of await listLetterTemplates(ctx))
        if (t.language === 'en' || !templates.has(t.id)) templates.set(t.id, t.title)
      return reply.viewAsync('pages/organizers/letters.hbs', {
        ...organizerPageData(request, reply),
        title: 'Organizers: print letters',
        templates: [...templates]
          .map(([id, title]) => ({ id, title }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        asks: asks.map((a) => ({ id: a.id, title: a.title, running: a.running })),
        campaignTemplate: CAMPAIGN_TEMPLATE,
        mailing: { ...mailing, missing: mailing.memberStates - mailing.written },
        signatory: ctx.config.campaign.signatoryName ?? 'the campaign (named in each letter’s language)',
        justWrote: request.query.written === undefined ? null : { count: request.query.written },
      })
    },
  )

  app.post('/letters/mailing', permittedForm(app, 'letters.print'), async (request, reply) => {
    const written = await writeCampaignLetters(ctx, actorOf(signedIn(request)))
    return reply.redirect(`/organizers/letters?written=${written}#mailing`, 303)
  })
}
