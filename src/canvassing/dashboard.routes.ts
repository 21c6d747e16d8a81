import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { COUNCIL_SIZE, findCouncilMembersOn } from '../directory/index.js'
import { COVERAGE_STATUS_LABELS, POSITION_LABELS } from '../lib/labels.js'
import { organizerPageData, requirePermission } from '../organizers/index.js'
import { getSourceFigures, type SourceFigures, sourcesCsv } from '../partners/index.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import { getAsksOverview } from './ask-figures.js'
import { askRows } from './asks-table.js'
import { type Coverage, getCoverage, personalNoteShare, type StateCoverage } from './coverage.service.js'
import { renderCoverageChart } from './coverage-chart.js'
import { coverageCsv } from './coverage-csv.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'
import { ASK_MAP_PALETTE, type AskFilter, askFilter, askMapEntries, askOptions } from './dashboard-ask.js'
import {
  coverageCsvHref,
  DashboardQuery,
  dashboardHref,
  filterOptions,
  filterStates,
  groupProgress,
  percent,
  shareText,
  sortHeaders,
  sortOf,
  sortStates,
  stateRow,
} from './dashboard-view.js'
import { getResponsiveness, type ResponsivenessRow } from './engagements.service.js'
import { renderMapLegend, renderWorldMap } from './world-map.js'

const numbers = new Intl.NumberFormat('en-GB')

/**
 * The organizers' dashboard (coverage, Council, map, table, chart, replies) and its CSV export,
 * inside the organizers' area (organizers-area.ts): paths relative to /organizers.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Every role reads these: counts and positions, no person's details (the CSV neither).
  app.addHook('onRequest', requirePermission('canvassing.view'))

  app.get(
    '/',
    { preValidation: dropEmptyQueryValues, schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const query = request.query
      const [coverage, responsiveness, sources] = await Promise.all([
        getCoverage(ctx, 'organizers'),
        getResponsiveness(ctx),
        getSourceFigures(ctx, { unknownLimit: UNKNOWN_SOURCES_SHOWN }),
      ])
      const council = await councilPanel(ctx, coverage)
      const overview = await getAsksOverview(ctx, coverage)
      const allAsks = overview.asks.map((a) => a.ask)
      const chosen = await askFilter(ctx, query.ask, allAsks)
      const asks = askRows(overview)
      const { key, dir } = sortOf(query)
      const rows = sortStates(filterStates(coverage.states, query, chosen?.targets), key, dir).map((s) => ({
        ...stateRow(s),
        askLetters: chosen ? numbers.format(chosen.lettersTo(s.iso3)) : null,
      }))
      const { totals } = coverage
      const filtered = isFiltered(query)
      return reply.viewAsync('pages/canvassing/dashboard.hbs', {
        ...organizerPageData(request, reply),
        title: 'Dashboard',
        on: coverage.on,
        totals,
        percent: percent(totals.canvassed, totals.memberStates),
        lettersWritten: numbers.format(totals.lettersWritten),
        lettersDelivered: numbers.format(totals.lettersDelivered),
        lettersWithPersonalNote: numbers.format(totals.lettersWithPersonalNote),
        personalNoteShare: shareText(
          personalNoteShare({
            written: totals.lettersWritten,
            withPersonalNote: totals.lettersWithPersonalNote,
          }),
        ),
        csvHref: coverageCsvHref(query),
        breakdown: COVERAGE_STATUSES.map((status) => ({
          status,
          label: COVERAGE_STATUS_LABELS[status] ?? status,
          count: totals.byStatus[status],
        })),
        groups: groupProgress(coverage),
        council,
        map: chosen ? askMap(coverage, chosen) : dashboardMap(coverage),
        chosenAsk: chosen && {
          id: chosen.ask.id,
          title: chosen.ask.title,
          targets: chosen.targets.size,
          letters: numbers.format(chosen.ask.targetStates.reduce((n, iso3) => n + chosen.lettersTo(iso3), 0)),
        },
        legend: renderMapLegend(
          COVERAGE_STATUSES.map((status) => ({
            status,
            label: COVERAGE_STATUS_LABELS[status] ?? status,
            count: totals.byStatus[status],
          })),
        ),
        chart: renderCoverageChart(coverage.timeline, {
          on: coverage.on,
          idPrefix: 'coverage-chart',
          description: timelineText(coverage),
        }),
        timeline: [...coverage.timeline].reverse(),
        query,
        filtered,
        options: { ...filterOptions(query), asks: askOptions(allAsks, query.ask) },
        headers: sortHeaders(query),
        clearHref: dashboardHref({ sort: query.sort, dir: query.dir }),
        rows,
        responsiveness: responsiveness.map(replyRow),
        sources: sourceRows(sources),
        asks,
      })
    },
  )

  // The dashboard's table as CSV: the same filters and order (the page's link carries its query).
  app.get(
    '/coverage.csv',
    { preValidation: dropEmptyQueryValues, schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const query = request.query
      const [coverage, responsiveness, chosen] = await Promise.all([
        getCoverage(ctx, 'organizers'),
        getResponsiveness(ctx),
        askFilter(ctx, query.ask),
      ])
      const { key, dir } = sortOf(query)
      const states = sortStates(filterStates(coverage.states, query, chosen?.targets), key, dir)
      const file = `coverage-${coverage.on}${isFiltered(query) ? `${chosen ? `-ask-${chosen.ask.id}` : ''}-filtered` : ''}.csv`
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(coverageCsv(states, responsiveness, chosen ?? undefined))
    },
  )

  // The "By source" table with every code, none left out: counts, no person (as the coverage CSV).
  app.get('/sources.csv', async (_request, reply) => {
    const figures = await getSourceFigures(ctx)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sources-${ctx.clock.today()}.csv"`)
      .send(sourcesCsv(figures))
  })
}

function isFiltered(query: DashboardQuery): boolean {
  return Boolean(
    query.group || query.status || query.position || query.council || query.noLetter || query.ask,
  )
}

/** Codes no partner has, shown on the dashboard (anyone can make a link with a code); the CSV has all. */
const UNKNOWN_SOURCES_SHOWN = 25

