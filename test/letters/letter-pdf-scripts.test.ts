import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { renderLetterPdf, writeLettersPdf } from '../../src/letters/letter-pdf.js'
import { PAGE_LAYOUTS } from '../../src/letters/letter-pdf-layout.js'
import { SAMPLE_PARAGRAPHS, SAMPLE_SENDERS, sampleLetterDocument } from '../helpers/letter-fixtures.js'
import {
  embeddedFonts,
  notdefGlyphs,
  poppler,
  readTagged,
  popplerAvailable as tools,
  walk,
} from '../helpers/pdf-inspect.js'
import { SOFT_HYPHEN_BREAK } from '../helpers/pdf-text.js'

// Letters that mix scripts, as outside tools read them back: poppler (pdfinfo, pdffonts, pdftotext),
// pdf.js and qpdf. Arabic, Chinese and Russian letters, and an English one whose supporter writes
// in five other scripts: each must be a tagged PDF in its language, print every script in its own
// embedded Noto face, never a .notdef box, and give its text back in the order it was written.

const ARABIC_SENDER = ['ليلى حداد', 'شارع الحمراء 12', 'بيروت', 'لبنان']
const CHINESE_SENDER = ['王小明', '北京市朝阳区建国路88号', '100022 北京', '中国']
const MIXED_NAME = 'محمد Ahmed 王小明'
const HINDI_CITY = 'नई दिल्ली'
const PERSONAL =
  'In Jerusalem I learnt the word שלום and in Seoul the word 평화, both meaning peace; in Beijing, on 2026年12月5日, 1,000 people signed our appeal for a Special Court.'

const arabic = sampleLetterDocument({
  language: 'ar',
  sender: ARABIC_SENDER,
  paragraphs: [...SAMPLE_PARAGRAPHS.ar],
})
const chinese = sampleLetterDocument({
  language: 'zh',
  sender: CHINESE_SENDER,
  paragraphs: [...SAMPLE_PARAGRAPHS.zh],
})
const russian = sampleLetterDocument({
  language: 'ru',
  sender: [...SAMPLE_SENDERS.cyrillic],
  paragraphs: [...SAMPLE_PARAGRAPHS.ru],
})
const mixed = sampleLetterDocument({
  language: 'en',
  sender: [MIXED_NAME, '12 Rajpath', `${HINDI_CITY} 110001`, 'India'],
  paragraphs: [SAMPLE_PARAGRAPHS.en[0] ?? '', PERSONAL, SAMPLE_PARAGRAPHS.en[3] ?? ''],
})

interface Case {
  name: string
  doc: LetterDocument
  /** The document's /Lang, as BCP 47: Chinese letters are in Simplified characters. */
  lang: string
  /** The font families pdffonts must list (the name without its subset prefix and style). */
  families: string[]
}

const CASES: Case[] = [
  { name: 'Arabic', doc: arabic, lang: 'ar', families: ['NotoNaskhArabic', 'NotoSerif'] },
  { name: 'Chinese', doc: chinese, lang: 'zh-Hans', families: ['NotoSerifSC', 'NotoSerif'] },
  { name: 'Russian', doc: russian, lang: 'ru', families: ['NotoSerif'] },
  {
    name: 'English, from a supporter writing in five other scripts',
    doc: mixed,
    lang: 'en',
    families: [
      'NotoSerif',
      'NotoNaskhArabic',
      'NotoSerifSC',
      'NotoSerifDevanagari',
      'NotoSerifHebrew',
      'NotoSerifKR',
    ],
  },
]

const pdfs = new Map<Case, Buffer>()
beforeAll(async () => {
  for (const c of CASES) pdfs.set(c, await renderLetterPdf(c.doc))
})
const pdfOf = (c: Case): Buffer => pdfs.get(c) as Buffer

/** "NotoSerifSC-Bold" → "NotoSerifSC". */
const familyOf = (font: string): string => font.replace(/-(Regular|Bold|Italic|BoldItalic)$/, '')

/** The dictionaries of the PDF's objects (pdfkit writes no object streams), for /Lang and /S. */
function objectDictionaries(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\d+ 0 obj\s*<<([\s\S]*?)>>\s*endobj/g)].map((m) => m[1] ?? '')
}

function langOf(dictionary: string | undefined): string | undefined {
  return dictionary?.match(/\/Lang \(([^)]*)\)/)?.[1]
}

