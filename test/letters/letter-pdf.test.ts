import { Writable } from 'node:stream'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { renderLetterPdf, writeLettersPdf } from '../../src/letters/letter-pdf.js'
import {
  longLetterDocument,
  SAMPLE_PARAGRAPHS,
  SAMPLE_SENDERS,
  sampleLetterDocument,
} from '../helpers/letter-fixtures.js'
import { SOFT_HYPHEN_BREAK } from '../helpers/pdf-text.js'

// Every assertion reads the PDF back with a real parser (pdf.js), the way a viewer would.

interface TextItem {
  str: string
  /** From the left edge and from the TOP edge of the page, in points: the baseline's start. */
  x: number
  y: number
}

interface ParsedPage {
  width: number
  height: number
  items: TextItem[]
  text: string
}

interface ParsedPdf {
  pages: ParsedPage[]
  info: Record<string, unknown>
  /** All pages' text, one line per text item. */
  text: string
}

async function parsePdf(bytes: Uint8Array): Promise<ParsedPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise
  try {
    const pages: ParsedPage[] = []
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      const [, , width = 0, height = 0] = page.view
      const content = await page.getTextContent()
      const items: TextItem[] = []
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue
        items.push({ str: item.str, x: item.transform[4] ?? 0, y: height - (item.transform[5] ?? 0) })
      }
      pages.push({ width, height, items, text: items.map((i) => i.str).join('\n') })
    }
    const { info } = await pdf.getMetadata()
    return { pages, info: info as Record<string, unknown>, text: pages.map((p) => p.text).join('\n') }
  } finally {
    await pdf.destroy()
  }
}

/** Text with the line breaks and spacing of the layout folded away, for phrase searches. */
const flat = (text: string): string => text.replace(SOFT_HYPHEN_BREAK, '$1$2').replace(/\s+/g, ' ')

const MM = 72 / 25.4
const INCH = 72
// The envelope windows as they fall on the sheet, from the standards (not from the code).
const A4_WINDOW = { left: 20 * MM, top: 50 * MM, right: 110 * MM, bottom: 95 * MM }
const LETTER_WINDOW = { left: 0.875 * INCH, top: 2 * INCH, right: 5.375 * INCH, bottom: 3.125 * INCH }

function itemStarting(page: ParsedPage | undefined, prefix: string): TextItem {
  const item = page?.items.find((i) => i.str.startsWith(prefix))
  if (!item) throw new Error(`no text item starts with ${JSON.stringify(prefix)}`)
  return item
}

const PAGE_NUMBER = /^\d+\/\d+$/

