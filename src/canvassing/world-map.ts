import { createRequire } from 'node:module'
import { type GeoPermissibleObjects, geoCentroid, geoEqualEarth, geoPath } from 'd3-geo'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { readSeedStates } from '../directory/index.js'
import { english, type Translate } from '../i18n/index.js'
import { COVERAGE_STATUSES } from './coverage-rules.js'

// A world map drawn on the server: pages work without JavaScript, and a PDF can embed it. The
// geometry is projected once per process (~100 ms); a request only writes colours and links.

/** One state on the map: `status` picks its colour and CSS class, `label` is its tooltip. */
export interface MapEntry {
  status: string
  href: string
  label: string
}

export interface LegendItem {
  status: string
  label: string
}

export interface WorldMapOptions {
  /** Accessible name of the map (a general one in `t`'s language when absent). */
  title?: string
  /** Accessible description; say where the same data is given as text. */
  description?: string
  /** Prefix of the ids inside the SVG (two maps on one page need different ones). */
  idPrefix?: string
  /** Legend drawn inside the SVG, or false for none (a page can show renderMapLegend instead). */
  legend?: readonly LegendItem[] | false
  /** Fill per status. */
  palette?: Readonly<Record<string, string>>
  /** The language of the words the map writes itself (default title, description, legend): English by default. */
  t?: Translate
}

export const WIDTH = 960
/** States smaller than this on the map (px² of the 960-wide view) also get a marker. */
const MIN_AREA = 12
const MARKER_RADIUS = 3.5
const NEUTRAL_FILL = '#e2e2e2'
const UNKNOWN_FILL = '#bdbdbd'

/** Coverage statuses: a warm "still to do", then blues darkening as a state engages. */
export const COVERAGE_PALETTE: Readonly<Record<string, string>> = {
  not_contacted: '#f3dfc1',
  contacted: '#9ecae1',
  replied: '#4292c6',
  engaged: '#08306b',
}

/** The coverage statuses with their names in `t`'s language, the least engaged first. */
export function coverageLegend(t: Translate): LegendItem[] {
  return COVERAGE_STATUSES.map((status) => ({ status, label: t(`common.coverageStatus.${status}`) }))
}

/** Tuvalu is missing from world-atlas even at 1:50m; its centroid from countries-10m. */
const EXTRA_CENTROIDS: Record<string, [number, number]> = { '798': [178.53, -7.77] }
/** Features without an ISO code, drawn with the member state the UN counts them in. */
const UNCODED_PARTS: Record<string, string> = { Somaliland: '706', 'N. Cyprus': '196' }

interface Marker {
  x: number
  y: number
  /** Where the state really is, when the marker had to move away from its neighbours. */
  from: { x: number; y: number } | null
}

interface MapGeometry {
  height: number
  /** ISO3 -> projected path (absent for states too small for the atlas). */
  paths: Map<string, string>
  markers: Map<string, Marker>
  /** Land that is no state of ours: territories, non-members, Kosovo. */
  otherLand: string
}

let geometry: MapGeometry | undefined

/** Maps drawn lately, by everything that went into them (see renderWorldMap). */
const drawnMaps = new Map<string, string>()
/** The public /progress in each of the six languages and the organizers' map, twice over. */
const DRAWN_MAPS_KEPT = 14

/** An SVG world map with each state in `entries` (keyed by ISO3) coloured and linked. */
export function renderWorldMap(
  entries: ReadonlyMap<string, MapEntry>,
  options: WorldMapOptions = {},
): string {
  // The words the map writes itself, in its language, before the key: `t` is no data to key on.
  const t = options.t ?? english
  const resolved: ResolvedOptions = {
    title: options.title ?? t('progress.worldMap.title'),
    description: options.description ?? t('progress.worldMap.description'),
    idPrefix: options.idPrefix ?? 'world-map',
    legend: options.legend === undefined ? coverageLegend(t) : options.legend,
    palette: options.palette ?? COVERAGE_PALETTE,
  }
  // @NOTE the map is ~200 KB of SVG and took ~4 ms to write, on every public /progress view; its
  // input (a status, link and label per state) changes only when the coverage does. So a drawn
  // map is kept under a key made of that whole input, which is cheap to build and cannot go stale.
  const key = JSON.stringify([[...entries], resolved])
  const drawn = drawnMaps.get(key)
  if (drawn !== undefined) return drawn
  const svg = drawWorldMap(entries, resolved)
  if (drawnMaps.size >= DRAWN_MAPS_KEPT) drawnMaps.delete(drawnMaps.keys().next().value!)
  drawnMaps.set(key, svg)
  return svg
}

