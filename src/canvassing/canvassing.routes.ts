import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AppContext } from '../app-context.js'
import { askTextIn } from '../asks/index.js'
import { COUNCIL_SIZE, stateNameIn } from '../directory/index.js'
import {
  formatNumber,
  HTML_LANG,
  INTL_LOCALE,
  type SiteLanguage,
  sortByName,
  type Translate,
} from '../i18n/index.js'
import { RowId } from '../lib/schema-types.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import { getAsksOverview } from './ask-figures.js'
import { currentAsksView } from './asks-progress-view.js'
import {
  type Coverage,
  getCoverage,
  pickStatesNeedingLetters,
  type StateCoverage,
} from './coverage.service.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'
import { ASK_MAP_PALETTE, type AskFilter, askFilter } from './dashboard-ask.js'
import { publishedPositionStates } from './mission-replies.service.js'
import { renderMapLegend, renderWorldMap } from './world-map.js'

const NEEDING_LETTERS = 6

// `ask` shows one ask's target states on the map (the others grey), its letters in their labels.
const ProgressQuery = Type.Object({
  ask: Type.Optional(
    RowId({ description: 'Only this ask’s target states on the map (its id, as /api/asks lists it)' }),
  ),
})

/** The public progress page: how many member states were canvassed, on a map and in a table. */
export const canvassingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/progress',
    { preValidation: dropEmptyQueryValues, schema: { querystring: ProgressQuery } },
    async (request, reply) => {
      const [coverage, published] = await Promise.all([
        getCoverage(ctx, 'public'),
        publishedPositionStates(ctx),
      ])
      const asks = await getAsksOverview(ctx, coverage)
      const chosen = await askFilter(
        ctx,
        request.query.ask,
        asks.asks.map((a) => a.ask),
      )
      const { totals } = coverage
      const { t, siteLanguage: language } = request
      const row = (s: StateCoverage) => stateRow(s, language, t, published)
      const byName = <T extends { name: string }>(rows: T[]) =>
        sortByName(language, rows, (each) => each.name)
      const figures = { canvassed: totals.canvassed, total: totals.memberStates }
      return reply.viewAsync('pages/canvassing/progress.hbs', {
        title: t('progress.title', figures),
        description: t('progress.description', { ...figures, written: totals.lettersWritten }),
        totals,
        percent: percent(totals.canvassed, totals.memberStates, language),
        currentAsks: currentAsksView(asks, language, t),
        map: renderWorldMap(
          chosen ? askMapEntries(coverage, chosen, language, t) : mapEntries(coverage, language, t),
          {
            legend: false,
            title: t('progress.map.title'),
            description: t('progress.map.description'),
            t,
            ...(chosen ? { palette: ASK_MAP_PALETTE } : {}),
          },
        ),
        legend: chosen
          ? askLegend(coverage, chosen, t)
          : renderMapLegend(
              COVERAGE_STATUSES.map((status) => ({
                status,
                label: t(`common.coverageStatus.${status}`),
                count: totals.byStatus[status],
              })),
            ),
        chosenAsk: chosen && chosenAskView(chosen, language),
        groups: coverage.groups.map((g) => ({
          ...g,
          percent: percent(g.canvassed, g.memberStates, language),
        })),
        council: {
          permanent: byName(coverage.council.permanent.map(row)),
          elected: byName(coverage.council.elected.map(row)),
          incomplete: councilShortfall(coverage, t),
        },
        needing: pickStatesNeedingLetters(coverage, NEEDING_LETTERS).map(row),
        states: byName(coverage.states.map(row)),
      })
    },
  )
}

/** The chosen ask above the map, in the reader's language (else its own, marked). */
function chosenAskView(chosen: AskFilter, language: SiteLanguage) {
  const text = askTextIn(chosen.ask, language)
  return {
    id: chosen.ask.id,
    title: text.title,
    textLang: HTML_LANG[text.language],
    count: chosen.targets.size,
  }
}

/** The map's states with one ask chosen: its targets by status, their letters within it; the others grey. */
function askMapEntries(coverage: Coverage, chosen: AskFilter, language: SiteLanguage, t: Translate) {
  return new Map(
    coverage.states.map((s) => {
      const state = stateNameIn(language, s.iso3, s.name)
      const href = `/states/${s.iso3.toLowerCase()}`
      if (!chosen.targets.has(s.iso3))
        return [s.iso3, { status: 'outside_ask', href, label: t('askmap.outside', { state }) }]
      const label = t('askmap.stateLabel', {
        state,
        status: t(`common.coverageStatus.${s.status}`),
        count: chosen.lettersTo(s.iso3),
      })
      return [s.iso3, { status: s.status, href, label }]
    }),
  )
}

/** The legend with one ask chosen: its targets by status, then the states outside it. */
function askLegend(coverage: Coverage, chosen: AskFilter, t: Translate): string {
  const targets = coverage.states.filter((s) => chosen.targets.has(s.iso3))
  return renderMapLegend(
    [
      ...COVERAGE_STATUSES.map((status) => ({
        status,
        label: t(`common.coverageStatus.${status}`),
        count: targets.filter((s) => s.status === status).length,
      })),
      {
        status: 'outside_ask',
        label: t('askmap.outsideLegend'),
        count: coverage.states.length - targets.length,
      },
    ],
    ASK_MAP_PALETTE,
  )
}

/**
 * What the Council panel says when fewer than its 15 members are on record for the coverage's
 * date (the newly elected not entered yet), rather than showing fewer members without a word.
 */
function councilShortfall(coverage: Coverage, t: Translate): string | null {
  const known = coverage.council.permanent.length + coverage.council.elected.length
  if (known >= COUNCIL_SIZE) return null
  return t('operations.council.incomplete', { known, total: COUNCIL_SIZE, year: coverage.on.slice(0, 4) })
}

function mapEntries(coverage: Coverage, language: SiteLanguage, t: Translate) {
  return new Map(
    coverage.states.map((s) => [
      s.iso3,
      {
        status: s.status,
        href: `/states/${s.iso3.toLowerCase()}`,
        label: t('progress.map.stateLabel', {
          state: stateNameIn(language, s.iso3, s.name),
          status: t(`common.coverageStatus.${s.status}`),
          count: s.letters.written,
        }),
      },
    ]),
  )
}

/** A state as the page shows it: its name and labels in the page's language, nothing else. */
function stateRow(s: StateCoverage, language: SiteLanguage, t: Translate, published: ReadonlySet<string>) {
  return {
    iso3: s.iso3,
    slug: s.iso3.toLowerCase(),
    name: stateNameIn(language, s.iso3, s.name),
    status: s.status,
    statusLabel: t(`common.coverageStatus.${s.status}`),
    // Shown only once an organizer published it (the state desk's choice; none by default).
    positionLabel:
      s.position === 'unknown' || !published.has(s.iso3) ? null : t(`common.position.${s.position}`),
    canvassedOn: s.canvassedOn,
    written: formatNumber(language, s.letters.written),
    delivered: formatNumber(language, s.letters.delivered),
    lettersStatus: t('progress.needing.stateStatus', {
      status: t(`common.coverageStatus.${s.status}`),
      count: s.letters.written,
    }),
  }
}

const percentFormats = new Map<SiteLanguage, Intl.NumberFormat>()

/** "12%", "12 %": the share as the language writes it (the bar's text where it is not drawn). */
function percent(part: number, whole: number, language: SiteLanguage): string {
  let format = percentFormats.get(language)
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[language], { style: 'percent' })
    percentFormats.set(language, format)
  }
  return format.format(whole === 0 ? 0 : part / whole)
}
