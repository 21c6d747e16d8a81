import type { TimelinePoint } from './coverage.service.js'

// Canvassed states over time as a step chart, drawn on the server: the dashboard works without
// JavaScript and the chart prints. The count only changes on the days listed in the timeline,
// so a step (not a slope between points) is the honest shape.

export interface CoverageChartOptions {
  /** YYYY-MM-DD the chart ends on (the coverage date): the last step runs on to it. */
  on: string
  /** Prefix of the ids inside the SVG (two charts on one page need different ones). */
  idPrefix?: string
  title?: string
  /** Accessible description; say where the figures are given as text. */
  description?: string
}

const WIDTH = 560
const HEIGHT = 260
const PAD = { top: 16, right: 54, bottom: 40, left: 48 }
const DAY_MS = 86_400_000
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** An SVG step chart of the cumulative count of canvassed states; '' when there is no point. */
export function renderCoverageChart(
  timeline: readonly TimelinePoint[],
  options: CoverageChartOptions,
): string {
  const first = timeline[0]
  const last = timeline.at(-1)
  if (!first || !last) return ''
  const id = safeId(options.idPrefix ?? 'coverage-chart')
  // One day before the first point, so the first step up from zero is visible.
  const start = dayOf(first.date) - 1
  const end = Math.max(dayOf(options.on), dayOf(last.date), start + 1)
  const { max: yMax, step: yStep } = niceScale(last.canvassed)
  const plotW = WIDTH - PAD.left - PAD.right
  const plotH = HEIGHT - PAD.top - PAD.bottom
  const x = (day: number) => round(PAD.left + ((day - start) / (end - start)) * plotW)
  const y = (count: number) => round(PAD.top + plotH - (count / yMax) * plotH)

  let line = `M${x(start)},${y(0)}`
  for (const point of timeline) line += `H${x(dayOf(point.date))}V${y(point.canvassed)}`
  line += `H${x(end)}`
  const area = `${line}V${y(0)}H${x(start)}Z`

  const yTicks: string[] = []
  for (let value = 0; value <= yMax; value += yStep) {
    yTicks.push(
      `<line class="coverage-chart__grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value)}" y2="${y(value)}"/>` +
        `<text x="${PAD.left - 6}" y="${y(value) + 4}" text-anchor="end">${value}</text>`,
    )
  }
  const xTicks = dayTicks(start, end).map(
    (tick) =>
      `<line class="coverage-chart__tick" x1="${x(tick.day)}" x2="${x(tick.day)}" y1="${y(0)}" y2="${y(0) + 5}"/>` +
      `<text x="${x(tick.day)}" y="${y(0) + 20}" text-anchor="middle">${esc(tick.label)}</text>`,
  )
  const title = options.title ?? 'Canvassed member states over time'
  const description =
    options.description ?? `From ${first.canvassed} on ${first.date} to ${last.canvassed} on ${last.date}.`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(description)}</desc>`,
    `<g class="coverage-chart__axis" font-size="13" fill="#5a6470">${yTicks.join('')}${xTicks.join('')}</g>`,
    `<line class="coverage-chart__baseline" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}"/>`,
    `<path class="coverage-chart__area" d="${area}"/>`,
    `<path class="coverage-chart__line" d="${line}" fill="none"/>`,
    `<circle class="coverage-chart__end" cx="${x(end)}" cy="${y(last.canvassed)}" r="3.5"/>`,
    `<text class="coverage-chart__value" x="${x(end) + 6}" y="${y(last.canvassed) + 4}" font-size="13">${last.canvassed}</text>`,
    '</svg>',
  ].join('')
}

/** A y range from 0 that ends on a round number, with at most 5 gridlines. */
function niceScale(maxValue: number): { max: number; step: number } {
  const target = Math.max(maxValue, 4)
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100]) {
    if (Math.ceil(target / step) <= 5) return { max: Math.ceil(target / step) * step, step }
  }
  return { max: Math.ceil(target / 50) * 50, step: 50 }
}

interface Tick {
  day: number
  label: string
}

/** Up to 6 labelled days: month starts over a long span, evenly spaced days over a short one. */
function dayTicks(start: number, end: number): Tick[] {
  const span = end - start
  if (span > 62) {
    const months: Tick[] = []
    const d = new Date(start * DAY_MS)
    let cursor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
    while (cursor / DAY_MS <= end) {
      const m = new Date(cursor)
      // The year on the first label and on each January: a reader needs it once per year shown.
      const month = MONTHS[m.getUTCMonth()]!
      const label = months.length === 0 || m.getUTCMonth() === 0 ? `${month} ${m.getUTCFullYear()}` : month
      months.push({ day: cursor / DAY_MS, label })
      cursor = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1)
    }
    const every = Math.ceil(months.length / 6)
    return months.filter((_, i) => i % every === 0)
  }
  const count = Math.min(span, 5)
  const ticks: Tick[] = []
  for (let i = 0; i <= count; i++) {
    const day = Math.round(start + (span * i) / count)
    const d = new Date(day * DAY_MS)
    ticks.push({ day, label: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` })
  }
  return ticks
}

function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS)
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-')
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}
