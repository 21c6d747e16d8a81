import { describe, expect, it } from 'vitest'
import { renderStateGrid } from '../../src/canvassing/state-grid.js'

/** Each square of the grid: its status and its top-left corner. */
function squares(svg: string): { status: string; x: number; y: number }[] {
  return [...svg.matchAll(/<path class="s-([a-z_]+)" d="([^"]*)"\/>/g)].flatMap(([, status, d]) =>
    [...(d ?? '').matchAll(/M(\d+) (\d+)h10v10h-10z/g)].map((m) => ({
      status: status ?? '',
      x: Number(m[1]),
      y: Number(m[2]),
    })),
  )
}

describe('the light map of the home page', () => {
  it('draws one square per state, row by row, 25 to a row, one path per status', () => {
    const cells = [
      ...Array(2).fill('engaged'),
      ...Array(1).fill('replied'),
      ...Array(30).fill('contacted'),
      ...Array(160).fill('not_contacted'),
    ]
    const svg = renderStateGrid(cells)
    expect(svg).toMatch(/^<svg class="state-grid" viewBox="0 0 298 94" aria-hidden="true" focusable="false">/)
    expect(svg.match(/<path /g)).toHaveLength(4)
    const drawn = squares(svg)
    expect(drawn).toHaveLength(193)
    expect(drawn.map((s) => s.status)).toEqual(cells)
    expect(drawn[0]).toEqual({ status: 'engaged', x: 0, y: 0 })
    expect(drawn[24]).toEqual({ status: 'contacted', x: 288, y: 0 })
    expect(drawn[25]).toEqual({ status: 'contacted', x: 0, y: 12 })
    expect(drawn[192]).toEqual({ status: 'not_contacted', x: 17 * 12, y: 7 * 12 })
    // No two squares in one place.
    expect(new Set(drawn.map((s) => `${s.x},${s.y}`)).size).toBe(193)
  })

  it('draws nothing for no state', () => {
    expect(renderStateGrid([])).toBe('')
  })
})