// What extractors add around right-to-left runs (U+202A-U+202E, U+2066-U+2069, marks): not text.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
// Harakat, the superscript alef and tatweel: how a word is vocalised or stretched, not its letters.
const HARAKAT = /[\u064b-\u065f\u0670\u0640]/g

/**
 * pdftotext's reading of the whole PDF, bidi controls removed, hyphenated words joined. pdftotext
 * wraps a right-to-left run inside a left-to-right line in U+202B ... U+202C, the space after the
 * run first ("\u202B محمد\u202C Ahmed"): that space goes back after the run, where it was typed.
 */
function extracted(pdf: Buffer): string {
  return poppler('pdftotext', pdf)
    .replace(/\u202b( +)([^\u202a-\u202e\n]*)\u202c/g, '$2$1')
    .replace(BIDI_CONTROLS, '')
    .replace(SOFT_HYPHEN_BREAK, '$1$2')
}

const flat = (text: string): string => text.replace(/\s+/g, ' ').trim()
const unspaced = (text: string): string => text.replace(/\s+/g, '')

/** The Arabic words of `text`, in order: letters only, without harakat, presentation forms folded (NFKC). */
function arabicWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .replace(HARAKAT, '')
      .match(/\p{sc=Arab}+/gu) ?? []
  )
}

/** Whether `words` follow one another, in this order, among `all`. */
function inSequence(all: string[], words: string[]): boolean {
  return ` ${all.join(' ')} `.includes(` ${words.join(' ')} `)
}

interface Word {
  page: number
  text: string
  xMin: number
  yMin: number
  xMax: number
  yMax: number
}

