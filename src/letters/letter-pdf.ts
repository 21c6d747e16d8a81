import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import PDFDocument from 'pdfkit'
import { formsFor } from './diplomatic-form.js'
import type { LetterDocument, PaperSize } from './letter-document.js'
import { drawLetter } from './letter-pdf-draw.js'
import { PAGE_LAYOUTS } from './letter-pdf-layout.js'
import { cleanPdfText } from './letter-pdf-text.js'
import { defaultLetterFont, registerLetterFonts } from './pdf-fonts.js'
import { printSoftHyphensAtLineEndsOnly } from './typesetting/hyphenation.js'

const PRODUCER = 'Code Blue letters'

interface PdfInfo {
  title: string
  author: string
  subject: string
  createdAt?: string
  /** The document's language (BCP 47), which screen readers read it in. */
  lang: string
}

function createPdf(info: PdfInfo): PDFKit.PDFDocument {
  const created = info.createdAt === undefined ? new Date() : new Date(info.createdAt)
  const pdf = new PDFDocument({
    // @NOTE pages are buffered only until their letter is done (drawLetter flushes them), so the
    // per-letter page numbers can be written once the letter's length is known.
    bufferPages: true,
    autoFirstPage: false,
    pdfVersion: '1.7',
    // A tagged PDF (structure, reading order, language) whose viewers show its title, not its
    // file name: what screen readers and PDF/UA checkers look for.
    tagged: true,
    lang: info.lang,
    displayTitle: true,
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
  printSoftHyphensAtLineEndsOnly(pdf)
  return pdf
}

/** One letter as a PDF file. */
export async function renderLetterPdf(doc: LetterDocument): Promise<Buffer> {
  const pdf = createPdf({ ...doc.meta, lang: formsFor(doc.language).locale })
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
  /** Each letter starts on an odd page, for printing on both sides: a blank page follows an odd-length letter. */
  duplex?: boolean
  /** One paper size for the whole run, whatever each letter says; the first letter's when absent. */
  paperSize?: PaperSize
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
): Promise<{ letters: number; pages: number; blankPages: number }> {
  const pdf = createPdf({
    title: options.title ?? 'Letters',
    author: PRODUCER,
    subject: options.title ?? '',
    // Each letter's section carries its own language; the run's is the campaign's working language.
    lang: 'en',
  })
  const flow = forward(pdf, out)
  let letters = 0
  let pages = 0
  let blankPages = 0
  let paperSize = options.paperSize
  try {
    for await (const doc of docs) {
      paperSize ??= doc.paperSize
      const drawn = drawLetter(pdf, doc.paperSize === paperSize ? doc : { ...doc, paperSize })
      pages += drawn
      if (options.duplex && drawn % 2 === 1) {
        addBlankPage(pdf, paperSize)
        blankPages += 1
        pages += 1
      }
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
  return { letters, pages, blankPages }
}

/** The back of a letter's last sheet, left blank, so the next letter starts on a sheet of its own. */
function addBlankPage(pdf: PDFKit.PDFDocument, paperSize: PaperSize): void {
  pdf.addPage({ size: PAGE_LAYOUTS[paperSize].size, margins: PAGE_LAYOUTS[paperSize].margins })
  pdf.flushPages()
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
