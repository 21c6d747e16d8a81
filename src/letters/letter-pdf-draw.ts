import type { LetterDocument } from './letter-document.js'
import {
  FONT_LINE_HEIGHT,
  fitFontSize,
  INCH,
  MM,
  PAGE_LAYOUTS,
  type PageLayout,
  TYPE,
} from './letter-pdf-layout.js'
import { cleanLetterForPdf } from './letter-pdf-text.js'
import { LETTER_FONTS } from './pdf-fonts.js'

type Pdf = PDFKit.PDFDocument

/**
 * Draws one letter on new pages of `pdf`, which must buffer its pages (`bufferPages: true`) and
 * have the letter fonts registered; flushes them when done, so a batch holds one letter's pages
 * at a time. Returns the number of pages the letter took.
 */
export function drawLetter(pdf: Pdf, letter: LetterDocument): number {
  const doc = cleanLetterForPdf(letter)
  // @NOTE stored documents come back from JSON: a paper size the type does not know fails loudly.
  const layout = PAGE_LAYOUTS[doc.paperSize] as PageLayout | undefined
  if (!layout) throw new Error(`letter ${doc.reference}: unknown paper size ${JSON.stringify(doc.paperSize)}`)
  pdf.addPage({ size: layout.size, margins: layout.margins })
  pdf.fillColor(TYPE.ink)
  drawFoldMarks(pdf, layout)
  drawSender(pdf, doc.sender, layout)
  drawAddress(pdf, doc.recipient, layout)
  drawInfo(pdf, [doc.dateLine, doc.referenceLine], layout)
  drawBody(pdf, doc, layout)
  return finishPages(pdf, doc, layout)
}

function contentWidth(layout: PageLayout): number {
  return layout.size[0] - layout.margins.left - layout.margins.right
}

function drawFoldMarks(pdf: Pdf, layout: PageLayout): void {
  pdf.save().lineWidth(0.4).strokeColor(TYPE.foldMark)
  for (const y of layout.folds)
    pdf
      .moveTo(5 * MM, y)
      .lineTo(9 * MM, y)
      .stroke()
  pdf.restore()
}

// Right-aligned at the top; shrinks rather than run into the window or the date below it.
function drawSender(pdf: Pdf, lines: string[], layout: PageLayout): void {
  const [name, ...rest] = lines
  if (name === undefined) return
  const width = 85 * MM
  const x = layout.size[0] - layout.margins.right - width
  const room = layout.window.y - 4 * MM - layout.senderTop
  const heightAt = (scale: number): number =>
    measure(pdf, LETTER_FONTS.bold, TYPE.senderName * scale, [name], width) +
    measure(pdf, LETTER_FONTS.regular, TYPE.sender * scale, rest, width)
  const scale = fitFontSize(heightAt, room, 1, 0.7)
  pdf
    .font(LETTER_FONTS.bold, TYPE.senderName * scale)
    .text(name, x, layout.senderTop, { width, align: 'right' })
  pdf.font(LETTER_FONTS.regular, TYPE.sender * scale).fillColor(TYPE.muted)
  for (const line of rest) pdf.text(line, x, pdf.y, { width, align: 'right' })
  pdf.fillColor(TYPE.ink)
}

// The address takes the largest size at which all its lines, wrapped to the box, fit the box.
function drawAddress(pdf: Pdf, lines: string[], layout: PageLayout): void {
  const box = layout.address
  const gap = (size: number): number => (TYPE.addressLeading - FONT_LINE_HEIGHT) * size
  const heightAt = (size: number): number =>
    measure(pdf, LETTER_FONTS.regular, size, lines, box.width, gap(size))
  const size = fitFontSize(heightAt, box.height, TYPE.addressMax, TYPE.addressMin)
  pdf.font(LETTER_FONTS.regular, size)
  pdf.y = box.y
  for (const line of lines) pdf.text(line, box.x, pdf.y, { width: box.width, lineGap: gap(size) })
}

function drawInfo(pdf: Pdf, lines: string[], layout: PageLayout): void {
  const box = layout.info
  pdf.font(LETTER_FONTS.regular, TYPE.info)
  pdf.y = box.y
  for (const line of lines) {
    if (line !== '') pdf.text(line, box.x, pdf.y, { width: box.width, align: 'right', lineGap: 2 })
  }
}

