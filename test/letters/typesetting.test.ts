import { describe, expect, it } from 'vitest'
import {
  ARABIC,
  CJK,
  type Face,
  type Family,
  faceOf,
  PRIMARY,
  type Weight,
} from '../../src/letters/typesetting/font-catalog.js'
import {
  describeCharacter,
  type FontRun,
  fontRuns,
  uncoveredCharacters,
} from '../../src/letters/typesetting/font-runs.js'
import { hyphenate } from '../../src/letters/typesetting/hyphenation.js'
import { type Line, layoutParagraph, type Piece } from '../../src/letters/typesetting/line-layout.js'
import { type TextBlock, typesetHeight, typesetWidth } from '../../src/letters/typesetting/typeset.js'

// Unit tests of the typesetter behind the letters' PDF: the face chosen for each script (font
// fallback), the characters no bundled face prints, the visual order of mixed Arabic and Latin
// lines (UAX #9), Chinese line breaking (UAX #14 with its kinsoku rules), hyphenation, and the
// measurements the letter layout relies on.

const SOFT_HYPHEN = '\u00ad'

/** The text of each run, in order. */
const runTexts = (text: string, runs: FontRun[]): string[] =>
  runs.map((run) => text.slice(run.start, run.end))

/** The run holding the UTF-16 offset `at`. */
function runAt(runs: FontRun[], at: number): FontRun {
  const run = runs.find((r) => r.start <= at && at < r.end)
  if (!run) throw new Error(`no run holds offset ${at}`)
  return run
}

/** Every run is contiguous with the one before it, the first starts at 0 and the last ends the text. */
function expectRunsTileText(text: string, runs: FontRun[]): void {
  expect(runs.length).toBeGreaterThan(0)
  expect(runs[0]?.start).toBe(0)
  expect(runs.at(-1)?.end).toBe(text.length)
  for (let i = 1; i < runs.length; i++) expect(runs[i]?.start).toBe(runs[i - 1]?.end)
  expect(runTexts(text, runs).join('')).toBe(text)
}

/** No run holds a character its face has no glyph for. */
function expectEveryCharacterCovered(text: string, runs: FontRun[]): void {
  for (const run of runs) {
    for (const char of text.slice(run.start, run.end)) {
      const covered = run.face.font.hasGlyphForCodePoint(char.codePointAt(0) as number)
      expect(covered, `${describeCharacter(char)} in the ${run.face.family.id} face`).toBe(true)
    }
  }
}

/** The family id of the run holding each character of `word` (found at its first occurrence in `text`). */
function familiesOf(text: string, runs: FontRun[], word: string): Set<string> {
  const start = text.indexOf(word)
  expect(start, `"${word}" in "${text}"`).toBeGreaterThanOrEqual(0)
  const ids = new Set<string>()
  for (let at = start; at < start + word.length; at++) ids.add(runAt(runs, at).face.family.id)
  return ids
}

