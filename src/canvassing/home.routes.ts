import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { parseSourceCode } from '../lib/source-code.js'
import { getCampaignSummary } from './campaign-summary.js'
import { renderStateGrid } from './state-grid.js'

/** The home page: the campaign's ask, one button to write, how far it has reached, joining. */
export const homeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/', async (request, reply) => {
    const summary = await getCampaignSummary(ctx)
    // A shared link (/?source=amnesty-ke) carries its partner's code on to writing and joining.
    const { source } = parseSourceCode((request.query as { source?: unknown }).source)
    const t = request.t
    return reply.viewAsync('pages/home.hbs', {
      title: t('home.ask.title'),
      description: t('home.description'),
      summary,
      sourceQuery: source ? `?source=${source}` : '',
      stateGrid: renderStateGrid(summary.cells),
      percent: summary.memberStates ? Math.round((summary.canvassed / summary.memberStates) * 100) : 0,
      legend: summary.byStatus.map((s) => ({ ...s, label: t(`common.coverageStatus.${s.status}`) })),
    })
  })
}
