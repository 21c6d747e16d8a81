import { faceOf, PRIMARY } from './typesetting/font-catalog.js'
import { useFace } from './typesetting/typeset.js'
import { patchUnicodeMap } from './typesetting/unicode-map.js'

/**
 * The names of Noto Serif's three faces in every letter and dossier PDF. The faces of the other
 * scripts (typesetting/font-catalog.ts) are registered the first time a document uses them.
 */
export const LETTER_FONTS = {
  regular: 'letter-serif',
  bold: 'letter-serif-bold',
  italic: 'letter-serif-italic',
} as const

/**
 * The regular face as pdfkit's `font` option (typed as a name, but pdfkit 0.20 takes a Font
 * too): without it every new document loads Helvetica's metrics, which it never uses.
 */
export function defaultLetterFont(): string {
  return faceOf(PRIMARY, 'regular').font as unknown as string
}

/** Registers Noto Serif's faces on one pdfkit document, and maps every glyph back to its letters. */
export function registerLetterFonts(pdf: PDFKit.PDFDocument): void {
  for (const weight of ['regular', 'bold', 'italic'] as const) useFace(pdf, faceOf(PRIMARY, weight))
  pdf.font(LETTER_FONTS.regular)
  patchUnicodeMap((pdf as unknown as { _font: unknown })._font)
}
