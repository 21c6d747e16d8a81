import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { COUNCIL_SIZE, stateNameIn } from '../directory/index.js'
import { formatNumber, INTL_LOCALE, type SiteLanguage, sortByName, type Translate } from '../i18n/index.js'
import { getAsksOverview } from './ask-figures.js'
import { currentAsksView } from './asks-progress-view.js'
import {
  type Coverage,
  getCoverage,
  pickStatesNeedingLetters,
  type StateCoverage,
} from './coverage.service.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'
import { publishedPositionStates } from './mission-replies.service.js'
import { renderMapLegend, renderWorldMap } from './world-map.js'

const NEEDING_LETTERS = 6

/** The public progress page: how many member states were canvassed, on a map and in a table. */
export const canvassingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/progress', async (request, reply) => {
    const [coverage, published] = await Promise.all([
      getCoverage(ctx, 'public'),
      publishedPositionStates(ctx),
    ])
    const asks = await getAsksOverview(ctx, coverage)
    const { totals } = coverage
    const { t, siteLanguage: language } = request
    const row = (s: StateCoverage) => stateRow(s, language, t, published)
    const byName = <T extends { name: string }>(rows: T[]) => sortByName(language, rows, (each) => each.name)
    const figures = { canvassed: totals.canvassed, total: totals.memberStates }
    return reply.viewAsync('pages/canvassing/progress.hbs', {
      title: t('progress.title', figures),
      description: t('progress.description', { ...figures, written: totals.lettersWritten }),
      totals,
      percent: percent(totals.canvassed, totals.memberStates, language),
      currentAsks: currentAsksView(asks, language, t),
      map: renderWorldMap(mapEntries(coverage, language, t), {
        legend: false,
        title: t('progress.map.title'),
        description: t('progress.map.description'),
        t,
      }),
      legend: renderMapLegend(
        COVERAGE_STATUSES.map((status) => ({
          status,
          label: t(`common.coverageStatus.${status}`),
          count: totals.byStatus[status],
        })),
      ),
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
  })
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
