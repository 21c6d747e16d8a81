import { normalizeNfc } from '../lib/text-safety.js'
import type { LetterDocument } from './letter-document.js'

// Whitespace that would start a new line or jump to a tab stop in pdfkit: becomes a plain space.
const BREAKING_SPACE = /[\t\n\v\f\r\u0085\u2028\u2029]/g
// C0 and C1 controls and DEL (after BREAKING_SPACE, which keeps the word gaps they stood for).
const CONTROL = /\p{Cc}/gu
// Bidi embeddings, overrides and isolates reorder what a reader sees; plain marks (U+200E, U+200F)
// may stay. Also the byte-order mark and halves of a broken surrogate pair.
const INVISIBLE =
  /[\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * One line of text as the PDF will print it: NFC, no control or bidi-override characters, no
 * line breaks, single spaces. The composer already refuses such characters; this is the PDF
 * layer's own guard, so nothing in a letter can move text anywhere but where wrapping puts it.
 */
export function cleanPdfText(text: string): string {
  const visible = text.replace(INVISIBLE, '').replace(BREAKING_SPACE, ' ').replace(CONTROL, '')
  return normalizeNfc(visible).replace(/ {2,}/g, ' ').trim()
}

/** Cleans each line and drops those left empty, so a blank line never takes a window line. */
export function cleanPdfLines(lines: readonly string[]): string[] {
  return lines.map(cleanPdfText).filter((line) => line !== '')
}

/** The letter with every printed string cleaned; `meta` included, since viewers show it. */
export function cleanLetterForPdf(doc: LetterDocument): LetterDocument {
  return {
    ...doc,
    reference: cleanPdfText(doc.reference),
    referenceLine: cleanPdfText(doc.referenceLine),
    dateLine: cleanPdfText(doc.dateLine),
    sender: cleanPdfLines(doc.sender),
    recipient: cleanPdfLines(doc.recipient),
    subject: cleanPdfText(doc.subject),
    salutation: cleanPdfText(doc.salutation),
    paragraphs: cleanPdfLines(doc.paragraphs),
    close: cleanPdfText(doc.close),
    signature: cleanPdfLines(doc.signature),
    meta: {
      title: cleanPdfText(doc.meta.title),
      author: cleanPdfText(doc.meta.author),
      subject: cleanPdfText(doc.meta.subject),
      createdAt: doc.meta.createdAt,
    },
  }
}