type ResolvedOptions = Required<Omit<WorldMapOptions, 't'>>

function drawWorldMap(entries: ReadonlyMap<string, MapEntry>, options: ResolvedOptions): string {
  const geo = loadGeometry()
  const id = safeId(options.idPrefix)
  const { palette, legend, title, description } = options
  const drawn = [...entries].filter(([iso3]) => geo.paths.has(iso3) || geo.markers.has(iso3))
  // Marked states last: their markers must lie on top of every country.
  drawn.sort(([a], [b]) => Number(geo.markers.has(a)) - Number(geo.markers.has(b)))
  const states = drawn.map(([iso3, entry]) => {
    const fill = palette[entry.status] ?? UNKNOWN_FILL
    const path = geo.paths.get(iso3)
    const marker = geo.markers.get(iso3)
    const parts = [
      path ? `<path d="${path}" fill="${esc(fill)}"/>` : '',
      marker?.from
        ? `<line class="world-map__leader" x1="${marker.from.x}" y1="${marker.from.y}" x2="${marker.x}" y2="${marker.y}"/>`
        : '',
      marker
        ? `<circle class="world-map__marker" cx="${marker.x}" cy="${marker.y}" r="${MARKER_RADIUS}" fill="${esc(fill)}"/>`
        : '',
    ]
    return `<a href="${esc(safeHref(entry.href))}" class="world-map__state map-status-${safeId(entry.status)}" data-iso3="${esc(iso3)}"><title>${esc(entry.label)}</title>${parts.join('')}</a>`
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 ${WIDTH} ${geo.height}" role="group" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(description)}</desc>`,
    `<path class="world-map__other" d="${geo.otherLand}" fill="${NEUTRAL_FILL}"/>`,
    `<g class="world-map__states" stroke="#fff" stroke-width="0.5">${states.join('')}</g>`,
    legend ? svgLegend(legend, palette, geo.height) : '',
    '</svg>',
  ].join('')
}

/** The legend as an HTML list, readable where the scaled-down SVG's text would not be. */
export function renderMapLegend(
  items: readonly (LegendItem & { count?: number })[],
  palette: Readonly<Record<string, string>> = COVERAGE_PALETTE,
): string {
  const rows = items.map((item) => {
    const count = item.count === undefined ? '' : ` <span class="map-legend__count">${item.count}</span>`
    return `<li class="map-status-${safeId(item.status)}"><svg class="map-legend__swatch" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true"><rect width="14" height="14" rx="2" fill="${esc(palette[item.status] ?? UNKNOWN_FILL)}" stroke="#5a6470" stroke-width="1"/></svg> ${esc(item.label)}${count}</li>`
  })
  return `<ul class="map-legend">${rows.join('')}</ul>`
}

function svgLegend(
  items: readonly LegendItem[],
  palette: Readonly<Record<string, string>>,
  height: number,
): string {
  // Bottom left: the South Pacific, empty on this projection.
  const top = height - 8 - items.length * 18
  const rows = items.map(
    (item, i) =>
      `<rect x="12" y="${top + i * 18}" width="12" height="12" rx="2" fill="${esc(palette[item.status] ?? UNKNOWN_FILL)}" stroke="#5a6470" stroke-width="0.75"/><text x="30" y="${top + i * 18 + 10.5}">${esc(item.label)}</text>`,
  )
  return `<g class="world-map__legend" font-size="13" fill="#1b1f24">${rows.join('')}</g>`
}

function loadGeometry(): MapGeometry {
  geometry ??= buildGeometry()
  return geometry
}

function buildGeometry(): MapGeometry {
  const iso3Of = new Map(readSeedStates().map((s) => [s.isoNumeric, s.iso3]))
  const countries = readAtlas('110m').filter((f) => f.id !== '010') // Antarctica: no state, much room
  const projection = geoEqualEarth().fitWidth(WIDTH - 4, { type: 'FeatureCollection', features: countries })
  const [tx, ty] = projection.translate()
  projection.translate([tx + 2, ty + 2])
  const path = geoPath(projection).digits(1)

  const byIso3 = new Map<string, Feature[]>()
  const other: Feature[] = []
  for (const country of countries) {
    const code = String(country.id ?? UNCODED_PARTS[country.properties?.name] ?? '')
    const iso3 = iso3Of.get(code)
    if (iso3) byIso3.set(iso3, [...(byIso3.get(iso3) ?? []), country])
    else other.push(country)
  }
  const paths = new Map<string, string>()
  const anchors = new Map<string, [number, number]>()
  for (const [iso3, parts] of byIso3) {
    const shape: FeatureCollection = { type: 'FeatureCollection', features: parts }
    paths.set(iso3, path(shape) ?? '')
    if (path.area(shape) < MIN_AREA) anchors.set(iso3, path.centroid(shape))
  }
  // The states 1:110m leaves out (small islands, micro-states) are placed from the 1:50m atlas.
  const missing = [...iso3Of].filter(([, iso3]) => !byIso3.has(iso3))
  const detailed = missing.length ? readAtlas('50m') : []
  for (const [numeric, iso3] of missing) {
    const found = detailed.filter((f) => f.id === numeric)
    const lonLat = found.length
      ? geoCentroid({ type: 'FeatureCollection', features: found } as GeoPermissibleObjects)
      : EXTRA_CENTROIDS[numeric]
    const point = lonLat && projection(lonLat)
    if (point) anchors.set(iso3, point)
  }
  const height = Math.ceil(path.bounds({ type: 'FeatureCollection', features: countries })[1][1] + 2)
  return {
    height,
    paths,
    markers: spreadMarkers(anchors, height),
    otherLand: path({ type: 'FeatureCollection', features: other }) ?? '',
  }
}

/**
 * Moves markers apart until none overlaps (Caribbean and European micro-states sit a few pixels
 * from each other), drawing a leader line to where a moved one belongs. Deterministic: keyed order.
 */
function spreadMarkers(anchors: ReadonlyMap<string, [number, number]>, height: number): Map<string, Marker> {
  const keys = [...anchors.keys()].sort()
  const pos = keys.map((k) => [...anchors.get(k)!] as [number, number])
  const gap = MARKER_RADIUS * 2 + 1
  for (let round = 0; round < 300; round++) {
    let moved = false
    for (let i = 0; i < pos.length; i++) {
      for (let j = i + 1; j < pos.length; j++) {
        const a = pos[i]!
        const b = pos[j]!
        let dx = b[0] - a[0]
        let dy = b[1] - a[1]
        const d = Math.hypot(dx, dy)
        if (d >= gap) continue
        if (d < 1e-6) [dx, dy] = [Math.cos(i + j), Math.sin(i + j)]
        const push = (gap - d) / 2 / (d || 1)
        a[0] -= dx * push
        a[1] -= dy * push
        b[0] += dx * push
        b[1] += dy * push
        moved = true
      }
    }
    for (const p of pos) {
      p[0] = clamp(p[0], MARKER_RADIUS + 1, WIDTH - MARKER_RADIUS - 1)
      p[1] = clamp(p[1], MARKER_RADIUS + 1, height - MARKER_RADIUS - 1)
    }
    if (!moved) break
  }
  return new Map(
    keys.map((key, i) => {
      const [x, y] = pos[i]!.map(round1) as [number, number]
      const [ax, ay] = anchors.get(key)!.map(round1) as [number, number]
      return [key, { x, y, from: Math.hypot(x - ax, y - ay) > MARKER_RADIUS ? { x: ax, y: ay } : null }]
    }),
  )
}

function readAtlas(resolution: '110m' | '50m'): Feature<Geometry, { name: string }>[] {
  const require = createRequire(import.meta.url)
  const topology = require(`world-atlas/countries-${resolution}.json`) as Topology<{
    countries: GeometryCollection<{ name: string }>
  }>
  return feature(topology, topology.objects.countries).features
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}

/** A path on this site or a web address; anything else (javascript:, data:) becomes "#". */
function safeHref(href: string): string {
  return /^(\/(?!\/)|https?:\/\/)/i.test(href) ? href : '#'
}

function safeId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_')
}

/** Escapes text for XML content and attribute values. */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