function drawBody(pdf: Pdf, doc: LetterDocument, layout: PageLayout): void {
  const x = layout.margins.left
  const width = contentWidth(layout)
  const body = { width, lineGap: TYPE.bodyLineGap, paragraphGap: TYPE.paragraphGap }
  pdf.font(LETTER_FONTS.bold, TYPE.body).text(doc.subject, x, layout.bodyTop, { ...body, paragraphGap: 14 })
  pdf.font(LETTER_FONTS.regular, TYPE.body)
  if (doc.salutation) pdf.text(doc.salutation, x, pdf.y, body)
  for (const paragraph of doc.paragraphs) {
    // A long unbroken token (a web address) makes justified text spread the line before it word
    // by word: such a paragraph is set ragged-right instead.
    const align = /\S{36,}/.test(paragraph) ? 'left' : 'justify'
    pdf.text(paragraph, x, pdf.y, { ...body, align })
  }

  // The close, the signature space and the signatory's lines stay together on one page.
  const closing =
    TYPE.paragraphGap +
    measure(pdf, LETTER_FONTS.regular, TYPE.body, [doc.close], width, TYPE.bodyLineGap) +
    TYPE.signatureSpace +
    measure(pdf, LETTER_FONTS.regular, TYPE.body, doc.signature, width, TYPE.bodyLineGap)
  if (pdf.y + closing > pdf.page.maxY()) pdf.continueOnNewPage()
  pdf.font(LETTER_FONTS.regular, TYPE.body)
  pdf.y += TYPE.paragraphGap
  if (doc.close) pdf.text(doc.close, x, pdf.y, { width, lineGap: TYPE.bodyLineGap })
  pdf.y += TYPE.signatureSpace
  for (const line of doc.signature) pdf.text(line, x, pdf.y, { width, lineGap: TYPE.bodyLineGap })
}

// Page numbers restart with each letter and show only on a letter of two pages or more; each
// page after the first names the addressee and the reference, in case the sheets come apart.
function finishPages(pdf: Pdf, doc: LetterDocument, layout: PageLayout): number {
  const { start, count } = pdf.bufferedPageRange()
  const pages = Array.from({ length: count }, (_, i) => pdf.switchToPage(start + i))
  if (count > 1) {
    const [width, height] = layout.size
    const left = layout.margins.left
    const right = width - layout.margins.right
    pdf.font(LETTER_FONTS.regular, TYPE.small).fillColor(TYPE.muted)
    for (let i = 0; i < count; i++) {
      pdf.switchToPage(start + i)
      const number = `${i + 1}/${count}`
      pdf.text(number, (width - pdf.widthOfString(number)) / 2, height - 0.5 * INCH, { lineBreak: false })
      if (i === 0) continue
      const top = layout.margins.top / 2
      const reference = right - pdf.widthOfString(doc.reference)
      const addressee = [doc.recipient[0], doc.dateLine].filter(Boolean).join(' · ')
      pdf.text(shorten(pdf, addressee, reference - left - 10 * MM), left, top, { lineBreak: false })
      pdf.text(doc.reference, reference, top, { lineBreak: false })
    }
    pdf.fillColor(TYPE.ink)
  }
  pdf.flushPages()
  // @NOTE pdfkit keeps every page's dictionary for the page tree, though only its object number is
  // still needed once the page is written: dropping the rest keeps a 10,000-letter batch flat
  // (~1 KB a page otherwise). The batch test parses the result, page sizes included.
  for (const page of pages) (page.dictionary as { data: object }).data = {}
  return count
}

/** `text` cut at a word with an ellipsis, if need be, to fit `width` in the current font. */
function shorten(pdf: Pdf, text: string, width: number): string {
  if (pdf.widthOfString(text) <= width) return text
  const words = text.split(' ')
  while (words.length > 1) {
    words.pop()
    const candidate = `${words.join(' ')} …`
    if (pdf.widthOfString(candidate) <= width) return candidate
  }
  return ''
}

/** Height of `lines` set one under the other in `font` at `size`, wrapped to `width`. */
function measure(pdf: Pdf, font: string, size: number, lines: string[], width: number, lineGap = 0): number {
  pdf.font(font, size)
  let height = 0
  for (const line of lines) height += pdf.heightOfString(line, { width, lineGap })
  return height
}