describe('fontRuns: the face for each script', () => {
  it('splits "محمد Ahmed 王小明" into an Arabic, a Noto Serif and a Chinese run that tile the text', () => {
    const text = 'محمد Ahmed 王小明'
    const runs = fontRuns(text, 'regular')
    expectRunsTileText(text, runs)
    expectEveryCharacterCovered(text, runs)
    expect(runs.map((run) => run.face.family)).toEqual([ARABIC, PRIMARY, CJK])
    // The spaces between the names join a neighbouring run: trimmed, each run is one name.
    expect(runTexts(text, runs).map((t) => t.trim())).toEqual(text.split(' '))
    expect(runs.every((run) => run.face.weight === 'regular')).toBe(true)
  })

  it('keeps punctuation and digits between scripts in a neighbouring run whose face has them', () => {
    const cases = [
      'محمد، 2019 (Ahmed) — 王小明。',
      'السيد Ahmed، والسيدة 王小明، في 2026!',
      'Dear 王小明, «محمد» & “Ahmed”; 1,000 €.',
    ]
    for (const text of cases) {
      const runs = fontRuns(text, 'regular')
      expectRunsTileText(text, runs)
      expectEveryCharacterCovered(text, runs)
      // Shared characters never open a run of their own between two runs of one face.
      for (let i = 1; i < runs.length; i++) expect(runs[i]?.face).not.toBe(runs[i - 1]?.face)
    }
  })

  it('sets Devanagari, Hebrew and Hangul in their own families', () => {
    const cases: Array<[string, string[], string]> = [
      ['नई दिल्ली', ['नई', 'दिल्ली'], 'devanagari'],
      ['שלום עולם', ['שלום', 'עולם'], 'hebrew'],
      ['대한민국 서울', ['대한민국', '서울'], 'hangul'],
    ]
    for (const [text, words, id] of cases) {
      const runs = fontRuns(text, 'regular')
      expectRunsTileText(text, runs)
      expectEveryCharacterCovered(text, runs)
      for (const word of words) expect(familiesOf(text, runs, word)).toEqual(new Set([id]))
      // The space between the two words stays in the script's face: one run for the whole text.
      expect(runs.map((run) => run.face.family.id)).toEqual([id])
    }
  })

  it('keeps the spaces, commas and digits of a one-script sentence in that script’s run', () => {
    for (const [text, family] of [
      ['سعادة السفير، نكتب إليكم', ARABIC],
      ['我们写信给您，请贵国支持 2026 年的决议', CJK],
    ] as const) {
      const runs = fontRuns(text, 'regular')
      expectRunsTileText(text, runs)
      expectEveryCharacterCovered(text, runs)
      expect(runs.map((run) => run.face.family)).toEqual([family])
    }
  })

  it('keeps Greek and Cyrillic in Noto Serif, with the Latin around them, in one run', () => {
    for (const text of ['Καλημέρα Αθήνα', 'Москва, Российская Федерация', 'Ahmed Москва Αθήνα Paris']) {
      const runs = fontRuns(text, 'regular')
      expectRunsTileText(text, runs)
      expectEveryCharacterCovered(text, runs)
      expect(runs.map((run) => run.face.family)).toEqual([PRIMARY])
    }
  })

  it('sets a mixed line in every script in the right family', () => {
    const text = 'Ahmed محمد नई שלום 서울 王小明 Москва'
    const runs = fontRuns(text, 'regular')
    expectRunsTileText(text, runs)
    expectEveryCharacterCovered(text, runs)
    const expected: Array<[string, string]> = [
      ['Ahmed', 'serif'],
      ['محمد', 'arabic'],
      ['नई', 'devanagari'],
      ['שלום', 'hebrew'],
      ['서울', 'hangul'],
      ['王小明', 'cjk'],
      ['Москва', 'serif'],
    ]
    for (const [word, id] of expected) expect(familiesOf(text, runs, word), word).toEqual(new Set([id]))
  })

  // The ideographic full stop and comma and the CJK brackets (。、「」《》【】…) are Han and Hangul
  // by Script_Extensions, not Common: they once opened runs in Noto Serif KR inside Chinese text
  // (and loaded the 14 MB Korean face for every Chinese letter).
  it('sets Chinese punctuation (。、「」) in the Chinese face, not in Noto Serif KR', () => {
    for (const text of ['我们写信给您、请贵国支持「特别法庭机制」。', '「特别法庭机制」：《报告》【2026】']) {
      const runs = fontRuns(text, 'regular')
      expectRunsTileText(text, runs)
      expect(runs.map((run) => run.face.family)).toEqual([CJK])
    }
  })

  it('sets a middle dot between Arabic words in Noto Serif, not in the Georgian face that also claims it', () => {
    const text = 'سعادة السفير · CB-7K3M9Q'
    const families = fontRuns(text, 'regular').map((run) => run.face.family.id)
    expect(families).not.toContain('georgian')
    expect(families).toEqual(['arabic', 'serif'])
    // In Georgian or Chinese text the dot stays with the script around it.
    expect(fontRuns('საქართველო·თბილისი', 'regular').map((run) => run.face.family.id)).toEqual(['georgian'])
    expect(fontRuns('阿卜杜拉·本·阿里', 'regular').map((run) => run.face.family.id)).toEqual(['cjk'])
  })

  it('sets Korean punctuation after Hangul in the Korean face', () => {
    const text = '대한민국、서울。'
    const runs = fontRuns(text, 'regular')
    expect(runs.map((run) => run.face.family.id)).toEqual(['hangul'])
  })

  it('takes the bold face where the family has one, and falls back to regular where it has none', () => {
    const text = 'محمد Ahmed 王小明'
    const bold = fontRuns(text, 'bold')
    expectRunsTileText(text, bold)
    expect(bold.map((run) => run.face.family)).toEqual([ARABIC, PRIMARY, CJK])
    for (const run of bold) expect(run.face.weight).toBe(run.face.family.files.bold ? 'bold' : 'regular')

    // Only Noto Serif has an italic: the Arabic and Chinese runs of an italic line are upright.
    const italic = fontRuns(text, 'italic')
    expectRunsTileText(text, italic)
    expect(italic.map((run) => run.face.family)).toEqual([ARABIC, PRIMARY, CJK])
    expect(italic.map((run) => run.face.weight)).toEqual(['regular', 'italic', 'regular'])
    expect(ARABIC.files.italic).toBeUndefined()

    // A family with no bold file at all: its bold is its regular face, not an error.
    const regularOnly: Family = {
      ...ARABIC,
      id: 'test-regular-only',
      files: { regular: ARABIC.files.regular },
    }
    const face = faceOf(regularOnly, 'bold')
    expect(face.weight).toBe('regular')
    expect(face).toBe(faceOf(regularOnly, 'regular'))
  })
})

