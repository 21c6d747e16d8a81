import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { create, type Font, type Glyph, type GlyphRun } from 'fontkit'
import { woffToSfnt } from './woff.js'

/**
 * The typefaces letters are printed in: the Noto families, one per script, from npm packages
 * (SIL Open Font License). Noto Serif sets Latin, Greek and Cyrillic; each other script of the
 * member states' languages has its own Noto face, chosen character by character (font fallback
 * by script). A face is read from disk the first time a letter needs it, so a server that only
 * prints Latin letters never holds the 15 MB Chinese face in memory.
 *
 * The PDF and the HTML preview use the same faces: the PDF reads the files below; the browser gets
 * the same families from the `web` packages (WOFF2 split by Unicode range, served by the site).
 * Chinese and Korean come whole from `@expo-google-fonts` for the PDF (fontkit needs one file),
 * split from `@fontsource` for the web.
 */

export type Weight = 'regular' | 'bold' | 'italic'

export interface Family {
  id: string
  /** The CSS family name, as the `web` package declares it. */
  cssName: string
  /** The characters this family is for (by Script_Extensions); null for the primary family. */
  scripts: RegExp | null
  /** Package-relative font files; a weight without a file falls back to regular. */
  files: Partial<Record<Weight, string>> & { regular: string }
  /** The @fontsource package the browser gets this family from. */
  web: string
}

const fontsource = (pkg: string, subset: string, bold: boolean): Family['files'] => ({
  regular: `@fontsource/${pkg}/files/${pkg}-${subset}-400-normal.woff`,
  ...(bold ? { bold: `@fontsource/${pkg}/files/${pkg}-${subset}-700-normal.woff` } : {}),
})

/** A family from its @fontsource package; `bold: false` where Noto has it in one weight only. */
function family(
  id: string,
  cssName: string,
  scripts: RegExp,
  pkg: string,
  subset: string,
  bold = true,
): Family {
  return { id, cssName, scripts, files: fontsource(pkg, subset, bold), web: `@fontsource/${pkg}` }
}

export const PRIMARY: Family = {
  id: 'serif',
  cssName: 'Noto Serif',
  scripts: null,
  files: {
    regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
    bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
    italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
  },
  web: '@fontsource/noto-serif',
}

/** Chinese (Simplified, with the Traditional characters and kana it also covers) and CJK punctuation. */
export const CJK: Family = {
  id: 'cjk',
  cssName: 'Noto Serif SC',
  scripts: /[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Bopo}\u3000-\u303f\uff00-\uffef]/u,
  files: {
    regular: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
    bold: '@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf',
  },
  web: '@fontsource/noto-serif-sc',
}

export const ARABIC = family('arabic', 'Noto Naskh Arabic', /\p{scx=Arab}/u, 'noto-naskh-arabic', 'arabic')

/**
 * The scripts of the member states' official and national languages beyond Latin, Greek and
 * Cyrillic, in the order they are tried. Serif faces where Noto has one; sans where it has none
 * (Ethiopic, Thaana, Gurmukhi, Kannada, Odia, Tifinagh, Syriac, N'Ko).
 */
