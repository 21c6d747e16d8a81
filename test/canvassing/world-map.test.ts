import { describe, expect, it } from 'vitest'
import { type MapEntry, renderMapLegend, renderWorldMap } from '../../src/canvassing/world-map.js'
import { readSeedStates } from '../../src/directory/directory-seed.js'

const members = readSeedStates().filter((s) => s.membership === 'member')
const STATUSES = ['not_contacted', 'contacted', 'replied', 'engaged']

function entriesFor(states: typeof members): Map<string, MapEntry> {
  return new Map(
    states.map((s, i) => [
      s.iso3,
      { status: STATUSES[i % 4]!, href: `/states/${s.iso3.toLowerCase()}`, label: `${s.name}: status` },
    ]),
  )
}

/** Each state's link in the SVG: iso3 -> the markup inside its <a>. */
function linksOf(svg: string): Map<string, { href: string; inner: string }> {
  const links = new Map<string, { href: string; inner: string }>()
  for (const m of svg.matchAll(/<a href="([^"]*)" class="[^"]*" data-iso3="([A-Z]{3})">(.*?)<\/a>/g)) {
    links.set(m[2]!, { href: m[1]!, inner: m[3]! })
  }
  return links
}

function markerOf(inner: string): { x: number; y: number } | null {
  const m = /<circle class="world-map__marker" cx="([\d.]+)" cy="([\d.]+)"/.exec(inner)
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null
}

describe('the world map', () => {
  const svg = renderWorldMap(entriesFor(members))
  const links = linksOf(svg)

  it('puts every one of the 193 member states on the map, each as one link', () => {
    expect(members).toHaveLength(193)
    expect(svg.match(/<a /g)).toHaveLength(193)
    expect([...links.keys()].sort()).toEqual(members.map((s) => s.iso3).sort())
    for (const state of members) {
      const link = links.get(state.iso3)!
      expect(link.href).toBe(`/states/${state.iso3.toLowerCase()}`)
      expect(link.inner).toMatch(/<(path|circle) /)
    }
  })

  it('draws small island states and micro-states as markers, large states as shapes only', () => {
    const small = [
      'TUV',
      'NRU',
      'MCO',
      'SMR',
      'LIE',
      'AND',
      'MLT',
      'SGP',
      'BHR',
      'MDV',
      'SYC',
      'KNA',
      'BRB',
      'PLW',
    ]
    for (const iso3 of small) expect(markerOf(links.get(iso3)!.inner), iso3).not.toBeNull()
    // Tuvalu is absent from world-atlas at 1:110m and 1:50m: a marker, no shape.
    expect(links.get('TUV')!.inner).not.toContain('<path')
    for (const iso3 of ['FRA', 'BRA', 'NGA', 'CHN', 'USA']) {
      expect(links.get(iso3)!.inner).toContain('<path')
      expect(markerOf(links.get(iso3)!.inner), iso3).toBeNull()
    }
  })

  it('keeps markers inside the picture and apart from each other', () => {
    const [, , width, height] = /viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"/
      .exec(svg)!
      .slice(1)
      .map(Number)
    const markers = [...links.values()].map((l) => markerOf(l.inner)).filter((m) => m !== null)
    expect(markers.length).toBeGreaterThan(28)
    for (const m of markers) {
      expect(m.x).toBeGreaterThan(0)
      expect(m.x).toBeLessThan(width!)
      expect(m.y).toBeGreaterThan(0)
      expect(m.y).toBeLessThan(height!)
    }
    for (let i = 0; i < markers.length; i++) {
      for (let j = i + 1; j < markers.length; j++) {
        const d = Math.hypot(markers[i]!.x - markers[j]!.x, markers[i]!.y - markers[j]!.y)
        expect(d).toBeGreaterThan(6.5) // two radii of 3.5, less rounding
      }
    }
  })

  it('gives each state the class and fill of its status, and a legend that names them', () => {
    expect(svg).toMatch(/class="world-map__state map-status-engaged" data-iso3="[A-Z]{3}"><title>/)
    expect(svg).toContain('<g class="world-map__legend"')
    for (const label of ['Not contacted', 'Contacted', 'Replied', 'Engaged'])
      expect(svg).toContain(`>${label}</text>`)
    expect(renderWorldMap(entriesFor(members), { legend: false })).not.toContain('world-map__legend')
  })

  it('is labelled for assistive technology', () => {
    const custom = renderWorldMap(new Map(), {
      title: 'Coverage map',
      description: 'See the table.',
      idPrefix: 'cov',
    })
    expect(custom).toContain('aria-labelledby="cov-title cov-desc"')
    expect(custom).toContain('<title id="cov-title">Coverage map</title>')
    expect(custom).toContain('<desc id="cov-desc">See the table.</desc>')
  })

  it('escapes everything it writes from its input', () => {
    const hostile = renderWorldMap(
      new Map([
        [
          'FRA',
          {
            status: 'engaged" onmouseover="alert(1)',
            href: '/states/fra"><script>alert(1)</script>',
            label: '<script>alert("x")</script> & co',
          },
        ],
      ]),
      { title: '</title><script>1</script>', idPrefix: '"><x' },
    )
    expect(hostile).not.toContain('<script')
    expect(hostile).not.toContain('onmouseover="')
    expect(hostile).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co')
    expect(hostile).toContain('href="/states/fra&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"')
    expect(hostile).toContain('class="world-map__state map-status-engaged__onmouseover__alert_1_"')
    expect(hostile.match(/<a /g)).toHaveLength(1)
  })

  it('links only to web addresses, never to script', () => {
    const entry = { status: 'contacted', href: 'javascript:alert(1)', label: 'x' }
    expect(renderWorldMap(new Map([['FRA', entry]]))).toContain('<a href="#"')
  })

  it('ignores codes it has no geometry for, and draws no link for states left out', () => {
    const some = renderWorldMap(
      new Map(
        [...entriesFor(members)].slice(0, 10).concat([['XXX', { status: 'x', href: '/', label: 'x' }]]),
      ),
    )
    expect(some.match(/<a /g)).toHaveLength(10)
  })

  it('writes an HTML legend with counts', () => {
    const html = renderMapLegend([{ status: 'contacted', label: 'Contacted <b>', count: 12 }])
    expect(html).toContain('Contacted &#60;b&#62; <span class="map-legend__count">12</span>')
    expect(html).toContain('class="map-status-contacted"')
  })

  it('draws the map again when a status, link or label of any state changes (drawn maps are kept)', () => {
    const entries = entriesFor(members)
    const first = renderWorldMap(entries)
    expect(renderWorldMap(new Map(entries))).toBe(first)
    const changed = (patch: Partial<MapEntry>) => {
      const copy = new Map(entries)
      copy.set('FRA', { ...entries.get('FRA')!, ...patch })
      return linksOf(renderWorldMap(copy)).get('FRA')!
    }
    expect(changed({ status: 'engaged' }).inner).toContain('fill="#08306b"')
    expect(changed({ status: 'not_contacted' }).inner).toContain('fill="#f3dfc1"')
    expect(changed({ label: 'France: replied' }).inner).toContain('<title>France: replied</title>')
    expect(changed({ href: '/states/fra?from=map' }).href).toBe('/states/fra?from=map')
    expect(renderWorldMap(entries, { title: 'Another title' })).toContain('Another title')
    expect(renderWorldMap(entries)).toBe(first)
  })
})
