import { once } from 'node:events'
import PDFDocument from 'pdfkit'
import { beforeAll, describe, expect, it } from 'vitest'
import { addEngagement, setPosition } from '../../src/canvassing/engagements.service.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { LETTER_FONTS, registerLetterFonts } from '../../src/letters/pdf-fonts.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { notdefGlyphs, poppler, readTagged, popplerAvailable as tools, walk } from '../helpers/pdf-inspect.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

// The dossier as a screen reader and a printer see it: a tagged PDF whose structure reads in
// order, and whose Arabic, Chinese and Hindi names and notes print in their own faces.

const { app, ctx } = await buildTestApp()
await setMission(ctx, 'FRA', FRANCE)
await setMission(ctx, 'CHN', {
  addressLines: ['350 East 35th Street', 'New York, NY 10016'],
  languages: ['zh', 'en'],
  head: {
    status: 'filled',
    honorific: 'H.E. Mr.',
    name: '傅聪',
    function: 'Permanent Representative',
    credentialsPresented: '2024-03-01',
  },
})
const chloe = await signInOrganizer(app, ctx, { name: 'Chloé Organizer', role: 'coordinator' })
const lina = await signInOrganizer(app, ctx, { name: '李娜', role: 'coordinator' })

const ARABIC_NOTE = 'التقينا بالمستشار القانوني للبعثة، وطلب مسودة النظام الأساسي.'
const HINDI_NOTE = 'मिशन ने समर्थन की पुष्टि की।'
const CHINESE_SUPPORTER = '王小明'
const ARABIC = /\p{sc=Arab}/gu
const DEVANAGARI = /\p{sc=Deva}/gu

/**
 * The letters of one script in `text`, sorted. Arabic and Hindi are drawn glyph by glyph in
 * visual order (a Devanagari vowel sign before its consonant), so extractors give the letters
 * back, though not always in the order they were typed: every one must be there, none more.
 */
function letters(text: string, script: RegExp): string[] {
  return (text.match(script) ?? []).sort()
}

async function dossier(iso3: string, cookie = chloe.cookie): Promise<Buffer> {
  const res = await app.inject({
    method: 'GET',
    url: `/organizers/states/${iso3}/dossier.pdf`,
    headers: { cookie },
  })
  expect(res.statusCode).toBe(200)
  return res.rawPayload
}