export const FAMILIES: readonly Family[] = [
  PRIMARY,
  ARABIC,
  family('hebrew', 'Noto Serif Hebrew', /\p{scx=Hebr}/u, 'noto-serif-hebrew', 'hebrew'),
  family('thaana', 'Noto Sans Thaana', /\p{scx=Thaa}/u, 'noto-sans-thaana', 'thaana'),
  family('devanagari', 'Noto Serif Devanagari', /\p{scx=Deva}/u, 'noto-serif-devanagari', 'devanagari'),
  family('bengali', 'Noto Serif Bengali', /\p{scx=Beng}/u, 'noto-serif-bengali', 'bengali'),
  family('gurmukhi', 'Noto Sans Gurmukhi', /\p{scx=Guru}/u, 'noto-sans-gurmukhi', 'gurmukhi'),
  family('gujarati', 'Noto Serif Gujarati', /\p{scx=Gujr}/u, 'noto-serif-gujarati', 'gujarati'),
  family('oriya', 'Noto Sans Oriya', /\p{scx=Orya}/u, 'noto-sans-oriya', 'oriya'),
  family('tamil', 'Noto Serif Tamil', /\p{scx=Taml}/u, 'noto-serif-tamil', 'tamil'),
  family('telugu', 'Noto Serif Telugu', /\p{scx=Telu}/u, 'noto-serif-telugu', 'telugu'),
  family('kannada', 'Noto Sans Kannada', /\p{scx=Knda}/u, 'noto-sans-kannada', 'kannada'),
  family('malayalam', 'Noto Serif Malayalam', /\p{scx=Mlym}/u, 'noto-serif-malayalam', 'malayalam'),
  family('sinhala', 'Noto Serif Sinhala', /\p{scx=Sinh}/u, 'noto-serif-sinhala', 'sinhala'),
  family('thai', 'Noto Serif Thai', /\p{scx=Thai}/u, 'noto-serif-thai', 'thai'),
  family('lao', 'Noto Serif Lao', /\p{scx=Laoo}/u, 'noto-serif-lao', 'lao'),
  family('khmer', 'Noto Serif Khmer', /\p{scx=Khmr}/u, 'noto-serif-khmer', 'khmer'),
  family('myanmar', 'Noto Serif Myanmar', /\p{scx=Mymr}/u, 'noto-serif-myanmar', 'myanmar'),
  family('tibetan', 'Noto Serif Tibetan', /\p{scx=Tibt}/u, 'noto-serif-tibetan', 'tibetan'),
  family('georgian', 'Noto Serif Georgian', /\p{scx=Geor}/u, 'noto-serif-georgian', 'georgian'),
  family('armenian', 'Noto Serif Armenian', /\p{scx=Armn}/u, 'noto-serif-armenian', 'armenian'),
  family('ethiopic', 'Noto Sans Ethiopic', /\p{scx=Ethi}/u, 'noto-sans-ethiopic', 'ethiopic'),
  // Tamazight in Tifinagh (Morocco, Algeria), Syriac (Iraq), N'Ko (Guinea, Mali): one weight for
  // Tifinagh and N'Ko, whose bold is then their regular face.
  family('tifinagh', 'Noto Sans Tifinagh', /\p{scx=Tfng}/u, 'noto-sans-tifinagh', 'tifinagh', false),
  family('syriac', 'Noto Sans Syriac', /\p{scx=Syrc}/u, 'noto-sans-syriac', 'syriac'),
  family('nko', 'Noto Sans NKo', /\p{scx=Nkoo}/u, 'noto-sans-nko', 'nko', false),
  // Chinese before Korean: punctuation both claim opens a Chinese run in the Chinese face; after
  // Hangul it stays Korean (font-runs.ts keeps a shared character with the text before it).
  CJK,
  {
    id: 'hangul',
    cssName: 'Noto Serif KR',
    scripts: /\p{scx=Hang}/u,
    files: {
      regular: '@expo-google-fonts/noto-serif-kr/400Regular/NotoSerifKR_400Regular.ttf',
      bold: '@expo-google-fonts/noto-serif-kr/700Bold/NotoSerifKR_700Bold.ttf',
    },
    web: '@fontsource/noto-serif-kr',
  },
]

/** One face of one family: what pdfkit registers and fontkit shapes with. */
export interface Face {
  family: Family
  weight: Weight
  /** The name the face is registered under in every pdfkit document. */
  pdfName: string
  font: Font
}

const require = createRequire(import.meta.url)
const faces = new Map<string, Face>()

/** Words whose shaping each face remembers across documents (a few MB at most). */
const LAYOUT_CACHE_SIZE = 4000

/** The face of `family` in `weight` (regular where the family has no such weight), read once. */
export function faceOf(family: Family, weight: Weight): Face {
  const file = family.files[weight] ?? family.files.regular
  const actual: Weight = family.files[weight] ? weight : 'regular'
  const key = `${family.id}-${actual}`
  let face = faces.get(key)
  if (!face) {
    const path = require.resolve(file)
    const font = create(woffToSfnt(readFileSync(path)))
    if (!('layout' in font)) throw new Error(`${path} is a font collection, not a single font`)
    face = {
      family,
      weight: actual,
      pdfName: pdfNameOf(family, actual),
      font: rememberLayouts(glyphsKeepTheirLetters(skipEmptyAnchors(font))),
    }
    faces.set(key, face)
  }
  return face
}

function pdfNameOf(family: Family, weight: Weight): string {
  // The primary family keeps the names the letter and dossier code has always used.
  if (family === PRIMARY)
    return { regular: 'letter-serif', bold: 'letter-serif-bold', italic: 'letter-serif-italic' }[weight]
  return `letter-${family.id}-${weight}`
}

