import {
  artifact,
  type Block,
  cleanPdfText,
  drawText,
  heightOf,
  LETTER_FONTS,
  shorten,
  tagged,
  uncoveredCharacters,
} from '../letters/index.js'

// Drawing primitives of the dossier: A4, one column, headings, label/value rows, small tables.
// Every drawing function starts a new page when what it draws would not fit the rest of this one.
//
// The dossier is a tagged PDF: each primitive adds its structure element (H1, Sect with its H2, P,
// Table/TR/TH/TD, L/LI) under the parent it is given, in reading order; rules, repeated table
// headers and page footers are artifacts. All text goes through drawText, so names, notes and
// addresses in any script print in their own face and direction (Noto Serif text on pdfkit's own
// path, as before; Arabic, Chinese, Hindi through the typesetter).

type Pdf = PDFKit.PDFDocument
export type Struct = PDFKit.PDFStructureElement

export const A4: [number, number] = [595.28, 841.89]
export const MARGINS = { top: 56, bottom: 64, left: 56, right: 56 }
export const WIDTH = A4[0] - MARGINS.left - MARGINS.right
export const INK = '#1b1f24'
export const MUTED = '#5a6470'
const RULE = '#c5ccd4'
const SIZE = { body: 10, small: 8.5, heading: 13 }

// A line whose first letter is of a right-to-left script (an Arabic note) reads right to left,
// aligned to the right of its column.
const RTL_SCRIPT =
  /[\p{sc=Arab}\p{sc=Hebr}\p{sc=Thaa}\p{sc=Syrc}\p{sc=Nkoo}\p{sc=Adlm}\p{sc=Samr}\p{sc=Mand}]/u
const LETTER = /\p{L}/u

/**
 * Text as the PDF prints it: each line cleaned of control and bidi characters, lines kept, and any
 * character no bundled face has written as its code point ("[U+1F600]"), never an empty box.
 */
export function pdfParagraphs(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => printable(cleanPdfText(line)))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function printable(text: string): string {
  let out = text
  for (const char of uncoveredCharacters(text)) {
    const code = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')
    out = out.replaceAll(char, `[U+${code}]`)
  }
  return out
}

/** One line of text, cleaned, as `pdfParagraphs` prints it. */
export function pdfLine(text: string): string {
  return printable(cleanPdfText(text))
}

function startsRightToLeft(line: string): boolean {
  for (const char of line) if (LETTER.test(char)) return RTL_SCRIPT.test(char)
  return false
}

interface TextStyle {
  x: number
  width: number
  size: number
  weight?: Block['weight']
  paragraphGap?: number
  /** Never starts a new page (the footer, drawn below the bottom margin). */
  noPageBreak?: boolean
}

/** The block one line is set in: its direction from its first letter, a right-to-left one aligned right. */
function lineBlock(line: string, style: TextStyle): Block {
  return {
    x: style.x,
    width: style.width,
    size: style.size,
    weight: style.weight ?? 'regular',
    align: startsRightToLeft(line) ? 'right' : 'left',
    direction: 'auto',
    language: null,
    lineGap: 0,
    paragraphGap: style.paragraphGap ?? 0,
    noPageBreak: style.noPageBreak,
  }
}

/**
 * Sets `text` (cleaned, lines separated by "\n") at (style.x, pdf.y), each line in its own
 * direction, and moves pdf.y below it; an empty line leaves a line's space, as pdfkit does.
 */
export function drawLines(pdf: Pdf, text: string, style: TextStyle): void {
  for (const line of text.split('\n')) {
    if (line === '') {
      pdf.font(LETTER_FONTS[style.weight ?? 'regular'], style.size)
      pdf.y += pdf.currentLineHeight(true) + (style.paragraphGap ?? 0)
    } else {
      drawText(pdf, line, lineBlock(line, style))
    }
  }
}

/** Height `text` takes when drawn by `drawLines` in `style`. */
export function linesHeight(pdf: Pdf, text: string, style: TextStyle): number {
  let height = 0
  for (const line of text.split('\n')) {
    if (line === '') {
      pdf.font(LETTER_FONTS[style.weight ?? 'regular'], style.size)
      height += pdf.currentLineHeight(true) + (style.paragraphGap ?? 0)
    } else {
      height += heightOf(pdf, [line], lineBlock(line, style))
    }
  }
  return height
}

/** A structure element with no content of its own (Sect, Table, TR, L, LI), under `parent`. */
export function container(
  pdf: Pdf,
  parent: Struct,
  type: string,
  options: PDFKit.Mixins.StructureElementOptions = {},
): Struct {
  const element = pdf.struct(type, options)
  parent.add(element)
  return element
}

/** A table header cell: tagged TH whose scope tells a screen reader which cells it heads. */
function headerCell(pdf: Pdf, parent: Struct, scope: 'Row' | 'Column', draw: () => void): void {
  const element = pdf.struct('TH', { scope } as PDFKit.Mixins.StructureElementOptions)
  parent.add(element)
  const content = pdf.markStructureContent('TH')
  draw()
  pdf.endMarkedContent()
  element.add(content)
  element.end()
}

