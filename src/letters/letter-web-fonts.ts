import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FAMILIES, type Family, familiesUsed } from './typesetting/font-catalog.js'

// The letter preview in the PDF's typefaces, served by the site itself (no font CDN: the CSP's
// font-src is 'self', and a supporter's letter page asks no third party for anything).
//
// Stylesheets built at start-up from the @fontsource packages' own CSS (400 and 700, WOFF2 only,
// each face's unicode-range kept), and the font files they name. The browser downloads only the
// slices of a family whose ranges the page's text uses: an English letter fetches two small Latin
// files, a Chinese one the few slices of Noto Serif SC its characters fall in.
//
// A letter links one stylesheet per family its text uses (`letterFontSheets`), not all of them:
// the Chinese and Korean families alone declare some 350 slices (290 KB of CSS, 42 KB compressed),
// which a French letter on a phone would otherwise wait for before it shows anything.

/** Every family in one stylesheet. */
export const LETTER_FONTS_CSS = '/fonts/letter-fonts.css'
/** One family's stylesheet: /fonts/letter/<family id>.css. */
const FAMILY_SHEET_PREFIX = '/fonts/letter/'
const FILES_PREFIX = '/fonts/'
const WEIGHTS = ['400', '700'] as const

export interface Stylesheet {
  css: string
  etag: string
}

export interface LetterFonts extends Stylesheet {
  /** Font file name → the package folder it is served from (only the files the CSS names). */
  files: Map<string, string>
  /** Family id → that family's faces alone (the primary family's with the `.paper` rule too). */
  families: Map<string, Stylesheet>
}

/** The stylesheets a letter whose text is `texts` links: Noto Serif's, then each other family it uses. */
export function letterFontSheets(texts: Iterable<string>): string[] {
  return familiesUsed(texts).map((family) => `${FAMILY_SHEET_PREFIX}${family.id}.css`)
}

const require = createRequire(import.meta.url)

/**
 * The stylesheet for `families`: every @font-face of their 400 and 700 CSS, with a WOFF2 source
 * under /fonts/ (the package's version in the query, so a new release is a new address and the
 * files can be cached for good); then `.paper` set in the families in the catalog's order.
 *
 * A script's family keeps, of its faces' ranges, only the characters of its own script: the
 * browser then falls back character by character as the PDF does (Chinese characters in Noto
 * Serif SC even though Noto Serif KR also has them, Latin in Noto Serif whatever else has Latin).
 */
export function buildLetterFonts(families: readonly Family[] = FAMILIES): LetterFonts {
  const files = new Map<string, string>()
  const rulesOf = new Map<Family, string[]>()
  for (const family of families) {
    const rules: string[] = []
    rulesOf.set(family, rules)
    const packageDir = path.dirname(require.resolve(`${family.web}/package.json`))
    const version = (
      JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }
    ).version
    const filesDir = path.join(packageDir, 'files')
    for (const weight of WEIGHTS) {
      // Some families come in one weight (Tifinagh, N'Ko): the browser synthesises their bold.
      const cssFile = path.join(packageDir, `${weight}.css`)
      if (!existsSync(cssFile)) continue
      const source = readFileSync(cssFile, 'utf8')
      for (const face of parseFontFaces(source)) {
        if (face.family !== family.cssName)
          throw new Error(`${family.web}/${weight}.css declares "${face.family}", not "${family.cssName}"`)
        const range = family.scripts ? ownScriptRange(face.range, family.scripts) : face.range
        if (range !== null && range.length === 0) continue
        const taken = files.get(face.woff2)
        if (taken && taken !== filesDir) throw new Error(`two font packages ship ${face.woff2}`)
        if (!existsSync(path.join(filesDir, face.woff2)))
          throw new Error(`${family.web} names ${face.woff2}, which it does not ship`)
        files.set(face.woff2, filesDir)
        rules.push(fontFaceRule(face, `${FILES_PREFIX}${face.woff2}?v=${version}`, range))
      }
    }
  }
  const stack = [...families.map((family) => `"${family.cssName}"`), 'serif'].join(', ')
  const paperRule = `.paper {\n  font-family: ${stack};\n}\n`
  const sheet = (rules: string[]): Stylesheet => {
    const css = `/* The letter fonts: Noto (SIL Open Font License), from the @fontsource packages. */\n${rules.join('')}`
    return { css, etag: `"${createHash('sha256').update(css).digest('base64url').slice(0, 22)}"` }
  }
  const familySheets = new Map<string, Stylesheet>()
  for (const [family, rules] of rulesOf)
    familySheets.set(family.id, sheet(family.scripts === null ? [...rules, paperRule] : rules))
  return { ...sheet([...[...rulesOf.values()].flat(), paperRule]), files, families: familySheets }
}

interface FontFace {
  family: string
  style: string
  weight: string
  display: string | null
  woff2: string
  /** Inclusive code point ranges; null where the face declares none (every character). */
  range: [number, number][] | null
}

