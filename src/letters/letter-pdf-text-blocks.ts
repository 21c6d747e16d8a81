import type { LetterLanguage } from './letter-document.js'
import { LETTER_FONTS } from './pdf-fonts.js'
import { hyphenate } from './typesetting/hyphenation.js'
import type { Direction } from './typesetting/line-layout.js'
import {
  type Align,
  isSimpleText,
  typesetHeight,
  typesetParagraph,
  typesetWidth,
} from './typesetting/typeset.js'

export type Pdf = PDFKit.PDFDocument

/** Where and how one piece of text is set. */
export interface Block {
  x: number
  width: number
  size: number
  weight: 'regular' | 'bold'
  align: Align
  /** The text's direction; 'auto' takes it from its first strong letter (a name, a street). */
  direction: Direction | 'auto'
  /** The language whose hyphenation patterns break its words; null: no hyphenation. */
  language: LetterLanguage | null
  lineGap: number
  paragraphGap?: number
  /** Never starts a new page: the caller has measured the block into a fixed box. */
  noPageBreak?: boolean
}

/**
 * Sets `text` at (block.x, pdf.y) and moves pdf.y below it. Text in Noto Serif alone, left to
 * right (English, French, Spanish, Russian), goes through pdfkit's own line breaking, hyphenated
 * where justified; anything else (Arabic, Chinese, Hindi, a name in another script) through the
 * typesetter, which picks a face per script, orders right-to-left text and breaks Chinese
 * between characters.
 */
export function drawText(pdf: Pdf, text: string, block: Block): void {
  if (isSimpleText(text, block)) {
    pdf.font(LETTER_FONTS[block.weight], block.size).text(printed(text, block), block.x, pdf.y, {
      width: block.width,
      align: block.align,
      lineGap: block.lineGap,
      paragraphGap: block.paragraphGap ?? 0,
    })
  } else {
    typesetParagraph(pdf, text, block)
  }
}

/** Height of `lines` set one under the other in `block`. */
export function heightOf(pdf: Pdf, lines: readonly string[], block: Block): number {
  let height = 0
  for (const line of lines) {
    if (isSimpleText(line, block)) {
      pdf.font(LETTER_FONTS[block.weight], block.size)
      height += pdf.heightOfString(printed(line, block), { width: block.width, lineGap: block.lineGap })
    } else {
      height += typesetHeight(line, block)
    }
    height += block.paragraphGap ?? 0
  }
  return height
}

/** Width of `text` on one line in `block`'s face and size. */
export function widthOf(pdf: Pdf, text: string, block: Block): number {
  if (!isSimpleText(text, block)) return typesetWidth(text, block)
  return pdf.font(LETTER_FONTS[block.weight], block.size).widthOfString(text)
}

/** `text` cut at a word with an ellipsis, if need be, to fit `width` on one line. */
export function shorten(pdf: Pdf, text: string, block: Block): string {
  if (widthOf(pdf, text, block) <= block.width) return text
  const words = text.split(' ')
  while (words.length > 1) {
    words.pop()
    const candidate = `${words.join(' ')} …`
    if (widthOf(pdf, candidate, block) <= block.width) return candidate
  }
  return ''
}

function printed(text: string, block: Block): string {
  return block.align === 'justify' && block.language ? hyphenate(text, block.language) : text
}

/** Draws what `draw` draws as one structure element of `type` ('P', 'H1') under `parent`. */
export function tagged(pdf: Pdf, parent: PDFKit.PDFStructureElement, type: string, draw: () => void): void {
  const element = pdf.struct(type)
  written.get(parent)?.push(element)
  parent.add(element)
  const content = pdf.markStructureContent(type)
  draw()
  pdf.endMarkedContent()
  element.add(content)
  element.end()
}

const written = new WeakMap<PDFKit.PDFStructureElement, PDFKit.PDFStructureElement[]>()

/**
 * A section (one letter) of the document's structure. `done()` ends it, which writes it and its
 * elements to the PDF, then lets go of what was written: pdfkit keeps every element's dictionary
 * until the document ends (the parent tree refers to them by number, which is all it needs), about
 * 14 KB a letter, which a batch of 10,000 letters would otherwise hold.
 */
export function section(pdf: Pdf, options: { lang: string; title: string }) {
  const element = pdf.struct('Sect', options as PDFKit.Mixins.StructureElementOptions)
  pdf.addStructure(element)
  const elements: PDFKit.PDFStructureElement[] = [element]
  written.set(element, elements)
  return {
    element,
    done(): void {
      element.end()
      for (const each of elements) (each as unknown as { dictionary: { data: object } }).dictionary.data = {}
      const root = pdf as unknown as { structChildren: PDFKit.PDFStructureElement[] }
      root.structChildren = root.structChildren.filter((child) => child !== element)
    },
  }
}

/** Draws what `draw` draws as an artifact (fold marks, page numbers): not part of the text. */
export function artifact(pdf: Pdf, draw: () => void): void {
  pdf.markContent('Artifact')
  draw()
  pdf.endMarkedContent()
}