describe('uncoveredCharacters and describeCharacter', () => {
  it('reports an emoji and an Egyptian hieroglyph, each once, in order of appearance', () => {
    expect(uncoveredCharacters('😀')).toEqual(['😀'])
    expect(uncoveredCharacters('𓀀')).toEqual(['𓀀'])
    expect(uncoveredCharacters('Dear 😀 Ahmed 𓀀 and 😀 again')).toEqual(['😀', '𓀀'])
    expect(uncoveredCharacters('محمد 𓀀 王小明 😀')).toEqual(['𓀀', '😀'])
  })

  it('does not report line breaks, tabs or invisible joiners', () => {
    expect(uncoveredCharacters('Dear Ahmed,\n\tthank you.\r\nYours,\fA.')).toEqual([])
    expect(uncoveredCharacters('line\u2028line\u2029paragraph\vend')).toEqual([])
    expect(uncoveredCharacters('नई\u200dदिल्ली\u200c')).toEqual([])
  })

  it('reports nothing for Latin, Arabic, Chinese, Cyrillic and Devanagari text', () => {
    for (const text of [
      'Dear Excellency, the Special Court Mechanism — “now”, 1,000 € (2026).',
      'سعادة السفير، نكتب إليكم بشأن الآلية الخاصة (٢٠٢٦).',
      '尊敬的大使阁下：我们写信给您，关于特别法庭机制。',
      'Ваше превосходительство, мы пишем вам.',
      'नई दिल्ली, भारत।',
    ]) {
      expect(uncoveredCharacters(text), text).toEqual([])
    }
  })

  it('names a character by its code point, at least four upper-case hex digits, then the character', () => {
    expect(describeCharacter('😀')).toBe('U+1F600 😀')
    expect(describeCharacter('𓀀')).toBe('U+13000 𓀀')
    expect(describeCharacter('é')).toBe('U+00E9 é')
    expect(describeCharacter('A')).toBe('U+0041 A')
    expect(describeCharacter('ي')).toBe('U+064A ي')
  })
})

const layout = (text: string, direction: 'ltr' | 'rtl' | 'auto', width = 2000) =>
  layoutParagraph(text, { size: 12, width, weight: 'regular', direction })

/** The pieces of a line from left to right. */
const leftToRight = (line: Line): Piece[] => [...line.pieces].sort((a, b) => a.x - b.x)