describe('the state dossier is a tagged PDF', () => {
  let pdf: Buffer
  beforeAll(async () => {
    await addEngagement(ctx, actorOf(chloe.organizer), 'FRA', {
      kind: 'meeting',
      occurredOn: '2026-05-12',
      text: 'Met the legal adviser, who asked for the draft statute.',
    })
    await createLetter(ctx, {
      state: 'FRA',
      supporter: { name: 'Ana Ruiz', addressLines: ['Calle Mayor 1'], city: 'Madrid', country: 'ES' },
    })
    pdf = await dossier('fra')
  })

  it.skipIf(!tools)('pdfinfo says Tagged: yes, and the document is in English with its title shown', () => {
    const info = poppler('pdfinfo', pdf)
    expect(info).toMatch(/^Tagged:\s+yes$/m)
    expect(info).toMatch(/^Title:\s+Dossier: France$/m)
    const raw = pdf.toString('latin1')
    expect(raw).toContain('/StructTreeRoot')
    expect(raw).toMatch(/\/Lang \(en\)/)
    expect(raw).toMatch(/\/DisplayDocTitle true/)
    expect(raw).toMatch(/\/MarkInfo \d+ 0 R|\/Marked true/)
  })

  it('reads in order: the H1, then a section with its H2 for each part, label rows as tables, the timeline as a list', async () => {
    const { items, tree } = await readTagged(pdf)
    // One page: pdf.js gives each page the part of the tree its content belongs to.
    expect(items).toHaveLength(1)
    const [document] = tree
    expect(document?.role).toBe('Document')
    const top = document!.children
    expect(top[0]).toMatchObject({ role: 'H1', text: 'France' })
    const sections = top.filter((node) => node.role === 'Sect')
    expect(sections.map((s) => s.children[0]?.role)).toEqual(['H2', 'H2', 'H2', 'H2', 'H2'])
    expect(sections.map((s) => s.children[0]?.text)).toEqual([
      'The Permanent Mission',
      'Where the state stands',
      'Letters from supporters',
      'Timeline of contacts and positions',
      'Latest letters',
    ])
    // The mission's rows: a table whose rows are headed by their label.
    const missionTable = sections[0]!.children.find((c) => c.role === 'Table')!
    const rows = missionTable.children.map((tr) => tr.children.map((cell) => `${cell.role}:${cell.text}`))
    expect(rows).toContainEqual(['TH:Mission', 'TD:Permanent Mission of France to the United Nations'])
    expect(rows).toContainEqual(['TH:E-mail', 'TD:france@un.int'])
    expect(missionTable.children.every((tr) => tr.role === 'TR')).toBe(true)
    // The timeline: a list item per entry, its date the label and its title and note the body.
    const list = sections[3]!.children.find((c) => c.role === 'L')!
    const item = list.children.find((li) =>
      li.children.some((c) => c.role === 'LBody' && /Meeting/.test(c.children[0]?.text ?? '')),
    )!
    expect(item.children.map((c) => c.role)).toEqual(['Lbl', 'LBody'])
    expect(item.children[0]!.text).toBe('12 May 2026')
    expect(item.children[1]!.children.map((p) => p.text)).toEqual([
      'Meeting · Chloé Organizer',
      'Met the legal adviser, who asked for the draft statute.',
    ])
    // The latest letters: a header row of TH, then a row of TD per letter.
    const letters = sections[4]!.children.find((c) => c.role === 'Table')!
    expect(letters.children[0]!.children.map((c) => `${c.role}:${c.text}`)).toEqual([
      'TH:Reference',
      'TH:Written',
      'TH:Supporter',
      'TH:Delivery',
    ])
    expect(letters.children[1]!.children.map((c) => c.role)).toEqual(['TD', 'TD', 'TD', 'TD'])
    expect(letters.children[1]!.children[2]!.text).toBe('Ana Ruiz')
  })

  it('draws every text in a structure element or an artifact; footers, the rules and the page header are artifacts', async () => {
    const { items } = await readTagged(pdf)
    for (const page of items) {
      for (const item of page)
        if (item.str.trim()) expect({ str: item.str, in: item.in }).not.toMatchObject({ in: null })
      const footer = page.find((item) => /^Page \d+ of \d+$/.test(item.str))
      expect(footer?.in).toBe('Artifact')
      expect(page.find((item) => item.str.includes('· confidential'))?.in).toBe('Artifact')
    }
    expect(items[0]!.find((item) => item.str === 'Code Blue campaign · state dossier')?.in).toBe('Artifact')
    expect(items[0]!.find((item) => item.str === 'France')?.in).not.toBe('Artifact')
  })

  it('repeats the letters table header on the pages it runs onto as an artifact, read once', async () => {
    for (let i = 0; i < 30; i++) {
      await createLetter(ctx, {
        state: 'DEU',
        supporter: {
          name: `Writer ${i + 1}`,
          addressLines: ['Unter den Linden 1'],
          city: 'Berlin',
          country: 'DE',
        },
      })
    }
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} of a long account.`).join(' ')
    for (let i = 0; i < 6; i++) {
      await addEngagement(ctx, actorOf(chloe.organizer), 'DEU', {
        kind: 'note',
        occurredOn: '2026-05-01',
        text: long,
      })
    }
    const { items, tree } = await readTagged(await dossier('deu'))
    const headers = items.flatMap((page) => page.filter((item) => item.str === 'Reference'))
    const tagged = headers.filter((item) => item.in !== 'Artifact')
    expect(tagged).toHaveLength(1)
    // The header repeats only if the table ran onto another page; if it did, the repeat is an artifact.
    const pagesWithRows = items.filter((page) => page.some((item) => /^Writer \d+$/.test(item.str))).length
    expect(headers).toHaveLength(pagesWithRows)
    const ths = [...walk(tree)].filter((node) => node.role === 'TH' && node.text === 'Reference')
    expect(ths.length).toBeGreaterThanOrEqual(1)
  })
})

describe('the dossier prints names and notes in any script', () => {
  let pdf: Buffer
  beforeAll(async () => {
    await addEngagement(ctx, actorOf(lina.organizer), 'CHN', {
      kind: 'meeting',
      occurredOn: '2026-05-12',
      text: `${ARABIC_NOTE}\nFollow-up: send the statute.`,
    })
    await setPosition(ctx, actorOf(chloe.organizer), 'CHN', {
      position: 'supportive',
      notedOn: '2026-05-20',
      note: HINDI_NOTE,
    })
    await addEngagement(ctx, actorOf(chloe.organizer), 'CHN', {
      kind: 'note',
      occurredOn: '2026-05-21',
      text: 'They sent a thumbs-up 👍 by e-mail.',
    })
    await createLetter(ctx, {
      state: 'CHN',
      supporter: {
        name: CHINESE_SUPPORTER,
        addressLines: ['1 Queen Street'],
        city: 'Auckland',
        country: 'NZ',
      },
    })
    pdf = await dossier('chn')
  })

  it('gives back the Chinese names as they are, and every letter of the Arabic and Hindi notes (pdf.js); no glyph is .notdef', async () => {
    const text = await pdfText(pdf)
    expect(text).toContain('H.E. Mr. 傅聪, Permanent Representative')
    expect(text).toContain('Meeting · 李娜')
    expect(text).toContain(CHINESE_SUPPORTER)
    expect(letters(text, ARABIC)).toEqual(letters(ARABIC_NOTE, ARABIC))
    // The Hindi note is printed twice: the position's row and the timeline.
    expect(letters(text, DEVANAGARI)).toEqual(letters(HINDI_NOTE + HINDI_NOTE, DEVANAGARI))
    expect(text).not.toContain('\ufffd')
    expect(notdefGlyphs(pdf)).toBe(0)
  })

  it('counts .notdef glyphs where a face lacks a character (the check above can fail)', async () => {
    const probe = new PDFDocument({ size: 'A4' })
    registerLetterFonts(probe)
    const chunks: Buffer[] = []
    probe.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = once(probe, 'end')
    probe.font(LETTER_FONTS.regular).text('A 👍 王 B')
    probe.end()
    await ended
    expect(notdefGlyphs(Buffer.concat(chunks))).toBe(2)
  })

  it.skipIf(!tools)(
    'embeds Noto Naskh Arabic, Noto Serif SC and Noto Serif Devanagari (pdffonts), and pdftotext reads the text',
    () => {
      const fonts = poppler('pdffonts', pdf)
      expect(fonts).toMatch(/NotoNaskhArabic/)
      expect(fonts).toMatch(/NotoSerifSC/)
      expect(fonts).toMatch(/NotoSerifDevanagari/)
      // Every font embedded, as a subset (no font taken from the reader's system).
      for (const line of fonts.split('\n').slice(2).filter(Boolean))
        expect(line).toMatch(/\byes\s+yes\s+yes\b/)
      const text = poppler('pdftotext', pdf)
        .replace(/[\u202a-\u202e]/g, '')
        .replace(/\s+/g, ' ')
      expect(text).toContain('傅聪')
      expect(text).toContain(CHINESE_SUPPORTER)
      // Each Arabic word whole, in its letters' order (pdftotext orders the runs of a right-to-left
      // line in a left-to-right page by its own rules).
      for (const word of ARABIC_NOTE.split(/[ ،.]+/).filter(Boolean)) expect(text).toContain(word)
      expect(letters(text, DEVANAGARI)).toEqual(letters(HINDI_NOTE + HINDI_NOTE, DEVANAGARI))
    },
  )

  it('sets the Arabic note right to left, aligned to the right of its column, the Latin line after it to the left', async () => {
    const { items } = await readTagged(pdf)
    const all = items.flat()
    const arabic = all.filter((item) => /\p{sc=Arab}/u.test(item.str))
    expect(arabic.length).toBeGreaterThan(0)
    const right = Math.max(...arabic.map((item) => item.x + item.width))
    // The page's right margin: A4 width less 56 points.
    expect(right).toBeGreaterThan(595.28 - 56 - 2)
    expect(right).toBeLessThanOrEqual(595.28 - 56 + 1)
    const latin = all.find((item) => item.str.includes('Follow-up'))!
    const title = all.find((item) => item.str.startsWith('Meeting'))!
    expect(title.x).toBeCloseTo(56 + 84, 0)
    expect(latin.x).toBeCloseTo(title.x, 0)
    // A short note: right-aligned, it starts well right of the column's left edge.
    expect(Math.min(...arabic.map((item) => item.x))).toBeGreaterThan(title.x + 50)
  })

  it('writes a character no bundled face has as its code point, never as an empty box', async () => {
    const text = await pdfText(pdf)
    expect(text).toContain('They sent a thumbs-up [U+1F44D] by e-mail.')
  })

  it('keeps the structure with other scripts: the Chinese supporter in a TD, the Arabic note in a P of the list', async () => {
    const { tree } = await readTagged(pdf)
    const nodes = [...walk(tree)]
    expect(nodes.find((n) => n.role === 'TD' && n.text.includes(CHINESE_SUPPORTER))).toBeDefined()
    expect(nodes.find((n) => n.role === 'TD' && n.text.includes('傅聪'))).toBeDefined()
    const note = nodes.find((n) => n.role === 'P' && n.text.includes('Follow-up: send the statute.'))
    expect(note).toBeDefined()
    expect(letters(note!.text, ARABIC)).toEqual(letters(ARABIC_NOTE, ARABIC))
  })
})
