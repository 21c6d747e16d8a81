import type { CoverageStatus } from './coverage-rules.js'

// The home page's light map: a square per member state, coloured by its status, drawn on the
// server as one SVG path per status (four elements, not 193: a phone lays it out in no time).
// It is decorative (aria-hidden): the page says the same counts in words beside it.

const COLUMNS = 25
const CELL = 10
const GAP = 2

/** An SVG grid of squares, one per status given, in order, row by row; '' when there is none. */
export function renderStateGrid(cells: readonly CoverageStatus[]): string {
  if (cells.length === 0) return ''
  const paths = new Map<CoverageStatus, string[]>()
  cells.forEach((status, i) => {
    const x = (i % COLUMNS) * (CELL + GAP)
    const y = Math.floor(i / COLUMNS) * (CELL + GAP)
    const list = paths.get(status) ?? []
    list.push(`M${x} ${y}h${CELL}v${CELL}h-${CELL}z`)
    paths.set(status, list)
  })
  const rows = Math.ceil(cells.length / COLUMNS)
  const width = COLUMNS * (CELL + GAP) - GAP
  const height = rows * (CELL + GAP) - GAP
  const body = [...paths].map(([status, d]) => `<path class="s-${status}" d="${d.join('')}"/>`).join('')
  return `<svg class="state-grid" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false">${body}</svg>`
}