/** A new page when `height` does not fit below the current position. */
export function keepTogether(pdf: Pdf, height: number): void {
  if (pdf.y + height > pdf.page.maxY()) pdf.addPage()
}

/** The document's title: an H1 in the title size. */
export function documentTitle(pdf: Pdf, parent: Struct, title: string): void {
  pdf.fillColor(INK)
  tagged(pdf, parent, 'H1', () =>
    drawLines(pdf, pdfLine(title), { x: MARGINS.left, width: WIDTH, size: 22, weight: 'bold' }),
  )
}

/** A line above the title that only brands the page (a header): an artifact. */
export function kicker(pdf: Pdf, text: string): void {
  pdf.fillColor(MUTED)
  pdf.y = MARGINS.top
  artifact(pdf, () => drawLines(pdf, pdfLine(text), { x: MARGINS.left, width: WIDTH, size: 9 }))
  pdf.fillColor(INK)
}

/**
 * A section of the dossier: a Sect under `parent` headed by an H2 and a rule (an artifact); `draw`
 * fills it. A heading never ends a page: it keeps at least three lines of what follows.
 */
export function section(pdf: Pdf, parent: Struct, title: string, draw: (sect: Struct) => void): void {
  const sect = container(pdf, parent, 'Sect', { title: cleanPdfText(title) })
  pdf.font(LETTER_FONTS.bold, SIZE.heading)
  keepTogether(pdf, 18 + pdf.currentLineHeight(true) + 3 * 14)
  pdf.y += 10
  pdf.fillColor(INK)
  tagged(pdf, sect, 'H2', () =>
    drawLines(pdf, pdfLine(title), { x: MARGINS.left, width: WIDTH, size: SIZE.heading, weight: 'bold' }),
  )
  const y = pdf.y + 2
  artifact(pdf, () => {
    pdf
      .save()
      .lineWidth(0.6)
      .strokeColor(RULE)
      .moveTo(MARGINS.left, y)
      .lineTo(A4[0] - MARGINS.right, y)
      .stroke()
    pdf.restore()
  })
  pdf.y = y + 6
  draw(sect)
  sect.end()
}

/**
 * Rows of label and value, the label in a narrow muted column; long values wrap. Tagged as a
 * table whose rows are headed by their label (TH, scope Row) and hold the value (TD).
 */
export function labelledRows(
  pdf: Pdf,
  parent: Struct,
  rows: readonly (readonly [string, string])[],
  labelWidth = 130,
): void {
  const valueX = MARGINS.left + labelWidth
  const valueStyle: TextStyle = { x: valueX, width: WIDTH - labelWidth, size: SIZE.body }
  const tableElement = container(pdf, parent, 'Table')
  for (const [label, raw] of rows) {
    const value = pdfParagraphs(raw) || '—'
    const first = linesHeight(pdf, value.split('\n')[0] ?? '', valueStyle)
    keepTogether(pdf, Math.max(first, 14) + 4)
    const top = pdf.y
    const page = pdf.page
    const tr = container(pdf, tableElement, 'TR')
    pdf.fillColor(MUTED)
    pdf.y = top + 1
    headerCell(pdf, tr, 'Row', () =>
      drawLines(pdf, pdfLine(label), { x: MARGINS.left, width: labelWidth - 8, size: SIZE.small }),
    )
    const afterLabel = pdf.y
    pdf.fillColor(INK)
    pdf.y = top
    tagged(pdf, tr, 'TD', () => drawLines(pdf, value, valueStyle))
    tr.end()
    // A value that ran onto a new page has left its label behind: only its own end counts then.
    pdf.y = (pdf.page === page ? Math.max(pdf.y, afterLabel) : pdf.y) + 4
  }
  tableElement.end()
}

export interface TableColumn {
  title: string
  width: number
}

/**
 * A table with a header row (repeated, as an artifact, on each page it runs onto); cells wrap
 * within their column. Tagged Table, TR, TH (scope Column) and TD.
 */
