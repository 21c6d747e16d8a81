import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import type { LetterDocument } from './letter-document.js'
import { drawLetter } from './letter-pdf-draw.js'
import { cleanPdfText } from './letter-pdf-text.js'
import { defaultLetterFont, registerLetterFonts } from './pdf-fonts.js'

const PRODUCER = 'Code Blue letters'

interface PdfInfo {
  title: string
  author: string
  subject: string
  createdAt?: string
}

function createPdf(info: PdfInfo): PDFKit.PDFDocument {
  const created = info.createdAt === undefined ? new Date() : new Date(info.createdAt)
  const pdf = new PDFDocument({
    // @NOTE pages are buffered only until their letter is done (drawLetter flushes them), so the
    // per-letter page numbers can be written once the letter's length is known.
    bufferPages: true,
    autoFirstPage: false,
    pdfVersion: '1.7',
    font: defaultLetterFont(),
    info: {
      Title: cleanPdfText(info.title),
      Author: cleanPdfText(info.author),
      Subject: cleanPdfText(info.subject),
      Producer: PRODUCER,
      Creator: PRODUCER,
      CreationDate: Number.isNaN(created.getTime()) ? new Date() : created,
    },
  })
  registerLetterFonts(pdf)
  return pdf
}

/** One letter as a PDF file. */
export async function renderLetterPdf(doc: LetterDocument): Promise<Buffer> {
  const pdf = createPdf(doc.meta)
  const chunks: Buffer[] = []
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = once(pdf, 'end')
  drawLetter(pdf, doc)
  pdf.end()
  await ended
  return Buffer.concat(chunks)
}

export interface WriteLettersOptions {
  /** The PDF's title; "Letters" when absent. */
  title?: string
  /** Called after each letter is drawn, with the number drawn so far. */
  onLetter?: (n: number) => void
}

/**
 * Many letters in one PDF, each starting on a new page, written to `out` as they are drawn:
 * drawing waits whenever `out` asks it to (write() returned false), so memory stays flat for any
 * number of letters. Ends `out` when done, as pipe() would. On failure `out` is left open, holding
 * a truncated PDF: the caller destroys it.
 */
export async function writeLettersPdf(
  docs: AsyncIterable<LetterDocument> | Iterable<LetterDocument>,
  out: NodeJS.WritableStream,
  options: WriteLettersOptions = {},
): Promise<{ letters: number; pages: number }> {
  const pdf = createPdf({ title: options.title ?? 'Letters', author: PRODUCER, subject: options.title ?? '' })
  const flow = forward(pdf, out)
  let letters = 0
  let pages = 0
  try {
    for await (const doc of docs) {
      pages += drawLetter(pdf, doc)
      letters += 1
      options.onLetter?.(letters)
      await flow.ready()
    }
    const ended = once(pdf, 'end')
    pdf.end()
    await ended
    await flow.ready()
  } finally {
    flow.detach()
  }
  out.end()
  await finished(out)
  return { letters, pages }
}

/**
 * Copies the PDF's bytes to `out`. pdfkit pushes many small chunks (a line of PDF syntax each)
 * without heeding backpressure, so they are gathered and written once per letter, and the
 * producer itself waits: `ready()` resolves once `out` has drained, or else after one turn of the
 * event loop, which keeps a server that prints a long batch responsive.
 */
function forward(pdf: PDFKit.PDFDocument, out: NodeJS.WritableStream) {
  let pending: Buffer[] = []
  let failure: unknown
  const onError = (error: unknown): void => {
    failure ??= error
  }
  const onData = (chunk: Buffer): void => {
    pending.push(chunk)
  }
  out.on('error', onError)
  pdf.on('data', onData)
  return {
    async ready(): Promise<void> {
      const bytes = Buffer.concat(pending)
      pending = []
      if (bytes.length > 0 && !out.write(bytes)) await once(out, 'drain').catch(onError)
      else await new Promise<void>((resolve) => setImmediate(resolve))
      if (failure !== undefined) throw failure
    },
    detach(): void {
      pdf.off('data', onData)
      out.off('error', onError)
    },
  }
}