/** Every face read so far (for the memory figure and for registering them on a new document). */
export function loadedFaces(): Face[] {
  return [...faces.values()]
}

/** Reads every face of every family: the benchmark's "all fonts loaded" and the font check. */
export function loadAllFaces(): Face[] {
  for (const family of FAMILIES) {
    for (const weight of ['regular', 'bold', 'italic'] as const) {
      if (family.files[weight] && existsSync(require.resolve(family.files[weight]))) faceOf(family, weight)
    }
  }
  return loadedFaces()
}

/**
 * fontkit keeps one Glyph object per glyph id, holding the letters of the first text it was
 * shaped from. In Arabic one joined skeleton serves several letters (ر and ز, ح and ج, which differ
 * by their dots), so "ز" could come back as "ر" when the PDF's text is copied or extracted. This
 * hands out a view of the glyph with the letters it was shaped from this time.
 */
function glyphsKeepTheirLetters(font: Font): Font {
  const getGlyph = font.getGlyph.bind(font)
  font.getGlyph = (id: number, codePoints: number[] = []) => {
    const glyph = getGlyph(id, codePoints)
    if (sameCodes(glyph.codePoints, codePoints)) return glyph
    return Object.create(glyph, { codePoints: { value: codePoints } }) as Glyph
  }
  return font
}

function sameCodes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((code, i) => code === b[i])
}

interface GposProcessor {
  applyAnchor(markRecord: { markAnchor: unknown }, baseAnchor: unknown, baseGlyphIndex: number): void
}

/**
 * fontkit 2.0.4 reads every mark-to-base anchor as if it were there, but OpenType lets a font
 * leave one empty (a NULL offset: "this mark does not attach to this base"), and Noto Sans
 * Gurmukhi does, for ੰ over ਪ: fontkit then threw and the letter could not be printed. HarfBuzz
 * leaves such a mark where it is; so does this.
 */
function skipEmptyAnchors(font: Font): Font {
  const engine = (font as unknown as { _layoutEngine?: { engine?: { GPOSProcessor?: GposProcessor } } })
    ._layoutEngine
  const gpos = engine?.engine?.GPOSProcessor
  if (gpos) {
    const applyAnchor = gpos.applyAnchor.bind(gpos)
    gpos.applyAnchor = (markRecord, baseAnchor, baseGlyphIndex) => {
      if (baseAnchor && markRecord.markAnchor) applyAnchor(markRecord, baseAnchor, baseGlyphIndex)
    }
  }
  return font
}

/**
 * pdfkit shapes text word by word and remembers the words for one document only; shaping
 * (OpenType lookups) was then most of a letter's cost, for the same few thousand words each time.
 * This keeps the most recent words' glyph runs for the whole process.
 */
function rememberLayouts(font: Font): Font {
  // @NOTE pdfkit scales a run's positions in place by 1000 / unitsPerEm: sharing runs between
  // documents is safe only where that factor is 1, as it is for every Noto face here.
  if (font.unitsPerEm !== 1000) return font
  const layout = font.layout.bind(font)
  const runs = new Map<string, GlyphRun>()
  font.layout = (text, ...options) => {
    if (options.some((option) => option !== undefined)) return layout(text, ...options)
    let run = runs.get(text)
    if (run) {
      runs.delete(text) // re-inserted below: the Map's order is the order of last use
    } else {
      run = layout(text)
      if (runs.size >= LAYOUT_CACHE_SIZE) runs.delete(runs.keys().next().value as string)
    }
    runs.set(text, run)
    return run
  }
  return font
}

/** Below this code point every character is Latin, Greek or Cyrillic: Noto Serif's, no test needed. */
const FIRST_OTHER_SCRIPT = 0x0530

/**
 * The families that set some character of `texts`, as the browser would choose them from the
 * `.paper` font stack: for each character the first family (in the catalog's order) whose script
 * it belongs to, Noto Serif where none claims it. The primary family always comes first.
 */
export function familiesUsed(texts: Iterable<string>): Family[] {
  const used = new Set<Family>([PRIMARY])
  const seen = new Set<number>()
  for (const text of texts) {
    for (const char of text) {
      const code = char.codePointAt(0) as number
      if (code < FIRST_OTHER_SCRIPT || seen.has(code)) continue
      seen.add(code)
      const family = FAMILIES.find((candidate) => candidate.scripts?.test(char))
      if (family) used.add(family)
    }
  }
  return FAMILIES.filter((family) => used.has(family))
}
