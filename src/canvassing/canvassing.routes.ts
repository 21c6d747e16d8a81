import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import { COVERAGE_STATUS_LABELS, POSITION_LABELS } from '../lib/labels.js'
import {
  type Coverage,
  getCoverage,
  pickStatesNeedingLetters,
  type StateCoverage,
} from './coverage.service.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'
import { renderMapLegend, renderWorldMap } from './world-map.js'

const NEEDING_LETTERS = 6
const numbers = new Intl.NumberFormat('en-GB')

/** The public progress page: how many member states were canvassed, on a map and in a table. */
export const canvassingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/progress', async (_request, reply) => {
    const coverage = await getCoverage(ctx)
    const { totals } = coverage
    return reply.viewAsync('pages/canvassing/progress.hbs', {
      title: `${totals.canvassed} of ${totals.memberStates} member states canvassed`,
      description: `Where Code Blue's letters to the UN missions stand: ${totals.canvassed} of ${totals.memberStates} member states canvassed, ${numbers.format(totals.lettersWritten)} letters written, each state's status on a map and in a table.`,
      totals,
      percent: percent(totals.canvassed, totals.memberStates),
      lettersWritten: numbers.format(totals.lettersWritten),
      lettersDelivered: numbers.format(totals.lettersDelivered),
      map: renderWorldMap(mapEntries(coverage), {
        legend: false,
        title: 'Map of the member states by coverage status',
        description:
          'Each member state is coloured by its status and links to its page. The table "Letters per state" below gives the same information.',
      }),
      legend: renderMapLegend(
        COVERAGE_STATUSES.map((status) => ({
          status,
          label: COVERAGE_STATUS_LABELS[status] ?? status,
          count: totals.byStatus[status],
        })),
      ),
      groups: coverage.groups.map((g) => ({ ...g, percent: percent(g.canvassed, g.memberStates) })),
      council: { permanent: coverage.council.permanent.map(row), elected: coverage.council.elected.map(row) },
      needing: pickStatesNeedingLetters(coverage, NEEDING_LETTERS).map(row),
      states: coverage.states.map(row),
    })
  })
}

function mapEntries(coverage: Coverage) {
  return new Map(
    coverage.states.map((s) => [
      s.iso3,
      {
        status: s.status,
        href: `/states/${s.iso3.toLowerCase()}`,
        label: `${s.name}: ${COVERAGE_STATUS_LABELS[s.status]}, ${lettersText(s.letters.written)}`,
      },
    ]),
  )
}

/** A state as the page shows it: labels instead of codes, nothing else. */
function row(s: StateCoverage) {
  return {
    iso3: s.iso3,
    slug: s.iso3.toLowerCase(),
    name: s.name,
    status: s.status,
    statusLabel: COVERAGE_STATUS_LABELS[s.status] ?? s.status,
    positionLabel: s.position === 'unknown' ? null : (POSITION_LABELS[s.position] ?? s.position),
    canvassedOn: s.canvassedOn,
    written: numbers.format(s.letters.written),
    delivered: numbers.format(s.letters.delivered),
    lettersText: lettersText(s.letters.written),
  }
}

function lettersText(n: number): string {
  if (n === 0) return 'no letters yet'
  return n === 1 ? '1 letter' : `${numbers.format(n)} letters`
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100)
}