const WOFF2_SOURCE = /url\(\.\/files\/([A-Za-z0-9._[\]-]+\.woff2)\)\s*format\(['"]woff2['"]\)/

/** The text between the braces of each @font-face rule (found by indexOf: no regex to backtrack). */
function fontFaceBodies(css: string): string[] {
  const bodies: string[] = []
  for (let at = css.indexOf('@font-face'); at !== -1; at = css.indexOf('@font-face', at + 1)) {
    const open = css.indexOf('{', at)
    const close = open === -1 ? -1 : css.indexOf('}', open)
    if (close === -1) break
    bodies.push(css.slice(open + 1, close))
  }
  return bodies
}

function parseFontFaces(css: string): FontFace[] {
  const faces: FontFace[] = []
  for (const body of fontFaceBodies(css)) {
    const descriptor = (name: string): string | null =>
      new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`).exec(body)?.[1]?.trim() ?? null
    const family = descriptor('font-family')?.replace(/^['"]|['"]$/g, '')
    const woff2 = WOFF2_SOURCE.exec(descriptor('src') ?? '')?.[1]
    if (!family || !woff2) throw new Error(`an @font-face without a family or a WOFF2 file: ${body.trim()}`)
    const range = descriptor('unicode-range')
    faces.push({
      family,
      style: descriptor('font-style') ?? 'normal',
      weight: descriptor('font-weight') ?? '400',
      display: descriptor('font-display'),
      woff2,
      range: range === null ? null : parseUnicodeRange(range),
    })
  }
  return faces
}

/** "U+0600-06FF,U+200C,U+4??" → [[0x600, 0x6ff], [0x200c, 0x200c], [0x400, 0x4ff]] */
export function parseUnicodeRange(text: string): [number, number][] {
  return text.split(',').map((item) => {
    const match = /^\s*U\+([0-9A-F?]{1,6})(?:-([0-9A-F]{1,6}))?\s*$/i.exec(item)
    if (!match?.[1]) throw new Error(`not a unicode-range: ${item}`)
    const [, first, last] = match
    if (first.includes('?'))
      return [Number.parseInt(first.replace(/\?/g, '0'), 16), Number.parseInt(first.replace(/\?/g, 'F'), 16)]
    return [Number.parseInt(first, 16), Number.parseInt(last ?? first, 16)]
  })
}

/** The code points of `ranges` that `script` matches, as ranges again; null (all) stays null. */
function ownScriptRange(ranges: [number, number][] | null, script: RegExp): [number, number][] | null {
  if (ranges === null) return null
  const kept: [number, number][] = []
  for (const [first, last] of ranges) {
    for (let code = first; code <= last; code++) {
      if (!script.test(String.fromCodePoint(code))) continue
      const previous = kept[kept.length - 1]
      if (previous && previous[1] === code - 1) previous[1] = code
      else kept.push([code, code])
    }
  }
  return kept
}

function fontFaceRule(face: FontFace, url: string, range: [number, number][] | null): string {
  const hex = (code: number): string => code.toString(16).toUpperCase()
  const lines = [
    `  font-family: '${face.family}';`,
    `  font-style: ${face.style};`,
    `  font-weight: ${face.weight};`,
    face.display ? `  font-display: ${face.display};` : null,
    `  src: url(${url}) format('woff2');`,
    range === null
      ? null
      : `  unicode-range: ${range.map(([a, b]) => (a === b ? `U+${hex(a)}` : `U+${hex(a)}-${hex(b)}`)).join(',')};`,
  ]
  return `@font-face {\n${lines.filter((line) => line !== null).join('\n')}\n}\n`
}

let builtFonts: LetterFonts | null = null

/**
 * GET /fonts/letter-fonts.css and the font files it names (GET /fonts/<file>.woff2), nothing
 * else of the packages: a name the stylesheet does not list is a 404, whatever folder it tries.
 */
export async function webFontsPlugin(app: FastifyInstance): Promise<void> {
  // Built once per process (about 80 ms: the CJK families' ranges are sifted code point by code
  // point), however many apps a test run builds.
  builtFonts ??= buildLetterFonts()
  const fonts = builtFonts
  const serve = (sheet: Stylesheet, request: FastifyRequest, reply: FastifyReply): string | FastifyReply => {
    reply
      .header('cache-control', 'public, max-age=3600')
      .header('etag', sheet.etag)
      .type('text/css; charset=utf-8')
    if (request.headers['if-none-match'] === sheet.etag) return reply.code(304).send()
    return sheet.css
  }
  app.get(LETTER_FONTS_CSS, async (request, reply) => serve(fonts, request, reply))
  app.get<{ Params: { sheet: string } }>(
    `${FAMILY_SHEET_PREFIX}:sheet`,
    { schema: { params: { type: 'object', properties: { sheet: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const id = request.params.sheet.endsWith('.css') ? request.params.sheet.slice(0, -4) : ''
      const sheet = fonts.families.get(id)
      if (!sheet) return reply.callNotFound()
      return serve(sheet, request, reply)
    },
  )
  await app.register(fastifyStatic, {
    root: [...new Set(fonts.files.values())],
    prefix: FILES_PREFIX,
    decorateReply: false,
    // The file names carry no version; the stylesheet's ?v= does, so a cached file never goes stale.
    maxAge: '365d',
    immutable: true,
    // @NOTE with several roots @fastify/static tries each in turn, but a refusal here ends the
    // search: the check is on the name only.
    allowedPath: (pathname) => fonts.files.has(pathname.replace(/^\//, '')),
  })
}