describe('renderLetterPdf', () => {
  const english = sampleLetterDocument({ sender: [...SAMPLE_SENDERS.cyrillic] })
  let bytes: Buffer
  let parsed: ParsedPdf

  beforeAll(async () => {
    bytes = await renderLetterPdf(english)
    parsed = await parsePdf(bytes)
  })

  it('writes a PDF that parses, on one A4 page', () => {
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(parsed.pages).toHaveLength(1)
    expect(parsed.pages[0]?.width).toBeCloseTo(595.28, 1)
    expect(parsed.pages[0]?.height).toBeCloseTo(841.89, 1)
  })

  it('prints the recipient, the dates, the reference, every paragraph and the signature', () => {
    const text = flat(parsed.text)
    for (const line of english.recipient.slice(0, 1).concat(english.recipient.slice(3))) {
      expect(parsed.text).toContain(line)
    }
    // Long recipient lines wrap inside the window: compare without the line breaks.
    for (const line of english.recipient) expect(text).toContain(line)
    for (const paragraph of english.paragraphs) expect(text).toContain(paragraph)
    expect(text).toContain('I visited a camp for displaced families near Bangui')
    for (const line of [
      english.dateLine,
      english.referenceLine,
      english.subject,
      english.salutation,
      english.close,
    ]) {
      expect(text).toContain(line)
    }
    expect(text).toContain('CB-7K3M9Q')
    for (const line of english.signature) expect(text).toContain(line)
  })

  it('prints the sender’s Cyrillic name and address exactly', () => {
    for (const line of SAMPLE_SENDERS.cyrillic) expect(parsed.text).toContain(line)
  })

  it('sets the metadata from the document', () => {
    expect(parsed.info.Title).toBe(english.meta.title)
    expect(parsed.info.Author).toBe('Дмитрий Алексеевич Щербаков')
    expect(parsed.info.Subject).toBe(english.meta.subject)
    expect(parsed.info.Producer).toBe('Code Blue letters')
    expect(parsed.info.Creator).toBe('Code Blue letters')
    expect(String(parsed.info.CreationDate)).toMatch(/^D:20261129/)
  })

  it('puts the recipient’s first line inside the DL window on A4', () => {
    const first = itemStarting(parsed.pages[0], english.recipient[0] ?? '')
    expect(first.x).toBeGreaterThanOrEqual(A4_WINDOW.left + 3 * MM)
    expect(first.x).toBeLessThan(A4_WINDOW.left + 10 * MM)
    // The baseline of the first line sits below the window's top edge by at least a cap height.
    expect(first.y).toBeGreaterThan(A4_WINDOW.top + 3 * MM)
    expect(first.y).toBeLessThan(A4_WINDOW.top + 10 * MM)
    const last = itemStarting(parsed.pages[0], 'United States of America')
    expect(last.y).toBeLessThan(A4_WINDOW.bottom - 2 * MM)
    for (const line of english.recipient) {
      const item = parsed.pages[0]?.items.find((i) => line.startsWith(i.str))
      expect(item?.x).toBeCloseTo(first.x, 1)
    }
  })

  it('puts the recipient inside the No. 10 window on US Letter, 612 x 792 pt', async () => {
    const french = sampleLetterDocument({
      language: 'fr',
      paperSize: 'letter',
      sender: [...SAMPLE_SENDERS.greek],
    })
    const letter = await parsePdf(await renderLetterPdf(french))
    const page = letter.pages[0]
    expect(page?.width).toBe(612)
    expect(page?.height).toBe(792)
    const first = itemStarting(page, 'Son Excellence')
    expect(first.x).toBeGreaterThanOrEqual(LETTER_WINDOW.left)
    expect(first.x).toBeLessThan(LETTER_WINDOW.left + 0.25 * INCH)
    expect(first.y).toBeGreaterThan(LETTER_WINDOW.top + 0.05 * INCH)
    expect(first.y).toBeLessThan(LETTER_WINDOW.top + 0.3 * INCH)
    // Seven and more lines (two of them wrap) still end inside the window.
    const last = itemStarting(page, 'États-Unis')
    expect(last.y).toBeLessThan(LETTER_WINDOW.bottom)
    for (const line of SAMPLE_SENDERS.greek) expect(letter.text).toContain(line)
    expect(flat(letter.text)).toContain(SAMPLE_PARAGRAPHS.fr[2])
  })

  it('prints Vietnamese, Polish and Turkish names exactly', async () => {
    const doc = sampleLetterDocument({
      language: 'es',
      sender: [...SAMPLE_SENDERS.vietnamese],
      signature: [SAMPLE_SENDERS.vietnamese[0], SAMPLE_SENDERS.polish[0], SAMPLE_SENDERS.turkish[0]],
    })
    const { text } = await parsePdf(await renderLetterPdf(doc))
    for (const line of SAMPLE_SENDERS.vietnamese) expect(text).toContain(line)
    expect(text).toContain('Łukasz Wiśniewski')
    expect(text).toContain('Çağrı Öztürk')
  })

  it('gives the same text for the same document', async () => {
    const again = await parsePdf(await renderLetterPdf(english))
    expect(again.text).toBe(parsed.text)
  })

  it('shows no page number on a one-page letter', () => {
    expect(parsed.pages[0]?.items.filter((i) => PAGE_NUMBER.test(i.str))).toEqual([])
  })

  it('numbers the pages of a two-page letter 1/2 and 2/2, and continues the text', async () => {
    const long = longLetterDocument({ language: 'es' })
    const { pages, text } = await parsePdf(await renderLetterPdf(long))
    expect(pages).toHaveLength(2)
    expect(pages[0]?.items.filter((i) => PAGE_NUMBER.test(i.str)).map((i) => i.str)).toEqual(['1/2'])
    expect(pages[1]?.items.filter((i) => PAGE_NUMBER.test(i.str)).map((i) => i.str)).toEqual(['2/2'])
    // The second page names the letter it belongs to, and ends with the close and signature.
    expect(pages[1]?.text).toContain('CB-7K3M9Q')
    expect(flat(pages[1]?.text ?? '')).toContain(long.close)
    expect(flat(text)).toContain(SAMPLE_PARAGRAPHS.es[2])
  })

  it('never lets control or bidi characters reach the PDF', async () => {
    const hostile = sampleLetterDocument({
      sender: [
        'Eve\u202E tnemucod\u202C Mallory',
        'Line\u0000one\u0007\u001b[31m',
        'A\u2066B\u2069C\u202Ad\u202Be',
      ],
      recipient: ['H.E. Mr.\nNicolas\tde Rivière\r', 'Permanent Mission\u2028of France', '\u202D'],
      subject: 'Subject:\u000c Special\u000b Court',
      paragraphs: ['First\u2029paragraph\u0085here.', 'Second \u202Eparagraph\u202C.'],
      meta: {
        title: 'Title\u202E',
        author: 'Eve\u0000',
        subject: 'S\u2067ubject',
        createdAt: '2026-11-29T10:15:00Z',
      },
    })
    const { pages, text, info } = await parsePdf(await renderLetterPdf(hostile))
    const forbidden = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u2028\u2029]/u
    const printed = pages.flatMap((page) => page.items.map((item) => item.str))
    expect(printed.filter((str) => forbidden.test(str))).toEqual([])
    for (const value of [info.Title, info.Author, info.Subject]) expect(String(value)).not.toMatch(forbidden)
    expect(flat(text)).toContain('Eve tnemucod Mallory')
    expect(flat(text)).toContain('H.E. Mr. Nicolas de Rivière')
    expect(flat(text)).toContain('First paragraph here.')
    expect(info.Title).toBe('Title')
  })
})

