import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { parseSourceCode } from '../lib/source-code.js'
import { getAsksOverview } from './ask-figures.js'
import { currentAsksView } from './asks-progress-view.js'
import { getCampaignSummary } from './campaign-summary.js'
import { getCoverage } from './coverage.service.js'
import { renderStateGrid } from './state-grid.js'

/**
 * The home page: the campaign's ask, one button to write, how far it has reached (the running
 * asks' goals among it), joining.
 */
export const homeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/', async (request, reply) => {
    // One reading of coverage for the summary and the asks' figures.
    const coverage = await getCoverage(ctx, 'public')
    const [summary, asks] = await Promise.all([
      getCampaignSummary(ctx, coverage),
      getAsksOverview(ctx, coverage),
    ])
    // A shared link (/?source=amnesty-ke) carries its partner's code on to writing and joining.
    const { source } = parseSourceCode((request.query as { source?: unknown }).source)
    const { t, siteLanguage } = request
    return reply.viewAsync('pages/home.hbs', {
      title: t('home.ask.title'),
      description: t('home.description'),
      summary,
      currentAsks: currentAsksView(asks, siteLanguage, t),
      sourceQuery: source ? `?source=${source}` : '',
      stateGrid: renderStateGrid(summary.cells),
      percent: summary.memberStates ? Math.round((summary.canvassed / summary.memberStates) * 100) : 0,
      legend: summary.byStatus.map((s) => ({ ...s, label: t(`common.coverageStatus.${s.status}`) })),
    })
  })
}