/** Pieces never overlap and none runs past the line's width. */
function expectPiecesSideBySide(line: Line): void {
  const pieces = leftToRight(line)
  for (let i = 1; i < pieces.length; i++) {
    const before = pieces[i - 1] as Piece
    expect((pieces[i] as Piece).x).toBeGreaterThanOrEqual(before.x + before.width - 1e-6)
  }
  const last = pieces.at(-1) as Piece
  expect(last.x + last.width).toBeLessThanOrEqual(line.width + 1e-6)
}

/** The code points of the glyphs fontkit sets for `piece`, left to right. */
function glyphCodePoints(piece: Piece): number[] {
  return piece.face.font.layout(piece.text).glyphs.flatMap((glyph) => glyph.codePoints)
}

const codePoints = (text: string): number[] => [...text].map((char) => char.codePointAt(0) as number)

describe('layoutParagraph: the visual order of a line (UAX #9)', () => {
  it('sets an Arabic sentence right to left, with a Latin name inside it left to right', () => {
    const text = 'يعيش Ahmed في نيويورك'
    for (const direction of ['rtl', 'auto'] as const) {
      const { lines, direction: resolved } = layout(text, direction)
      expect(resolved).toBe('rtl')
      expect(lines).toHaveLength(1)
      const line = lines[0] as Line
      expect(line.logical).toBe(text)
      expectPiecesSideBySide(line)
      // Read from the right edge leftwards, the pieces are the sentence's words in logical order.
      const rightToLeft = leftToRight(line).reverse()
      expect(rightToLeft.map((piece) => piece.text)).toEqual(text.split(' '))
      const ahmed = line.pieces.find((piece) => piece.text === 'Ahmed') as Piece
      expect(ahmed.face.family).toBe(PRIMARY)
      for (const piece of line.pieces.filter((p) => p !== ahmed)) expect(piece.face.family).toBe(ARABIC)
    }
  })

  it('draws each Arabic piece with its glyphs in visual order: the last letter leftmost', () => {
    const text = 'يعيش Ahmed في نيويورك'
    const line = layout(text, 'rtl').lines[0] as Line
    for (const piece of line.pieces) {
      const drawn = glyphCodePoints(piece)
      const logical = codePoints(piece.text)
      // The Latin name left to right, the Arabic words reversed (fontkit reverses an RTL run).
      expect(drawn).toEqual(piece.face.family === ARABIC ? [...logical].reverse() : logical)
    }
  })

  it('keeps numbers left to right inside Arabic, and reads the words right to left', () => {
    const text = 'ولد عام 1985 في القاهرة'
    const line = layout(text, 'rtl').lines[0] as Line
    expectPiecesSideBySide(line)
    expect(
      leftToRight(line)
        .reverse()
        .map((piece) => piece.text),
    ).toEqual(text.split(' '))
    const year = line.pieces.find((piece) => piece.text.includes('1985')) as Piece
    expect(glyphCodePoints(year)).toEqual(codePoints('1985'))
  })

  it('puts the exclamation mark after a Latin word at the end of an Arabic sentence to its left', () => {
    const line = layout('شكرا Ahmed!', 'rtl').lines[0] as Line
    expectPiecesSideBySide(line)
    const ahmed = line.pieces.find((piece) => piece.text === 'Ahmed') as Piece
    const bang = line.pieces.find((piece) => piece.text === '!') as Piece
    const thanks = line.pieces.find((piece) => piece.text === 'شكرا') as Piece
    // The mark ends the right-to-left sentence: visually it is its leftmost piece.
    expect(bang.x).toBeLessThan(ahmed.x)
    expect(ahmed.x).toBeLessThan(thanks.x)
  })

  it('orders each line of a wrapped Arabic paragraph on its own, right to left', () => {
    const text =
      'نكتب إليكم بشأن المحكمة الخاصة التي يدعمها Ahmed منذ 2019 مع منظمات كثيرة في Geneva ونيويورك ' +
      'ونطلب من حكومتكم التصويت لصالح القرار في الجمعية العامة'
    for (const width of [90, 140, 200, 300]) {
      const { lines, direction } = layout(text, 'auto', width)
      expect(direction).toBe('rtl')
      expect(lines.length).toBeGreaterThan(1)
      expect(lines.map((line) => line.logical).join(' ')).toBe(text)
      for (const line of lines) {
        expect(line.width).toBeLessThanOrEqual(width + 1e-6)
        expectPiecesSideBySide(line)
        expect(
          leftToRight(line)
            .reverse()
            .map((piece) => piece.text),
        ).toEqual(line.logical.split(' '))
      }
    }
  })

  it('keeps a two-word Arabic name right to left inside an English line', () => {
    const text = 'Dear محمد علي and Ahmed'
    const { lines, direction } = layout(text, 'ltr')
    expect(direction).toBe('ltr')
    expect(lines).toHaveLength(1)
    const line = lines[0] as Line
    expectPiecesSideBySide(line)
    const order = leftToRight(line).map((piece) => piece.text)
    // English left to right; inside it the Arabic name's second word stands left of its first.
    expect(order).toEqual(['Dear', 'علي', 'محمد', 'and', 'Ahmed'])
    // With 'auto' the first strong character (D) makes the paragraph left to right too.
    expect(leftToRight(layout(text, 'auto').lines[0] as Line).map((piece) => piece.text)).toEqual(order)
  })

  it('mirrors brackets in right-to-left text, so they still open towards the words they enclose', () => {
    const text = 'المادة (الخامسة) من الميثاق'
    const line = layout(text, 'rtl').lines[0] as Line
    const drawn = leftToRight(line).flatMap((piece) =>
      piece.face.font.layout(piece.text).glyphs.flatMap((g) => g.codePoints),
    )
    const visual = String.fromCodePoint(...drawn)
    // Visually (left to right) the enclosed word reads "(…)" with "(" at its left: opening and
    // closing brackets swap places in the logical text, and mirroring keeps their shapes right.
    const open = visual.indexOf('(')
    const close = visual.indexOf(')')
    expect(open).toBeGreaterThanOrEqual(0)
    expect(close).toBeGreaterThan(open)
    expect(visual.slice(open + 1, close)).toBe([...'الخامسة'].reverse().join(''))
  })
})

