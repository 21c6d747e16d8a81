import { cleanPdfText } from '../letters/letter-pdf-text.js'
import { LETTER_FONTS } from '../letters/pdf-fonts.js'

// Drawing primitives of the dossier: A4, one column, headings, label/value rows, small tables.
// Every drawing function starts a new page when what it draws would not fit the rest of this one.

type Pdf = PDFKit.PDFDocument

export const A4: [number, number] = [595.28, 841.89]
export const MARGINS = { top: 56, bottom: 64, left: 56, right: 56 }
export const WIDTH = A4[0] - MARGINS.left - MARGINS.right
export const INK = '#1b1f24'
export const MUTED = '#5a6470'
const RULE = '#c5ccd4'
const SIZE = { body: 10, small: 8.5, heading: 13 }

/** Text as the PDF prints it: each line cleaned of control and bidi characters, lines kept. */
export function pdfParagraphs(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(cleanPdfText)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** A new page when `height` does not fit below the current position. */
export function keepTogether(pdf: Pdf, height: number): void {
  if (pdf.y + height > pdf.page.maxY()) pdf.addPage()
}

export function sectionHeading(pdf: Pdf, title: string): void {
  pdf.font(LETTER_FONTS.bold, SIZE.heading)
  // A heading never ends a page: it keeps at least three lines of what follows.
  keepTogether(pdf, 18 + pdf.currentLineHeight(true) + 3 * 14)
  pdf.y += 10
  pdf.fillColor(INK).text(cleanPdfText(title), MARGINS.left, pdf.y, { width: WIDTH })
  const y = pdf.y + 2
  pdf
    .save()
    .lineWidth(0.6)
    .strokeColor(RULE)
    .moveTo(MARGINS.left, y)
    .lineTo(A4[0] - MARGINS.right, y)
    .stroke()
  pdf.restore()
  pdf.y = y + 6
}

/** Rows of label and value, the label in a narrow muted column; long values wrap. */
export function labelledRows(pdf: Pdf, rows: readonly (readonly [string, string])[], labelWidth = 130): void {
  const valueX = MARGINS.left + labelWidth
  const valueWidth = WIDTH - labelWidth
  for (const [label, raw] of rows) {
    const value = pdfParagraphs(raw) || '—'
    pdf.font(LETTER_FONTS.regular, SIZE.body)
    const first = pdf.heightOfString(value.split('\n')[0] ?? '', { width: valueWidth })
    keepTogether(pdf, Math.max(first, 14) + 4)
    const top = pdf.y
    const page = pdf.page
    pdf.font(LETTER_FONTS.regular, SIZE.small).fillColor(MUTED)
    pdf.text(label, MARGINS.left, top + 1, { width: labelWidth - 8 })
    const afterLabel = pdf.y
    pdf.font(LETTER_FONTS.regular, SIZE.body).fillColor(INK)
    pdf.text(value, valueX, top, { width: valueWidth })
    // A value that ran onto a new page has left its label behind: only its own end counts then.
    pdf.y = (pdf.page === page ? Math.max(pdf.y, afterLabel) : pdf.y) + 4
  }
}

export interface TableColumn {
  title: string
  width: number
}

/** A table with a header row (repeated on each page it runs onto); cells wrap within their column. */
export function table(pdf: Pdf, columns: readonly TableColumn[], rows: readonly (readonly string[])[]): void {
  const header = () => {
    pdf.font(LETTER_FONTS.bold, SIZE.small).fillColor(MUTED)
    row(columns.map((c) => c.title))
    pdf.fillColor(INK)
  }
  const heightOf = (cells: readonly string[]) =>
    Math.max(...cells.map((cell, i) => pdf.heightOfString(cell || ' ', { width: columns[i]!.width - 6 })))
  const row = (cells: readonly string[]) => {
    const top = pdf.y
    const height = heightOf(cells)
    let x = MARGINS.left
    cells.forEach((cell, i) => {
      pdf.text(cell, x, top, { width: columns[i]!.width - 6 })
      x += columns[i]!.width
    })
    pdf.y = top + height + 3
  }
  pdf.font(LETTER_FONTS.bold, SIZE.small)
  keepTogether(pdf, 2 * heightOf(columns.map((c) => c.title)) + 20)
  header()
  for (const cells of rows) {
    const clean = cells.map(cleanPdfText)
    pdf.font(LETTER_FONTS.regular, SIZE.small + 0.5)
    const height = heightOf(clean)
    if (pdf.y + height > pdf.page.maxY()) {
      pdf.addPage()
      header()
      pdf.font(LETTER_FONTS.regular, SIZE.small + 0.5)
    }
    row(clean)
  }
}

/** A paragraph in the body size (or muted and small), wrapping and running onto new pages. */
export function paragraph(
  pdf: Pdf,
  text: string,
  options: { muted?: boolean; x?: number; gap?: number } = {},
) {
  const x = options.x ?? MARGINS.left
  pdf
    .font(LETTER_FONTS.regular, options.muted ? SIZE.small : SIZE.body)
    .fillColor(options.muted ? MUTED : INK)
    .text(pdfParagraphs(text), x, pdf.y, { width: A4[0] - MARGINS.right - x, paragraphGap: 2 })
  pdf.fillColor(INK)
  pdf.y += options.gap ?? 4
}

/** "Page n of N" and a running title at the foot of every page (the document buffers its pages). */
export function footers(pdf: Pdf, title: string): void {
  const { start, count } = pdf.bufferedPageRange()
  const y = A4[1] - MARGINS.bottom + 24
  for (let i = 0; i < count; i++) {
    pdf.switchToPage(start + i)
    // @NOTE the foot lies below the bottom margin: text there would make pdfkit add a page.
    const bottom = pdf.page.margins.bottom
    pdf.page.margins.bottom = 0
    pdf.font(LETTER_FONTS.regular, SIZE.small).fillColor(MUTED)
    pdf.text(cleanPdfText(title), MARGINS.left, y, { width: WIDTH - 80, lineBreak: false })
    const number = `Page ${i + 1} of ${count}`
    pdf.text(number, A4[0] - MARGINS.right - pdf.widthOfString(number), y, { lineBreak: false })
    pdf.page.margins.bottom = bottom
  }
  pdf.fillColor(INK)
}
