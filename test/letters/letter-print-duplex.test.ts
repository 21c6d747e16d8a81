import { Writable } from 'node:stream'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { describe, expect, it } from 'vitest'
import { printLetters } from '../../src/letters/letter-batch.js'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { renderLetterPdf } from '../../src/letters/letter-pdf.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Print runs a print shop accepts (issue 13, part 5): duplex (each letter on an odd page, blank
// pages added and counted) and one paper size for the run. Every PDF is read back with pdf.js.

const { app, ctx } = await buildTestApp()
const coordinator = await signInOrganizer(app, ctx, { role: 'coordinator' })

interface Page {
  width: number
  height: number
  text: string
}

async function pagesOf(bytes: Uint8Array): Promise<Page[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise
  try {
    const pages: Page[] = []
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      const [, , width = 0, height = 0] = page.view
      const content = await page.getTextContent()
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ')
      pages.push({
        width: Math.round(width),
        height: Math.round(height),
        text: text.replace(/\s+/g, ' ').trim(),
      })
    }
    return pages
  } finally {
    await pdf.destroy()
  }
}

function collect(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { sink, bytes: () => Buffer.concat(chunks) }
}

// A follow-up letter fits on one page; a supporter's letter with a long note of their own runs
// to a second. (Each letter's length is measured below, from a PDF of that letter alone.)
const LONG_NOTE = Array.from(
  { length: 12 },
  (_, i) =>
    `Paragraph ${i + 1}: survivors in Bangui, Goma and Port-au-Prince have waited for years for an answer.`,
).join('\n\n')

const written: { reference: string; iso3: string; length: number }[] = []
for (const [state, country, template] of [
  ['FRA', 'GB', 'follow-up'],
  ['KEN', 'GB', 'supporter'],
  ['BRA', 'US', 'follow-up'],
  ['CHL', 'GB', 'supporter'],
  ['IND', 'GB', 'follow-up'],
] as const) {
  const letter = await createLetter(ctx, {
    state,
    template,
    language: 'en',
    supporter: { name: `Writer to ${state}`, country },
    ...(template === 'supporter' ? { personalNote: LONG_NOTE.slice(0, 1500) } : {}),
  })
  const alone = await pagesOf(await renderLetterPdf(letter.document as LetterDocument))
  written.push({ reference: letter.reference, iso3: state, length: alone.length })
}
const FILTER = { iso3s: written.map((w) => w.iso3) }

/** The page (1-based) on which each letter starts: the first page that names its reference. */
function startPages(pages: Page[]): number[] {
  return written.map((w) => pages.findIndex((p) => p.text.includes(w.reference)) + 1)
}

describe('a duplex print run', () => {
  it('the batch holds letters of one page and of two, a short one first', () => {
    const lengths = written.map((w) => w.length)
    expect(lengths[0]).toBe(1)
    expect(lengths).toContain(2)
  })

  it('starts every letter on an odd page and counts the blank pages it adds', async () => {
    const { sink, bytes } = collect()
    const result = await printLetters(ctx, FILTER, sink, undefined, { duplex: true })
    const pages = await pagesOf(bytes())
    const odd = written.filter((w) => w.length % 2 === 1).length
    expect(result.letters).toBe(5)
    expect(result.blankPages).toBe(odd)
    expect(result.pages).toBe(pages.length)
    expect(pages.length).toBe(written.reduce((sum, w) => sum + w.length + (w.length % 2), 0))
    const starts = startPages(pages)
    expect(
      starts.every((n) => n > 0 && n % 2 === 1),
      starts.join(','),
    ).toBe(true)
    // The blank pages are really blank, and there are as many as counted.
    expect(pages.filter((p) => p.text === '')).toHaveLength(result.blankPages)
    // Each blank page is the back of a one-page letter's sheet.
    for (const [i, w] of written.entries()) {
      const back = pages[starts[i]! - 1 + w.length]
      if (w.length % 2 === 1) expect(back?.text, w.iso3).toBe('')
    }
  })

  it('without duplex adds no blank page, so some letter starts on an even page', async () => {
    const { sink, bytes } = collect()
    const result = await printLetters(ctx, FILTER, sink)
    const pages = await pagesOf(bytes())
    expect(result.blankPages).toBe(0)
    expect(pages.length).toBe(written.reduce((sum, w) => sum + w.length, 0))
    expect(pages.filter((p) => p.text === '')).toHaveLength(0)
    expect(startPages(pages).some((n) => n % 2 === 0)).toBe(true)
  })
})

describe('one paper size for the run', () => {
  it('the letters to print are on A4 and on US Letter', async () => {
    const sizes = await ctx.db.selectFrom('letter').select(['state_iso3', 'paper_size']).execute()
    expect(new Set(sizes.map((s) => s.paper_size))).toEqual(new Set(['a4', 'letter']))
  })

  it('paper=letter puts every page on 612 x 792, the A4 letters too', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/letters/print?state=${FILTER.iso3s.join(',')}&paper=letter&duplex=true`,
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    const pages = await pagesOf(res.rawPayload)
    expect(pages.length).toBeGreaterThanOrEqual(written.length)
    for (const page of pages) expect([page.width, page.height]).toEqual([612, 792])
    expect(startPages(pages).every((n) => n % 2 === 1)).toBe(true)
  })

  it('paper=a4 puts every page on A4, the US Letter one too', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/letters/print?state=${FILTER.iso3s.join(',')}&paper=a4`,
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    for (const page of await pagesOf(res.rawPayload)) expect([page.width, page.height]).toEqual([595, 842])
  })

  it("without paper, the run takes the first letter's size", async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/letters/print?state=BRA,FRA',
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    // FRA was written first (A4), BRA's letter is on US Letter (a writer in the US).
    for (const page of await pagesOf(res.rawPayload)) expect([page.width, page.height]).toEqual([595, 842])
  })

  it("takes the page form's empty fields as absent (any state, the first letter's paper)", async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/letters/print?state=${encodeURIComponent('fra , ken')}&template=&from=&to=&paper=`,
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    const pages = await pagesOf(res.rawPayload)
    const text = pages.map((p) => p.text).join(' ')
    expect(text).toContain(written[0]!.reference)
    expect(text).toContain(written[1]!.reference)
    expect(text).not.toContain(written[2]!.reference)
  })
})

describe('GET /api/letters/print refuses a bad layout', () => {
  for (const [query, field] of [
    ['duplex=yes', 'duplex'],
    ['duplex=1', 'duplex'],
    ['duplex=TRUE', 'duplex'],
    ['paper=a3', 'paper'],
    ['paper=legal', 'paper'],
    ['paper=A4%20', 'paper'],
  ] as const) {
    it(`${query}: 400 naming ${field}`, async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/letters/print?${query}`,
        headers: { cookie: coordinator.cookie },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().field).toBe(field)
      expect(res.json().message).toContain(field)
    })
  }

  it('records the layout of a print in the audit log', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/letters/print?state=FRA&duplex=true&paper=letter',
      headers: { cookie: coordinator.cookie },
    })
    expect(res.statusCode).toBe(200)
    const event = await ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'export.letters_print')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(event.summary).toBe('Printed 1 letter (names and postal addresses), both sides, on US Letter')
    expect(event.organizer_id).toBe(coordinator.organizer.id)
    expect(JSON.parse(event.details)).toMatchObject({ rows: 1, duplex: true, paperSize: 'letter' })
  })
})