export function table(
  pdf: Pdf,
  parent: Struct,
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
): void {
  const style = (i: number, size: number, weight: Block['weight'] = 'regular'): TextStyle => ({
    x: MARGINS.left + columns.slice(0, i).reduce((sum, c) => sum + c.width, 0),
    width: columns[i]!.width - 6,
    size,
    weight,
  })
  const headerSize = SIZE.small
  const bodySize = SIZE.small + 0.5
  const heightOfRow = (cells: readonly string[], size: number, weight: Block['weight']) =>
    Math.max(...cells.map((cell, i) => linesHeight(pdf, cell || ' ', style(i, size, weight))))
  const row = (
    tr: Struct | null,
    cells: readonly string[],
    size: number,
    weight: Block['weight'],
    cellType: 'TH' | 'TD',
  ) => {
    const top = pdf.y
    const height = heightOfRow(cells, size, weight)
    cells.forEach((cell, i) => {
      pdf.y = top
      const draw = () => drawLines(pdf, cell, style(i, size, weight))
      if (tr === null) artifact(pdf, draw)
      else if (cellType === 'TH') headerCell(pdf, tr, 'Column', draw)
      else tagged(pdf, tr, 'TD', draw)
    })
    pdf.y = top + height + 3
  }
  const titles = columns.map((c) => pdfLine(c.title))
  // The header row is read once, where the table starts; its repeats on later pages are artifacts.
  const header = (tr: Struct | null) => {
    pdf.fillColor(MUTED)
    row(tr, titles, headerSize, 'bold', 'TH')
    pdf.fillColor(INK)
  }
  const tableElement = container(pdf, parent, 'Table')
  keepTogether(pdf, 2 * heightOfRow(titles, headerSize, 'bold') + 20)
  const head = container(pdf, tableElement, 'TR')
  header(head)
  head.end()
  for (const cells of rows) {
    const clean = cells.map(pdfLine)
    const height = heightOfRow(clean, bodySize, 'regular')
    if (pdf.y + height > pdf.page.maxY()) {
      pdf.addPage()
      header(null)
    }
    const tr = container(pdf, tableElement, 'TR')
    row(tr, clean, bodySize, 'regular', 'TD')
    tr.end()
  }
  tableElement.end()
}

/** A paragraph (P) in the body size (or muted and small), wrapping and running onto new pages. */
export function paragraph(
  pdf: Pdf,
  parent: Struct,
  text: string,
  options: { muted?: boolean; x?: number; gap?: number; weight?: Block['weight'] } = {},
): void {
  const x = options.x ?? MARGINS.left
  const printed = pdfParagraphs(text)
  pdf.fillColor(options.muted ? MUTED : INK)
  tagged(pdf, parent, 'P', () =>
    drawLines(pdf, printed, {
      x,
      width: A4[0] - MARGINS.right - x,
      size: options.muted ? SIZE.small : SIZE.body,
      weight: options.weight,
      paragraphGap: 2,
    }),
  )
  pdf.fillColor(INK)
  pdf.y += options.gap ?? 4
}

export interface ListItem {
  /** The label in the left column (a date). */
  label: string
  /** The first line of the body, in bold. */
  title: string
  /** What follows it; may be empty. */
  text: string
}

/**
 * A list (L) of items, each a label in a narrow muted column (Lbl) beside its body (LBody: a bold
 * title and the text, each a P). An item's title never ends a page.
 */
export function labelledList(pdf: Pdf, parent: Struct, items: readonly ListItem[], labelWidth = 84): void {
  const x = MARGINS.left + labelWidth
  const list = container(pdf, parent, 'L')
  for (const item of items) {
    const title = pdfLine(item.title)
    const titleStyle: TextStyle = { x, width: WIDTH - labelWidth, size: SIZE.body, weight: 'bold' }
    keepTogether(pdf, linesHeight(pdf, title, titleStyle) + 16)
    const top = pdf.y
    const li = container(pdf, list, 'LI')
    pdf.fillColor(MUTED)
    pdf.y = top + 1
    tagged(pdf, li, 'Lbl', () =>
      drawLines(pdf, pdfLine(item.label), { x: MARGINS.left, width: labelWidth - 8, size: 9 }),
    )
    pdf.fillColor(INK)
    pdf.y = top
    const body = container(pdf, li, 'LBody')
    tagged(pdf, body, 'P', () => drawLines(pdf, title, titleStyle))
    if (pdfParagraphs(item.text)) paragraph(pdf, body, item.text, { x, gap: 0 })
    body.end()
    li.end()
    pdf.y += 6
  }
  list.end()
}

/**
 * "Page n of N" and a running title at the foot of every page (the document buffers its pages),
 * as artifacts: screen readers skip them.
 */
export function footers(pdf: Pdf, title: string): void {
  const { start, count } = pdf.bufferedPageRange()
  const y = A4[1] - MARGINS.bottom + 24
  const running = pdfLine(title)
  for (let i = 0; i < count; i++) {
    pdf.switchToPage(start + i)
    // @NOTE the foot lies below the bottom margin: text there would make pdfkit add a page.
    const bottom = pdf.page.margins.bottom
    pdf.page.margins.bottom = 0
    pdf.fillColor(MUTED)
    artifact(pdf, () => {
      const block = lineBlock(running, {
        x: MARGINS.left,
        width: WIDTH - 80,
        size: SIZE.small,
        noPageBreak: true,
      })
      pdf.y = y
      drawText(pdf, shorten(pdf, running, block), { ...block, align: 'left' })
      const number = `Page ${i + 1} of ${count}`
      pdf.font(LETTER_FONTS.regular, SIZE.small)
      pdf.text(number, A4[0] - MARGINS.right - pdf.widthOfString(number), y, { lineBreak: false })
    })
    pdf.page.margins.bottom = bottom
  }
  pdf.fillColor(INK)
}