describe('writeLettersPdf', () => {
  it('starts each letter of a batch on a new page, the whole run on the first letter’s paper size', async () => {
    const docs = [
      sampleLetterDocument({ language: 'en' }),
      longLetterDocument({ language: 'fr', paperSize: 'letter' }),
      sampleLetterDocument({ language: 'es', paperSize: 'letter' }),
    ]
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk)
        done()
      },
    })
    const seen: number[] = []
    const result = await writeLettersPdf(docs, sink, { title: 'Mailing', onLetter: (n) => seen.push(n) })
    expect(result).toEqual({ letters: 3, pages: 4, blankPages: 0 })
    expect(seen).toEqual([1, 2, 3])

    // A print shop takes one paper size per run: the US Letter letters are set on A4 here.
    const { pages, info } = await parsePdf(Buffer.concat(chunks))
    expect(info.Title).toBe('Mailing')
    expect(pages.map((p) => [p.width, Math.round(p.height)])).toEqual([
      [595.28, 842],
      [595.28, 842],
      [595.28, 842],
      [595.28, 842],
    ])
    expect(itemStarting(pages[0], 'H.E. Mr. Nicolas de Rivière').y).toBeLessThan(A4_WINDOW.bottom)
    expect(itemStarting(pages[1], 'Son Excellence Mme Aminata').y).toBeLessThan(A4_WINDOW.bottom)
    // The third page continues the second letter: no address block on it.
    expect(pages[2]?.text).not.toContain('800 Second Avenue')
    expect(itemStarting(pages[3], 'Excelentísimo Señor Joaquín').y).toBeLessThan(A4_WINDOW.bottom)
    const numbers = pages.map((p) => p.items.filter((i) => PAGE_NUMBER.test(i.str)).map((i) => i.str))
    expect(numbers).toEqual([[], ['1/2'], ['2/2'], []])
  })

  it('takes an async iterable and heeds a slow destination', async () => {
    async function* letters(): AsyncGenerator<LetterDocument> {
      for (let i = 0; i < 20; i++) yield sampleLetterDocument({ reference: `CB-${i}` })
    }
    let bytes = 0
    let queued = 0
    let maxQueued = 0
    // Accepts a chunk only on the next turn of the loop, with a small buffer: write() returns
    // false often, and the producer must wait for 'drain'.
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        queued = slow.writableLength
        maxQueued = Math.max(maxQueued, queued)
        bytes += chunk.length
        setImmediate(done)
      },
    })
    const result = await writeLettersPdf(letters(), slow)
    expect(result).toEqual({ letters: 20, pages: 20, blankPages: 0 })
    expect(bytes).toBeGreaterThan(20_000)
    expect(slow.writableFinished).toBe(true)
    // Never more than about one letter's bytes waiting in the destination's buffer.
    expect(maxQueued).toBeLessThan(200_000)
  })

  // @NOTE a memory test, not a timed one: drawing 1,000 letters takes ~12 s on a quiet 2-core
  // machine and over 20 s (the default timeout) when the machine is shared, hence its own timeout.
  it('streams 1,000 letters keeping under 15 MB more heap, and under 100 MB at the peak', {
    timeout: 120_000,
  }, async () => {
    // Fill the font caches first, so they do not count as growth.
    await writeLettersPdf(
      [sampleLetterDocument(), longLetterDocument({ paperSize: 'letter' })],
      new Writable({ write: (_c, _e, done) => done() }),
    )
    // @NOTE the test runs with --expose-gc (vitest.config.ts): "kept" is the heap after a full
    // collection, every 100 letters; "peak" also counts garbage not yet collected (a tagged PDF
    // makes many short-lived structure objects, which V8 collects in its own time).
    const gc = (globalThis as { gc?: () => void }).gc
    expect(gc).toBeTypeOf('function')
    gc?.()
    const baseline = process.memoryUsage().heapUsed
    let peak = baseline
    let kept = 0
    const sample = (): void => {
      peak = Math.max(peak, process.memoryUsage().heapUsed)
    }
    const sampler = setInterval(sample, 2)
    let bytes = 0
    const sink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length
        setImmediate(done)
      },
    })
    const docs = function* (): Generator<LetterDocument> {
      for (let i = 0; i < 1000; i++) {
        yield i % 10 === 0 ? longLetterDocument() : sampleLetterDocument({ reference: `CB-${i}` })
      }
    }
    const onLetter = (n: number): void => {
      sample()
      if (n % 100 !== 0) return
      gc?.()
      kept = Math.max(kept, process.memoryUsage().heapUsed - baseline)
    }
    try {
      const result = await writeLettersPdf(docs(), sink, { onLetter })
      expect(result.letters).toBe(1000)
      expect(result.pages).toBe(1100)
    } finally {
      clearInterval(sampler)
    }
    const keptMb = kept / 2 ** 20
    const peakMb = (peak - baseline) / 2 ** 20
    console.log(
      `1,000 letters: ${(bytes / 2 ** 20).toFixed(1)} MB of PDF, heap kept +${keptMb.toFixed(1)} MB, peak +${peakMb.toFixed(1)} MB`,
    )
    expect(bytes).toBeGreaterThan(1_000_000)
    expect(keptMb).toBeLessThan(15)
    expect(peakMb).toBeLessThan(100)
  })
})
