import { formsFor } from './diplomatic-form.js'
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
import {
  artifact,
  type Block,
  drawText,
  heightOf,
  type Pdf,
  section,
  shorten,
  tagged,
} from './letter-pdf-text-blocks.js'
import { LETTER_FONTS } from './pdf-fonts.js'
import type { Direction } from './typesetting/line-layout.js'

type Struct = PDFKit.PDFStructureElement

/**
 * Draws one letter on new pages of `pdf`, which must buffer its pages (`bufferPages: true`), be
 * tagged, and have the letter fonts registered; flushes them when done, so a batch holds one
 * letter's pages at a time. Returns the number of pages the letter took.
 *
 * The letter is a tagged section in the letter's language: the sender, the addressee, the date
 * and reference, the subject as its heading, the salutation, each paragraph, the close and the
 * signature, in reading order; fold marks, page numbers and running heads are artifacts, which
 * screen readers skip. A right-to-left letter (Arabic) is set right to left, its paragraphs aligned
 * to the right; the address and the sender's block keep their places on the sheet (the envelope's
 * window is where it is), each line in its own direction.
 */
export function drawLetter(pdf: Pdf, letter: LetterDocument): number {
  const doc = cleanLetterForPdf(letter)
  // @NOTE stored documents come back from JSON: a paper size the type does not know fails loudly.
  const layout = PAGE_LAYOUTS[doc.paperSize] as PageLayout | undefined
  if (!layout) throw new Error(`letter ${doc.reference}: unknown paper size ${JSON.stringify(doc.paperSize)}`)
  const forms = formsFor(doc.language)
  pdf.addPage({ size: layout.size, margins: layout.margins })
  const letterSection = section(pdf, { lang: forms.locale, title: doc.meta.title })
  const sect = letterSection.element
  pdf.fillColor(TYPE.ink)
  artifact(pdf, () => drawFoldMarks(pdf, layout))
  drawSender(pdf, sect, doc.sender, layout, forms.direction)
  drawAddress(pdf, sect, doc.recipient, layout, forms.direction)
  drawInfo(pdf, sect, [doc.dateLine, doc.referenceLine], layout, forms.direction)
  drawBody(pdf, sect, doc, layout, forms.direction)
  const pages = finishPages(pdf, doc, layout, forms.direction)
  letterSection.done()
  return pages
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

/** Lines set one under the other: a name, a street, each in its own direction. */
function lineBlock(direction: Direction): Pick<Block, 'direction' | 'language'> {
  // In a left-to-right letter every line is left to right (an Arabic name keeps its own order
  // inside it); in a right-to-left letter each line takes the direction of its first letter, so a
  // New York street stays left to right.
  return { direction: direction === 'rtl' ? 'auto' : 'ltr', language: null }
}

// Right-aligned at the top; shrinks rather than run into the window or the date below it.
function drawSender(
  pdf: Pdf,
  section: Struct,
  lines: string[],
  layout: PageLayout,
  direction: Direction,
): void {
  const [name, ...rest] = lines
  if (name === undefined) return
  const width = 85 * MM
  const x = layout.size[0] - layout.margins.right - width
  const room = layout.window.y - 4 * MM - layout.senderTop
  const block = (size: number, weight: Block['weight']): Block => ({
    ...lineBlock(direction),
    x,
    width,
    size,
    weight,
    align: 'right',
    lineGap: 0,
  })
  const heightAt = (scale: number): number =>
    heightOf(pdf, [name], block(TYPE.senderName * scale, 'bold')) +
    heightOf(pdf, rest, block(TYPE.sender * scale, 'regular'))
  const scale = fitFontSize(heightAt, room, 1, 0.7)
  pdf.y = layout.senderTop
  tagged(pdf, section, 'P', () => {
    drawText(pdf, name, block(TYPE.senderName * scale, 'bold'))
    pdf.fillColor(TYPE.muted)
    for (const line of rest) drawText(pdf, line, block(TYPE.sender * scale, 'regular'))
    pdf.fillColor(TYPE.ink)
  })
}

// The address takes the largest size at which all its lines, wrapped to the box, fit the box.
function drawAddress(
  pdf: Pdf,
  section: Struct,
  lines: string[],
  layout: PageLayout,
  direction: Direction,
): void {
  const box = layout.address
  const block = (size: number): Block => ({
    ...lineBlock(direction),
    x: box.x,
    width: box.width,
    size,
    weight: 'regular',
    align: direction === 'rtl' ? 'right' : 'left',
    lineGap: (TYPE.addressLeading - FONT_LINE_HEIGHT) * size,
    noPageBreak: true,
  })
  const size = fitFontSize(
    (s) => heightOf(pdf, lines, block(s)),
    box.height,
    TYPE.addressMax,
    TYPE.addressMin,
  )
  pdf.y = box.y
  tagged(pdf, section, 'P', () => {
    for (const line of lines) drawText(pdf, line, block(size))
  })
}

function drawInfo(
  pdf: Pdf,
  section: Struct,
  lines: string[],
  layout: PageLayout,
  direction: Direction,
): void {
  const box = layout.info
  pdf.y = box.y
  tagged(pdf, section, 'P', () => {
    for (const line of lines) {
      if (line === '') continue
      // The date and reference are the letter's own words: set in its direction, so an Arabic
      // date line that names a Latin city ("Paris، ...") still reads right to left.
      drawText(pdf, line, {
        direction,
        language: null,
        x: box.x,
        width: box.width,
        size: TYPE.info,
        weight: 'regular',
        align: 'right',
        lineGap: 2,
        noPageBreak: true,
      })
    }
  })
}

function drawBody(
  pdf: Pdf,
  section: Struct,
  doc: LetterDocument,
  layout: PageLayout,
  direction: Direction,
): void {
  const start = direction === 'rtl' ? 'right' : 'left'
  const body: Block = {
    x: layout.margins.left,
    width: contentWidth(layout),
    size: TYPE.body,
    weight: 'regular',
    align: 'justify',
    direction,
    language: doc.language,
    lineGap: TYPE.bodyLineGap,
    paragraphGap: TYPE.paragraphGap,
  }
  pdf.y = layout.bodyTop
  // No word alone on the subject's last line: its last two words are held together.
  const subject = doc.subject.replace(/ (\S+)$/, '\u00a0$1')
  tagged(pdf, section, 'H1', () =>
    drawText(pdf, subject, { ...body, weight: 'bold', align: start, language: null, paragraphGap: 14 }),
  )
  if (doc.salutation)
    tagged(pdf, section, 'P', () => drawText(pdf, doc.salutation, { ...body, align: start }))
  const paragraphs = doc.paragraphs
  paragraphs.forEach((paragraph, i) => {
    // A long unbroken token (a web address) makes justified text spread the line before it word
    // by word: such a paragraph is set ragged instead.
    const align = /\S{36,}/.test(paragraph) ? start : 'justify'
    // The close, the signature space and the signatory's lines stay together on one page, and
    // with the last lines of the paragraph before them: the signature never stands alone.
    if (i === paragraphs.length - 1) keepClosingTogether(pdf, doc, body, paragraph, align)
    tagged(pdf, section, 'P', () => drawText(pdf, paragraph, { ...body, align }))
  })
  if (paragraphs.length === 0) keepClosingTogether(pdf, doc, body, null, start)
  const closing: Block = { ...body, align: start, paragraphGap: 0 }
  pdf.y += TYPE.paragraphGap
  if (doc.close) tagged(pdf, section, 'P', () => drawText(pdf, doc.close, { ...closing, align: 'justify' }))
  pdf.y += TYPE.signatureSpace
  const signature: Block = { ...closing, ...lineBlock(direction), lineGap: TYPE.bodyLineGap }
  tagged(pdf, section, 'P', () => {
    for (const line of doc.signature) drawText(pdf, line, signature)
  })
}

/**
 * Starts a new page before the last paragraph when the close and the signature would not fit
 * after it: with a short last paragraph, the whole paragraph moves; with a long one, the page
 * breaks inside it, so that at least its last two lines go over with the close.
 */
function keepClosingTogether(
  pdf: Pdf,
  doc: LetterDocument,
  body: Block,
  last: string | null,
  align: Block['align'],
): void {
  const closing =
    TYPE.paragraphGap +
    heightOf(pdf, [doc.close], { ...body, align: 'justify', paragraphGap: 0 }) +
    TYPE.signatureSpace +
    heightOf(pdf, doc.signature, { ...body, paragraphGap: 0 })
  const paragraph = last === null ? 0 : heightOf(pdf, [last], { ...body, align }) + TYPE.paragraphGap
  const room = pdf.page.maxY() - pdf.y
  if (paragraph + closing <= room) return
  const twoLines = 2 * (TYPE.body * FONT_LINE_HEIGHT + TYPE.bodyLineGap)
  // The paragraph alone fits, or it is short: it goes over whole with the close.
  if (paragraph <= room || paragraph <= (4 * twoLines) / 2) {
    pdf.continueOnNewPage()
    return
  }
  // A long paragraph splits: what does not fit with its last two lines and the close goes over.
  if (room - closing < twoLines) pdf.continueOnNewPage()
}

// Page numbers restart with each letter and show only on a letter of two pages or more; each
// page after the first names the addressee and the reference, in case the sheets come apart.
function finishPages(pdf: Pdf, doc: LetterDocument, layout: PageLayout, direction: Direction): number {
  const { start, count } = pdf.bufferedPageRange()
  const pages = Array.from({ length: count }, (_, i) => pdf.switchToPage(start + i))
  if (count > 1) {
    const [width, height] = layout.size
    const left = layout.margins.left
    const right = width - layout.margins.right
    pdf.fillColor(TYPE.muted)
    for (let i = 0; i < count; i++) {
      pdf.switchToPage(start + i)
      artifact(pdf, () => {
        pdf.font(LETTER_FONTS.regular, TYPE.small)
        const number = `${i + 1}/${count}`
        pdf.text(number, (width - pdf.widthOfString(number)) / 2, height - 0.5 * INCH, { lineBreak: false })
        if (i === 0) return
        const top = layout.margins.top / 2
        // The addressee at the start of the line, the reference at its end: mirrored in Arabic.
        const referenceWidth = pdf.widthOfString(doc.reference)
        const rtl = direction === 'rtl'
        pdf.text(doc.reference, rtl ? left : right - referenceWidth, top, { lineBreak: false })
        const addressee = [doc.recipient[0], doc.dateLine].filter(Boolean).join(' · ')
        const head: Block = {
          ...lineBlock(direction),
          x: rtl ? left + referenceWidth + 10 * MM : left,
          width: right - left - referenceWidth - 10 * MM,
          size: TYPE.small,
          weight: 'regular',
          align: rtl ? 'right' : 'left',
          lineGap: 0,
          noPageBreak: true,
        }
        pdf.y = top
        drawText(pdf, shorten(pdf, addressee, head), head)
      })
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