// Kinsoku: characters that may not start a line (closing brackets and punctuation) and that may
// not end one (opening brackets).
const NO_LINE_START = new Set([...'，。、）」』》！？：；'])
const NO_LINE_END = new Set([...'（「『《'])

const CHINESE =
  '尊敬的大使阁下：我们写信给您，是为了请贵国支持设立一个独立的「特别法庭机制」。' +
  '自2026年起，联合国维和人员的性剥削和性虐待问题已涉及超过1,000名受害者（根据公开报告），' +
  '而绝大多数案件至今没有得到任何追究。我们恳请贵国政府在大会上表态支持、推动成员国共同行动，' +
  '并确保受害者获得正义、赔偿与保护！您是否愿意与我们会面？我们期待您的回复。'

describe('layoutParagraph: Chinese line breaking', () => {
  const size = 12
  // Many widths, so that the plain break between two characters would often fall before a comma.
  const widths = Array.from({ length: 40 }, (_, i) => 60 + i * 7)

  it('wraps a paragraph without spaces into lines no wider than the width, losing nothing', () => {
    for (const width of widths) {
      const { lines } = layoutParagraph(CHINESE, { size, width, weight: 'regular', direction: 'auto' })
      expect(lines.length).toBeGreaterThan(1)
      expect(lines.map((line) => line.logical).join('')).toBe(CHINESE)
      for (const line of lines) {
        expect(line.width, `width ${width}: ${line.logical}`).toBeLessThanOrEqual(width + 1e-6)
        expect(line.width).toBeGreaterThan(0)
      }
      // Greedy filling: each line but the last is full enough that the next line's first
      // unbreakable unit would not have fitted (a unit: a character with its punctuation, or a number).
      for (const line of lines.slice(0, -1)) expect(line.width).toBeGreaterThan(width - 4 * size)
    }
  })

  it('never starts a line with closing punctuation nor ends one with an opening bracket', () => {
    let checked = 0
    for (const width of widths) {
      const { lines } = layoutParagraph(CHINESE, { size, width, weight: 'regular', direction: 'auto' })
      for (const line of lines) {
        const chars = [...line.logical]
        expect(NO_LINE_START.has(chars[0] as string), `width ${width}: line "${line.logical}"`).toBe(false)
        expect(NO_LINE_END.has(chars.at(-1) as string), `width ${width}: line "${line.logical}"`).toBe(false)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(widths.length * 2)
  })

  it('never breaks inside a number ("2026年", "1,000")', () => {
    const numbers = [...CHINESE.matchAll(/\d[\d,]*\d/g)].map((m) => [m.index, m.index + m[0].length])
    expect(numbers.map(([s, e]) => CHINESE.slice(s, e))).toEqual(['2026', '1,000'])
    for (const width of widths) {
      const { lines } = layoutParagraph(CHINESE, { size, width, weight: 'regular', direction: 'auto' })
      let at = 0
      for (const line of lines.slice(0, -1)) {
        at += line.logical.length
        for (const [start, end] of numbers)
          expect(at > (start as number) && at < (end as number), `width ${width}: break at ${at}`).toBe(false)
      }
    }
  })

  it('spreads Chinese pieces for justification, and not Latin ones', () => {
    const line = layout('我们写信给您 Ahmed', 'ltr').lines[0] as Line
    const chinese = line.pieces.find((piece) => piece.face.family === CJK) as Piece
    const latin = line.pieces.find((piece) => piece.text === 'Ahmed') as Piece
    expect(chinese.spread).toBe(true)
    expect(latin.spread).toBe(false)
  })
})

describe('hyphenate', () => {
  const withoutSoftHyphens = (text: string): string => text.replaceAll(SOFT_HYPHEN, '')
  const cases: Array<['en' | 'fr' | 'es' | 'ru', string, RegExp]> = [
    ['en', 'responsibility', /[aeiouy]/],
    ['fr', 'responsabilité', /[aeiouyé]/],
    ['es', 'responsabilidad', /[aeiou]/],
    ['ru', 'ответственность', /[аеёиоуыэюя]/],
  ]

  it.each(cases)('puts soft hyphens into a long %s word, and only soft hyphens', (language, word, vowel) => {
    const result = hyphenate(word, language)
    expect(result).toContain(SOFT_HYPHEN)
    expect(withoutSoftHyphens(result)).toBe(word)
    // Never at either end of the word, never two in a row, and every part a syllable with a vowel.
    const parts = result.split(SOFT_HYPHEN)
    expect(parts.length).toBeGreaterThan(2)
    for (const part of parts) {
      expect(part.length).toBeGreaterThanOrEqual(1)
      expect(part, `${result}`).toMatch(vowel)
    }
    expect((parts[0] as string).length).toBeGreaterThanOrEqual(2)
    expect((parts.at(-1) as string).length).toBeGreaterThanOrEqual(2)
  })

  it.each(cases)(
    'hyphenates the long word inside a %s sentence and leaves the short words',
    (language, word) => {
      const sentence = `the ${word}, of ${word}. ok`
      const result = hyphenate(sentence, language)
      expect(withoutSoftHyphens(result)).toBe(sentence)
      const tokens = result.split(' ')
      expect(tokens).toHaveLength(5)
      expect(tokens[0]).toBe('the')
      expect(tokens[2]).toBe('of')
      expect(tokens[4]).toBe('ok')
      // The trailing comma and full stop stay after the word, with no soft hyphen before them.
      expect(tokens[1]).toMatch(new RegExp(`[^${SOFT_HYPHEN}],$`))
      expect(tokens[1]).toContain(SOFT_HYPHEN)
      expect(tokens[3]).toMatch(new RegExp(`[^${SOFT_HYPHEN}]\\.$`))
      expect(tokens[3]).toContain(SOFT_HYPHEN)
    },
  )

  it('leaves short words, addresses and numbers alone', () => {
    for (const text of [
      'the cat sat on a mat',
      'https://example.org/responsibility',
      'responsibility@example.org',
      '1234567890',
      'UN/2026/responsibility',
    ]) {
      expect(hyphenate(text, 'en')).toBe(text)
    }
  })

  it('leaves Arabic and Chinese text alone', () => {
    const arabic = 'المسؤولية والمساءلة الدولية'
    const chinese = '我们恳请贵国政府在大会上表态支持'
    expect(hyphenate(arabic, 'ar')).toBe(arabic)
    expect(hyphenate(chinese, 'zh')).toBe(chinese)
    // Latin words in an Arabic or Chinese letter are not hyphenated either.
    expect(hyphenate('responsibility', 'ar')).toBe('responsibility')
    expect(hyphenate('responsibility', 'zh')).toBe('responsibility')
  })
})

describe('typesetWidth and typesetHeight', () => {
  const block: TextBlock = {
    x: 72,
    width: 400,
    size: 11,
    weight: 'regular',
    align: 'left',
    direction: 'auto',
    lineGap: 2,
  }
  /** Advance width of `text` in one face, straight from the font. */
  const advance = (face: Face, text: string, size: number): number =>
    (face.font.layout(text).advanceWidth * size) / face.font.unitsPerEm

  it('measures a longer text wider, in every script', () => {
    for (const [short, long] of [
      ['Ahmed', 'Ahmed Mohammed'],
      ['محمد', 'محمد بن سلمان'],
      ['王小明', '王小明先生'],
      ['Москва', 'Москва, Россия'],
    ] as const) {
      expect(typesetWidth(long, block), long).toBeGreaterThan(typesetWidth(short, block))
    }
  })

  it('measures a one-face text as the font advances it, at the block size', () => {
    for (const weight of ['regular', 'bold'] as Weight[]) {
      const face = faceOf(PRIMARY, weight)
      expect(typesetWidth('Ahmed', { ...block, weight })).toBeCloseTo(advance(face, 'Ahmed', block.size), 6)
      expect(typesetWidth('Ahmed', { ...block, weight, size: 22 })).toBeCloseTo(
        2 * typesetWidth('Ahmed', { ...block, weight }),
        6,
      )
    }
    expect(typesetWidth('王小明', block)).toBeCloseTo(
      advance(faceOf(CJK, 'regular'), '王小明', block.size),
      6,
    )
    expect(typesetWidth('', block)).toBe(0)
  })

  it('makes a paragraph that must wrap at a narrower width taller, by whole lines', () => {
    const text =
      'We write to ask your Government to support an independent Special Court Mechanism for ' +
      'sexual exploitation and abuse by United Nations peacekeeping personnel.'
    const wide = { ...block, width: 2000 }
    const oneLine = typesetHeight(text, wide)
    expect(layoutParagraph(text, { ...wide }).lines).toHaveLength(1)
    expect(oneLine).toBeGreaterThan(block.lineGap)
    for (const width of [400, 200, 100]) {
      const narrow = { ...block, width }
      const lines = layoutParagraph(text, narrow).lines.length
      expect(lines).toBeGreaterThan(1)
      expect(typesetHeight(text, narrow)).toBeGreaterThan(oneLine)
      expect(typesetHeight(text, narrow)).toBeCloseTo(lines * oneLine, 6)
    }
    expect(typesetHeight(text, { ...block, width: 100 })).toBeGreaterThan(typesetHeight(text, block))
  })

  it('makes Arabic and Chinese paragraphs taller at a narrower width too', () => {
    for (const text of [
      'نكتب إليكم لنطلب من حكومتكم دعم إنشاء آلية محكمة خاصة مستقلة للنظر في الاستغلال والانتهاك الجنسيين.',
      CHINESE,
    ]) {
      expect(typesetHeight(text, { ...block, width: 150 })).toBeGreaterThan(typesetHeight(text, block))
    }
  })
})
