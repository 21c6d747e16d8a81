import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import { COVERAGE_STATUS_LABELS } from '../lib/labels.js'
import { parseSourceCode } from '../lib/source-code.js'
import { getCampaignSummary } from './campaign-summary.js'
import { renderStateGrid } from './state-grid.js'

const numbers = new Intl.NumberFormat('en-GB')

/** The home page: the campaign's ask, one button to write, how far it has reached, joining. */
export const homeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/', async (request, reply) => {
    const summary = await getCampaignSummary(ctx)
    // A shared link (/?source=amnesty-ke) carries its partner's code on to writing and joining.
    const { source } = parseSourceCode((request.query as { source?: unknown }).source)
    return reply.viewAsync('pages/home.hbs', {
      title: 'End impunity for sexual abuse by UN peacekeepers',
      description:
        'Code Blue asks the 193 UN member states to back an independent Special Court Mechanism for sexual exploitation and abuse by peacekeepers. Write to an ambassador.',
      summary,
      sourceQuery: source ? `?source=${source}` : '',
      stateGrid: renderStateGrid(summary.cells),
      percent: summary.memberStates ? Math.round((summary.canvassed / summary.memberStates) * 100) : 0,
      lettersWritten: count(summary.lettersWritten, 'letter', 'letters'),
      lettersDelivered: numbers.format(summary.lettersDelivered),
      legend: summary.byStatus.map((s) => ({ ...s, label: COVERAGE_STATUS_LABELS[s.status] ?? s.status })),
    })
  })
}

function count(n: number, one: string, many: string): string {
  return `${numbers.format(n)} ${n === 1 ? one : many}`
}