/** The "By source" table as the template shows it. */
function sourceRows(figures: SourceFigures) {
  return {
    rows: figures.rows.map((row) => ({
      ...row,
      isPartner: row.kind === 'partner',
      isUnknown: row.kind === 'unknown',
      letters: numbers.format(row.letters),
      emailed: numbers.format(row.emailed),
      members: numbers.format(row.members),
    })),
    moreUnknown: figures.moreUnknown ? numbers.format(figures.moreUnknown) : null,
  }
}

/** The Council's members with their status, position and (elected members) the end of their term. */
async function councilPanel(ctx: AppContext, coverage: Coverage) {
  const seats = await findCouncilMembersOn(ctx, coverage.on)
  const termEnd = new Map(seats.map((s) => [s.iso3, s.securityCouncil?.termEnd ?? null]))
  const member = (s: StateCoverage) => ({
    ...stateRow(s),
    termEndYear: termEnd.get(s.iso3)?.slice(0, 4) ?? null,
  })
  const known = coverage.council.permanent.length + coverage.council.elected.length
  return {
    permanent: coverage.council.permanent.map(member),
    elected: coverage.council.elected.map(member),
    // Fewer than 15 on record: said plainly, with where to enter the newly elected.
    incomplete: known < COUNCIL_SIZE ? { known, year: coverage.on.slice(0, 4) } : null,
  }
}

let lastMap: { key: string; svg: string } | undefined

/**
 * The map, drawn again only when a state's status or position changed (~6 ms and 140 KB of
 * SVG otherwise spent on every view). @NOTE hence no letter counts in the tooltips: they change
 * with every letter, statuses and positions seldom; the table gives the counts.
 */
function dashboardMap(coverage: Coverage): string {
  const entries = new Map(
    coverage.states.map((s) => [
      s.iso3,
      {
        status: s.status,
        href: `/organizers/states/${s.iso3.toLowerCase()}`,
        label: `${s.name}: ${COVERAGE_STATUS_LABELS[s.status]}${s.position === 'unknown' ? '' : `, ${POSITION_LABELS[s.position]}`}`,
      },
    ]),
  )
  const key = [...entries.values()].map((e) => `${e.status}|${e.label}`).join('\n')
  if (lastMap?.key !== key) {
    const svg = renderWorldMap(entries, {
      idPrefix: 'dashboard-map',
      legend: false,
      title: 'Map of the member states by coverage status',
      description:
        'Each member state is coloured by its status (and position, once known) and links to its page. The table "Member states" below gives the same information.',
    })
    lastMap = { key, svg }
  }
  return lastMap.svg
}

/** The map with only the chosen ask's targets coloured (renderWorldMap keeps recent drawings). */
function askMap(coverage: Coverage, chosen: AskFilter): string {
  return renderWorldMap(askMapEntries(coverage.states, chosen), {
    idPrefix: 'dashboard-map',
    legend: false,
    palette: ASK_MAP_PALETTE,
    title: `Map of the target states of the ask “${chosen.ask.title}” by coverage status`,
    description:
      'Each target state of the ask is coloured by its status and links to its page, its letters within the ask in its label; the other member states are grey. The table "Member states" below gives the same information.',
  })
}

function timelineText(coverage: Coverage): string {
  const first = coverage.timeline[0]
  const last = coverage.timeline.at(-1)
  if (!first || !last) return 'No member state has been canvassed yet.'
  return `The first member state was canvassed on ${first.date}; ${last.canvassed} of ${coverage.totals.memberStates} had been by ${last.date}. The figures are listed under the chart.`
}

function replyRow(r: ResponsivenessRow) {
  return {
    ...r,
    href: `/organizers/states/${r.iso3.toLowerCase()}`,
    rate: r.replyRate === null ? null : `${Math.round(r.replyRate * 100)}%`,
  }
}
