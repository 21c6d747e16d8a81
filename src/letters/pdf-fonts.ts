import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { create, type Font, type GlyphRun } from 'fontkit'

/**
 * The letter typeface: Noto Serif, from the `@expo-google-fonts/noto-serif` package (static
 * TrueType files, SIL Open Font License). It covers Latin with its extensions (Polish, Turkish,
 * Romanian, Vietnamese), Greek and Cyrillic, so every ambassador's and supporter's name written in
 * those scripts prints as written. pdfkit embeds only the glyphs a document uses.
 */
export const LETTER_FONTS = {
  regular: 'letter-serif',
  bold: 'letter-serif-bold',
  italic: 'letter-serif-italic',
} as const

type Face = keyof typeof LETTER_FONTS

const FILES: Record<Face, string> = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
  italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
}

/** Words whose shaping each face remembers across documents (a few MB at most). */
const LAYOUT_CACHE_SIZE = 4000

interface FontRegistry {
  registerFont(name: string, src: Uint8Array): unknown
}

// @NOTE parsed once per process and shared by every document (pdfkit 0.20 accepts a fontkit Font
// and keeps its subset per document): parsing the tables for each letter cost ~100 ms a letter.
let parsed: Record<Face, Font> | undefined

function parse(face: Face): Font {
  const file = createRequire(import.meta.url).resolve(FILES[face])
  const font = create(readFileSync(file))
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a single font`)
  return rememberLayouts(font)
}

/**
 * pdfkit shapes text word by word and remembers the words for one document only; shaping
 * (OpenType lookups) was then most of a letter's cost, for the same few thousand words each time.
 * This keeps the most recent words' glyph runs for the whole process.
 */
function rememberLayouts(font: Font): Font {
  // @NOTE pdfkit scales a run's positions in place by 1000 / unitsPerEm: sharing runs between
  // documents is safe only where that factor is 1, as it is for Noto Serif.
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

function parsedFonts(): Record<Face, Font> {
  parsed ??= { regular: parse('regular'), bold: parse('bold'), italic: parse('italic') }
  return parsed
}

/**
 * The regular face as pdfkit's `font` option (typed as a name, but pdfkit 0.20 takes a Font
 * too): without it every new document loads Helvetica's metrics, which it never uses.
 */
export function defaultLetterFont(): string {
  return parsedFonts().regular as unknown as string
}

/** Registers the letter fonts under the names in `LETTER_FONTS` on one pdfkit document. */
export function registerLetterFonts(pdf: FontRegistry): void {
  const parsed = parsedFonts()
  for (const face of Object.keys(LETTER_FONTS) as Face[]) {
    // @types/pdfkit predates pdfkit 0.20, which takes a parsed fontkit Font as well as bytes.
    pdf.registerFont(LETTER_FONTS[face], parsed[face] as unknown as Uint8Array)
  }
}
