import { askTextIn } from '../asks/index.js'
import { formatDate, HTML_LANG, INTL_LOCALE, type SiteLanguage, type Translate } from '../i18n/index.js'
import type { AsksOverview, AskWithFigures, GoalProgress } from './ask-figures.js'

/** What the public progress page shows of each ask running today, in the reader's language. */
export interface AskProgressView {
  id: number
  title: string
  purpose: string
  /** The `lang` of the title and of the purpose: the reader's, or the ask's own where theirs has none. */
  textLang: string
  purposeLang: string
  aimedAt: string
  dates: string
  figures: string[]
  goals: { label: string; reached: number; goal: number; percent: string }[]
}

/** The running asks, newest first, as the progress page words them (no one's personal data). */
export function currentAsksView(
  overview: AsksOverview,
  language: SiteLanguage,
  t: Translate,
): AskProgressView[] {
  return overview.asks
    .filter((a) => a.ask.running)
    .sort((a, b) => b.ask.startsOn.localeCompare(a.ask.startsOn) || b.ask.id - a.ask.id)
    .map((a) => askView(a, language, t))
}

function askView(
  { ask, figures, goals }: AskWithFigures,
  language: SiteLanguage,
  t: Translate,
): AskProgressView {
  const { kind, councilOn, group } = ask.target
  const aimedAt = t(`asks.target.${kind}`, {
    count: figures.targetedStates,
    date: councilOn ? formatDate(language, councilOn) : '',
    group: group ? t(`common.groups.${group}`) : '',
  })
  const start = formatDate(language, ask.startsOn)
  const text = askTextIn(ask, language)
  return {
    id: ask.id,
    title: text.title,
    purpose: text.purpose,
    textLang: HTML_LANG[text.language],
    purposeLang: HTML_LANG[text.purposeLanguage],
    aimedAt,
    dates: ask.endsOn
      ? t('asks.dates.between', { start, end: formatDate(language, ask.endsOn) })
      : t('asks.dates.since', { start }),
    figures: [
      t('asks.figures.canvassed', { canvassed: figures.canvassedStates, total: figures.targetedStates }),
      t('asks.figures.supportive', { count: figures.supportiveStates }),
      t('asks.figures.letters', { count: figures.letters }),
    ],
    goals: (['statesCanvassed', 'supportiveStates', 'letters'] as const).flatMap((name) => {
      const g: GoalProgress | null = goals[name]
      if (!g) return []
      return [
        {
          label: t(`asks.goal.${name}`, { goal: g.goal, reached: g.reached }),
          reached: Math.min(g.reached, g.goal),
          goal: g.goal,
          percent: percentFormat(language).format(g.percent / 100),
        },
      ]
    }),
  }
}

const percentFormats = new Map<SiteLanguage, Intl.NumberFormat>()

function percentFormat(language: SiteLanguage): Intl.NumberFormat {
  let format = percentFormats.get(language)
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[language], { style: 'percent', maximumFractionDigits: 0 })
    percentFormats.set(language, format)
  }
  return format
}