/** pdftotext -bbox: every word with its box, in points from the page's top-left corner. */
function wordBoxes(pdf: Buffer): Word[] {
  const words: Word[] = []
  let page = 0
  const html = poppler('pdftotext', pdf, '-bbox')
  for (const m of html.matchAll(
    /<page [^>]*>|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    if (m[0].startsWith('<page')) {
      page += 1
      continue
    }
    words.push({
      page,
      text: (m[5] ?? '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
      xMin: Number(m[1]),
      yMin: Number(m[2]),
      xMax: Number(m[3]),
      yMax: Number(m[4]),
    })
  }
  return words
}

/**
 * The baselines (from the top of the page) of the lines of each structure element of a one-page
 * letter, read by pdf.js in reading order: the sender, the address, the date and reference, the
 * subject (H1), the salutation, the paragraphs, the close, the signature. An Arabic mark is drawn a
 * little above or below its letter: each line's baseline is the one most of its text sits on.
 */
async function structureLines(pdf: Buffer): Promise<{ role: string; baselines: number[] }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise
  try {
    expect(doc.numPages).toBe(1)
    const page = await doc.getPage(1)
    const height = page.view[3] ?? 0
    const drawn = new Map<string, { y: number; length: number }[]>()
    const content = await page.getTextContent({ includeMarkedContent: true })
    const open: (string | null)[] = []
    for (const item of content.items) {
      if ('type' in item) {
        const marked = item as { type: string; id?: string }
        if (marked.type.startsWith('beginMarkedContent')) open.push(marked.id ?? null)
        else if (marked.type === 'endMarkedContent') open.pop()
        continue
      }
      const id = open.findLast((o) => o !== null)
      if (!id || !/[\p{L}\p{N}]/u.test(item.str)) continue
      drawn.set(id, [
        ...(drawn.get(id) ?? []),
        { y: height - (item.transform[5] ?? 0), length: item.str.length },
      ])
    }
    const tree = (await page.getStructTree()) as unknown as RawNode | null
    const elements = (tree?.children ?? []).flatMap((sect) => sect.children ?? [])
    return elements.map((element) => {
      const items = (element.children ?? []).flatMap(
        (c) => (c.type === 'content' && c.id ? drawn.get(c.id) : []) ?? [],
      )
      const lines: { y: number; weight: Map<number, number> }[] = []
      for (const item of items) {
        let line = lines.find((l) => Math.abs(l.y - item.y) < 7)
        if (!line) {
          line = { y: item.y, weight: new Map() }
          lines.push(line)
        }
        const y = Math.round(item.y * 100) / 100
        line.weight.set(y, (line.weight.get(y) ?? 0) + item.length)
      }
      const baselines = lines.map((l) => [...l.weight].sort((a, b) => b[1] - a[1])[0]?.[0] ?? l.y)
      return { role: element.role ?? '', baselines: baselines.sort((a, b) => a - b) }
    })
  } finally {
    await doc.destroy()
  }
}

interface RawNode {
  role?: string
  type?: string
  id?: string
  children?: RawNode[]
  lang?: string
}

/** The words pdftotext boxes on the first page's line at `baseline`: each word goes to the nearest of `all`. */
function wordsOnLine(words: Word[], baseline: number, all: number[]): Word[] {
  return words.filter((w) => {
    if (w.page !== 1 || !/[\p{L}\p{N}]/u.test(w.text)) return false
    // A box reaches from the ascender to the descender: its baseline is about a fifth of the way up.
    const base = w.yMax - (w.yMax - w.yMin) * 0.22
    const nearest = all.reduce((a, b) => (Math.abs(b - base) < Math.abs(a - base) ? b : a))
    return nearest === baseline
  })
}

const A4 = PAGE_LAYOUTS.a4
const LEFT_MARGIN = A4.margins.left
const RIGHT_MARGIN = A4.size[0] - A4.margins.right

describe('each script’s letter is a tagged PDF in its language, in embedded Noto faces, without a .notdef glyph', () => {
  for (const c of CASES) {
    it.skipIf(!tools)(
      `${c.name}: pdfinfo says Tagged: yes; the catalog and the letter’s section say /Lang (${c.lang})`,
      () => {
        const pdf = pdfOf(c)
        expect(poppler('pdfinfo', pdf)).toMatch(/^Tagged:\s+yes$/m)
        const dictionaries = objectDictionaries(pdf)
        expect(langOf(dictionaries.find((d) => /\/Type \/Catalog\b/.test(d)))).toBe(c.lang)
        expect(dictionaries.filter((d) => /\/S \/Sect\b/.test(d)).map(langOf)).toEqual([c.lang])
        expect(c.lang.split('-')[0]).toBe(c.doc.language)
      },
    )

    it.skipIf(!tools)(`${c.name}: pdffonts lists ${c.families.join(', ')}, every font embedded`, () => {
      const fonts = embeddedFonts(pdfOf(c))
      expect(fonts.length).toBeGreaterThan(0)
      const families = new Set(fonts.map((f) => familyOf(f.name)))
      for (const family of c.families) expect([...families]).toContain(family)
      expect(fonts.filter((f) => !f.embedded)).toEqual([])
    })

    it(`${c.name}: no glyph is drawn as .notdef`, () => {
      expect(notdefGlyphs(pdfOf(c))).toBe(0)
    })
  }

  // Chinese punctuation (。、「」《》) is shared with Korean: it must come from the Chinese face, so
  // a Chinese letter embeds no Korean one.
  for (const c of CASES) {
    it.skipIf(!tools)(`${c.name}: embeds no face beyond those of the scripts it uses`, () => {
      const families = new Set(embeddedFonts(pdfOf(c)).map((f) => familyOf(f.name)))
      expect([...families].sort()).toEqual([...c.families].sort())
    })
  }
})

describe.skipIf(!tools)('pdftotext gives the text back in the order it was written', () => {
  it('the mixed-script name: its Arabic, Latin and Chinese parts in that order, on the sender’s line and the signature', () => {
    const lines = extracted(pdfOf(CASES[3] as Case))
      .split('\n')
      .map(flat)
    expect(lines.filter((line) => line === MIXED_NAME)).toHaveLength(2)
  })

  it('the English letter: every paragraph exactly, Hebrew, Korean and Chinese with digits inside the personal one', () => {
    const text = flat(extracted(pdfOf(CASES[3] as Case)))
    for (const paragraph of mixed.paragraphs) expect(text).toContain(paragraph)
    expect(text).toContain('the word שלום and in Seoul the word 평화, both')
    expect(text).toContain('on 2026年12月5日, 1,000 people')
    for (const line of [...mixed.recipient, mixed.subject, mixed.salutation, mixed.close])
      expect(text).toContain(line)
  })

  it.fails('the Hindi city comes back as typed, its vowel sign after its consonant (नई दिल्ली, not नई िदल्ली)', () => {
    // The i-sign ि is drawn left of the consonant it follows in writing: extractors read the
    // glyphs' order on the line, and give back "िद". See the report.
    expect(flat(extracted(pdfOf(CASES[3] as Case)))).toContain(`${HINDI_CITY} 110001`)
  })

  it('the Russian letter: every line and paragraph exactly (hyphenated words joined)', () => {
    const text = flat(extracted(pdfOf(CASES[2] as Case)))
    for (const line of [
      ...russian.sender,
      ...russian.recipient,
      russian.dateLine,
      russian.referenceLine,
      russian.subject,
      russian.salutation,
      ...russian.paragraphs,
      russian.close,
    ])
      expect(text).toContain(line)
  })

  it('the Chinese letter: every line and paragraph exactly, once the line breaks are taken out', () => {
    const text = unspaced(extracted(pdfOf(CASES[1] as Case)))
    for (const line of [
      ...chinese.sender,
      ...chinese.recipient,
      chinese.dateLine,
      chinese.referenceLine,
      chinese.subject,
      chinese.salutation,
      ...chinese.paragraphs,
      chinese.close,
    ])
      expect(text).toContain(unspaced(line))
  })

  it('the Arabic letter: the Latin text exactly, left to right', () => {
    const text = flat(extracted(pdfOf(CASES[0] as Case)))
    for (const line of arabic.recipient.filter((l) => /^[\p{sc=Latn}\p{N}\p{P}\s]+$/u.test(l)))
      expect(text).toContain(line)
    expect(text).toContain('Code Blue')
    expect(text).toContain('Special Court Mechanism')
    expect(text).toContain('CB-7K3M9Q')
    expect(text).toContain('Supporter, Code Blue campaign')
  })

  it('the Arabic letter: every word of each unvocalised line and paragraph, in the order written', () => {
    const words = arabicWords(extracted(pdfOf(CASES[0] as Case)))
    const texts = [
      ...arabic.sender,
      ...arabic.recipient,
      arabic.dateLine,
      arabic.referenceLine,
      arabic.subject,
      arabic.salutation,
      ...arabic.paragraphs.filter((p) => !/[\u064b-\u065f\u0670]/.test(p)),
      arabic.close,
    ]
    for (const text of texts.filter((t) => arabicWords(t).length > 0)) {
      const expected = arabicWords(text)
      for (const word of expected) expect(words).toContain(word)
      expect(inSequence(words, expected), text).toBe(true)
    }
  })

  it.fails('the Arabic letter: every word of the paragraphs that carry harakat, in the order written', () => {
    // A haraka is drawn a few points above or below its letter's baseline: pdftotext takes it,
    // and the letters after it, for another word on another line. See the report.
    const words = arabicWords(extracted(pdfOf(CASES[0] as Case)))
    const vocalised = arabic.paragraphs.filter((p) => /[\u064b-\u065f\u0670]/.test(p))
    expect(vocalised.length).toBeGreaterThan(0)
    for (const paragraph of vocalised) {
      const expected = arabicWords(paragraph)
      for (const word of expected) expect(words).toContain(word)
      expect(inSequence(words, expected), paragraph).toBe(true)
    }
  })

  it('the checks above can fail: a paragraph read backwards is not in sequence', () => {
    const words = arabicWords(extracted(pdfOf(CASES[0] as Case)))
    const salutation = arabicWords(arabic.salutation)
    expect(salutation.length).toBeGreaterThan(1)
    expect(inSequence(words, salutation)).toBe(true)
    expect(inSequence(words, [...salutation].reverse())).toBe(false)
  })
})

it.fails('pdf.js reads the Arabic letter without stray control characters', async () => {
  // Glyphs with no letters of their own (Noto Naskh's separate dots) get an empty ToUnicode entry,
  // "<>": pdf.js takes an empty entry for "the glyph's number is the character" (\x06, "$", "D").
  // Left so: mapping them to an invisible character instead (U+2060, tried) puts a character at
  // each dot's own position, and poppler then splits the words around it as it does harakat.
  const { items } = await readTagged(pdfOf(CASES[0] as Case))
  const strings = items.flat().map((item) => item.str)
  expect(strings.filter((s) => /[\p{Cc}]/u.test(s))).toEqual([])
})

describe.skipIf(!tools)('the Arabic letter is set right to left', () => {
  let words: Word[]
  let elements: Awaited<ReturnType<typeof structureLines>>
  beforeAll(async () => {
    words = wordBoxes(pdfOf(CASES[0] as Case))
    elements = await structureLines(pdfOf(CASES[0] as Case))
  })

  it('reads the structure in order: three blocks, the subject, the salutation, a P per paragraph, the close and the signature', () => {
    expect(elements.map((e) => e.role)).toEqual(['P', 'P', 'P', 'H1', 'P', 'P', 'P', 'P', 'P', 'P', 'P'])
  })

  it('ends every line of every paragraph at the right margin; all but the last line of each also reach the left margin', () => {
    const paragraphs = elements.slice(5, 5 + arabic.paragraphs.length)
    expect(paragraphs).toHaveLength(4)
    const all = elements.flatMap((e) => e.baselines)
    let fullLines = 0
    for (const paragraph of paragraphs) {
      expect(paragraph.baselines.length).toBeGreaterThan(1)
      paragraph.baselines.forEach((baseline, i) => {
        const line = wordsOnLine(words, baseline, all)
        expect(line.length, `line at ${baseline}`).toBeGreaterThan(0)
        const right = Math.max(...line.map((w) => w.xMax))
        const left = Math.min(...line.map((w) => w.xMin))
        expect(
          Math.abs(right - RIGHT_MARGIN),
          `right edge of the line at ${baseline}: ${right}`,
        ).toBeLessThan(1)
        if (i < paragraph.baselines.length - 1) {
          expect(Math.abs(left - LEFT_MARGIN), `left edge of the line at ${baseline}: ${left}`).toBeLessThan(
            1,
          )
          fullLines += 1
        } else {
          // The last line is as long as its words: it starts where they end, not at the left margin.
          expect(left).toBeGreaterThan(LEFT_MARGIN + 1)
        }
      })
    }
    expect(fullLines).toBeGreaterThanOrEqual(paragraphs.length)
  })

  it('sets the subject, the salutation, the close and the signature against the right margin too', () => {
    const all = elements.flatMap((e) => e.baselines)
    for (const element of [elements[3], elements[4], elements[9], elements[10]]) {
      for (const baseline of element?.baselines ?? []) {
        const line = wordsOnLine(words, baseline, all)
        expect(Math.abs(Math.max(...line.map((w) => w.xMax)) - RIGHT_MARGIN)).toBeLessThan(1)
      }
    }
  })

  it('keeps the Latin address lines left to right: their words from left to right, as typed', () => {
    const address = elements[1]
    const all = elements.flatMap((e) => e.baselines)
    const latin = arabic.recipient.filter((l) => /^[\p{sc=Latn}\p{N}\p{P}\s]+$/u.test(l))
    expect(latin).toHaveLength(3)
    const lines = (address?.baselines ?? []).map((baseline) =>
      wordsOnLine(words, baseline, all)
        .sort((a, b) => a.xMin - b.xMin)
        .map((w) => w.text)
        .join(' '),
    )
    for (const line of latin) expect(lines).toContain(line)
  })
})

describe.skipIf(!tools)('Chinese with numbers wraps within the text and never inside a number', () => {
  // The same sentence after a longer and longer lead: one of them brings each number to the end
  // of a line, where a break inside it would show.
  const lead = `${SAMPLE_PARAGRAPHS.zh[1]}${SAMPLE_PARAGRAPHS.zh[2]}`
  const paragraphs = Array.from({ length: 14 }, (_, k) => {
    const start = lead.slice(0, 34 + k)
    return k % 2 === 0 ? `${start}会议定于2026年12月5日举行。` : `${start}预计将有1,000名代表出席会议。`
  })
  const doc = sampleLetterDocument({ language: 'zh', sender: CHINESE_SENDER, paragraphs })
  let pdf: Buffer
  let raw: string
  beforeAll(async () => {
    pdf = await renderLetterPdf(doc)
    // The page numbers and the second page's running head (artifacts) are left out.
    raw = poppler('pdftotext', pdf)
      .replace(BIDI_CONTROLS, '')
      .split('\n')
      .filter((line) => !/^\d+\/\d+$/.test(line.trim()) && line.trim() !== doc.reference)
      .filter((line) => !unspaced(line).startsWith(unspaced(`${doc.recipient[0]} ·`)))
      .join('\n')
  })

  it('keeps every word box between the margins, on every page', () => {
    const words = wordBoxes(pdf)
    expect(words.length).toBeGreaterThan(30)
    const outside = words.filter((w) => w.xMax > RIGHT_MARGIN + 0.5 || w.xMin < LEFT_MARGIN - 0.5)
    expect(outside).toEqual([])
  })

  it('gives every paragraph back, and each number whole on one line', () => {
    const text = unspaced(raw)
    for (const paragraph of paragraphs) expect(text).toContain(paragraph)
    const lines = raw.split('\n').map((line) => line.trim())
    // No line break inside a run of digits, nor at the thousands separator.
    expect(raw).not.toMatch(/\d[ \t]*\n\s*[\d,]|\d,[ \t]*\n\s*\d/)
    const thousands = lines.filter((line) => line.includes('1,000')).length
    // The letter's date line and the running head name 2026 too.
    const dates = lines.filter((line) => line.includes('2026') && !line.includes('2026年11月29日')).length
    expect(thousands).toBe(7)
    expect(dates).toBe(7)
    // Nor a gap inside one (a justified line spreads its Chinese characters, never a number's digits).
    expect(lines.filter((line) => /\d,?\s+\d/.test(line))).toEqual([])
  })

  it('brings a number to a line’s edge at least once (the check above could fail)', () => {
    const lines = raw
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    const atEdge = lines.filter((line) => /^(1,000|2026|12月|5日)|(1,000|2026|2026年|12月|5日)$/.test(line))
    expect(atEdge.length).toBeGreaterThan(0)
  })
})

describe('a batch of Arabic, Chinese and English letters', () => {
  const docs = [arabic, chinese, mixed]
  let pdf: Buffer
  beforeAll(async () => {
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk)
        done()
      },
    })
    const result = await writeLettersPdf(docs, sink, { title: 'Mixed batch' })
    expect(result).toEqual({ letters: 3, pages: 3, blankPages: 0 })
    pdf = Buffer.concat(chunks)
  })

  it.skipIf(!tools)('is tagged, the run in English', () => {
    expect(poppler('pdfinfo', pdf)).toMatch(/^Tagged:\s+yes$/m)
    expect(langOf(objectDictionaries(pdf).find((d) => /\/Type \/Catalog\b/.test(d)))).toBe('en')
  })

  it('has one section per letter, each in its letter’s language (pdf.js, and the section dictionaries)', async () => {
    const { tree } = await readTagged(pdf)
    expect([...walk(tree)].filter((node) => node.role === 'Sect')).toHaveLength(3)
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise
    const langs: (string | undefined)[] = []
    try {
      for (let n = 1; n <= doc.numPages; n++) {
        const root = (await (await doc.getPage(n)).getStructTree()) as unknown as RawNode | null
        for (const node of root?.children ?? []) if (node.role === 'Sect') langs.push(node.lang)
      }
    } finally {
      await doc.destroy()
    }
    expect(langs).toEqual(['ar', 'zh-Hans', 'en'])
    const sections = objectDictionaries(pdf).filter((d) => /\/S \/Sect\b/.test(d))
    expect(sections.map(langOf)).toEqual(['ar', 'zh-Hans', 'en'])
  })

  it('draws no glyph as .notdef', () => {
    expect(notdefGlyphs(pdf)).toBe(0)
  })

  it.skipIf(!tools)(
    'gives each letter’s text back: the mixed name, the Chinese paragraphs, the Arabic salutation',
    () => {
      const text = extracted(pdf)
      expect(text.split('\n').map(flat)).toContain(MIXED_NAME)
      for (const paragraph of chinese.paragraphs) expect(unspaced(text)).toContain(unspaced(paragraph))
      expect(inSequence(arabicWords(text), arabicWords(arabic.salutation))).toBe(true)
    },
  )

  describe.skipIf(!qpdfAvailable())('qpdf --check', () => {
    it('finds no error in the batch nor in any single letter', async () => {
      const files: [string, Buffer][] = [
        ['batch', pdf],
        ...CASES.map((c): [string, Buffer] => [c.name, pdfOf(c)]),
      ]
      const dir = mkdtempSync(join(tmpdir(), 'qpdf-'))
      try {
        for (const [name, bytes] of files) {
          const file = join(dir, 'in.pdf')
          writeFileSync(file, bytes)
          // Exit 0: no errors and no warnings (2 and 3 throw here).
          const report = execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })
          expect(report, name).toMatch(/No syntax or stream encoding errors found/)
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})

function qpdfAvailable(): boolean {
  try {
    execFileSync('qpdf', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
