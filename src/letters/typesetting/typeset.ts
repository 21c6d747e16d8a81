import type { Face, Weight } from './font-catalog.js'
import { faceOf, PRIMARY } from './font-catalog.js'
import { isPrimaryOnly } from './font-runs.js'
import { type Direction, type Line, layoutParagraph } from './line-layout.js'
import { patchUnicodeMap } from './unicode-map.js'

type Pdf = PDFKit.PDFDocument

/** Sides on the page; a justified paragraph's last line goes to the side its direction starts from. */
export type Align = 'left' | 'right' | 'justify'

export interface TextBlock {
  x: number
  width: number
  size: number
  weight: Weight
  align: Align
  /** The block's direction: the letter's, or 'auto' for a line of its own (a name, a street). */
  direction: Direction | 'auto'
  lineGap: number
  paragraphGap?: number
  /** Never starts a new page: the block is measured and placed by its caller (the address). */
  noPageBreak?: boolean
}

const registered = new WeakMap<Pdf, Set<string>>()

/** Registers `face` on `pdf` the first time the document uses it. */
export function useFace(pdf: Pdf, face: Face): void {
  let names = registered.get(pdf)
  if (!names) {
    names = new Set()
    registered.set(pdf, names)
  }
  if (names.has(face.pdfName)) return
  // @types/pdfkit predates pdfkit 0.20, which takes a parsed fontkit Font as well as bytes.
  pdf.registerFont(face.pdfName, face.font as unknown as Uint8Array)
  names.add(face.pdfName)
}

/**
 * True where pdfkit's own line breaking sets `text` right: Noto Serif alone, left to right.
 * Letters in English, French, Spanish and Russian, and most senders' names, take this path.
 */
export function isSimpleText(text: string, block: Pick<TextBlock, 'weight' | 'direction'>): boolean {
  return block.direction !== 'rtl' && isPrimaryOnly(text, block.weight)
}

/** Line height of `line` at `size`: the tallest face on it, so Arabic marks never touch the line above. */
function lineMetrics(faces: Face[], size: number): { ascent: number; height: number } {
  let ascent = 0
  let descent = 0
  for (const face of faces.length > 0 ? faces : [faceOf(PRIMARY, 'regular')]) {
    ascent = Math.max(ascent, (face.font.ascent / face.font.unitsPerEm) * size)
    descent = Math.max(descent, (-face.font.descent / face.font.unitsPerEm) * size)
  }
  return { ascent, height: ascent + descent }
}

/**
 * Sets one paragraph of any script at (block.x, pdf.y), moving pdf.y below it, a new page when the
 * page is full (unless `noPageBreak`).
 */
export function typesetParagraph(pdf: Pdf, text: string, block: TextBlock): void {
  const layout = layoutParagraph(text, {
    size: block.size,
    width: block.width,
    weight: block.weight,
    direction: block.direction,
  })
  let y = pdf.y
  layout.lines.forEach((line, index) => {
    const { ascent, height } = lineMetrics(line.faces, block.size)
    if (!block.noPageBreak && y + height > pdf.page.maxY() && y > pdf.page.margins.top) {
      pdf.continueOnNewPage()
      y = pdf.y
    }
    const last = index === layout.lines.length - 1
    drawLine(pdf, line, block, layout.direction, last, y + ascent)
    y += height + block.lineGap
  })
  pdf.x = block.x
  pdf.y = y + (block.paragraphGap ?? 0)
}

/** Height `text` takes as typeset in `block` (for keeping blocks together and fitting the address). */
export function typesetHeight(text: string, block: TextBlock): number {
  const layout = layoutParagraph(text, {
    size: block.size,
    width: block.width,
    weight: block.weight,
    direction: block.direction,
  })
  let height = 0
  for (const line of layout.lines) height += lineMetrics(line.faces, block.size).height + block.lineGap
  return height
}

/** Width of `text` set on one line in `block`'s size and weight. */
export function typesetWidth(text: string, block: Pick<TextBlock, 'size' | 'weight' | 'direction'>): number {
  const layout = layoutParagraph(text, { ...block, width: Number.POSITIVE_INFINITY })
  return Math.max(0, ...layout.lines.map((line) => line.width))
}

function drawLine(
  pdf: Pdf,
  line: Line,
  block: TextBlock,
  direction: Direction,
  last: boolean,
  baseline: number,
): void {
  const justify = block.align === 'justify' && !last && line.shares > 0
  // Justified: the extra width is shared out between the spaces and, in Chinese, the characters.
  const extra = justify ? (block.width - line.width) / line.shares : 0
  const width = justify ? block.width : line.width
  const toRight = block.align === 'right' || (block.align === 'justify' && direction === 'rtl')
  const left = toRight ? block.x + block.width - width : block.x
  // @NOTE each piece is drawn where it stands, in visual order, and every glyph maps back to the
  // letters it was shaped from (unicode-map.ts): extractors (pdftotext, pdf.js) and screen readers
  // rebuild the reading order from the positions, as they do for any right-to-left PDF.
  for (const piece of line.pieces) {
    useFace(pdf, piece.face)
    pdf.font(piece.face.pdfName, block.size)
    patchUnicodeMap((pdf as unknown as { _font: unknown })._font)
    pdf.text(piece.text, left + piece.x + piece.sharesBefore * extra, baseline, {
      lineBreak: false,
      baseline: 'alphabetic',
      characterSpacing: piece.spread ? extra : 0,
    } as PDFKit.Mixins.TextOptions)
  }
}
