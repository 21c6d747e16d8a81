import { describe, expect, it } from 'vitest'
import { renderLetterPdf } from '../../src/letters/letter-pdf.js'
import { FAMILIES, faceOf } from '../../src/letters/typesetting/font-catalog.js'
import { sampleLetterDocument } from '../helpers/letter-fixtures.js'
import { embeddedFonts, notdefGlyphs, poppler, popplerAvailable } from '../helpers/pdf-inspect.js'

// Every face of the catalog, through the whole letter: a word of each script in the writer's
// name (set in bold in the letterhead) and in the paragraph (regular). Noto Sans Gurmukhi leaves
// some mark anchors empty, which fontkit could not read: a Punjabi name was a 500.

/** A word in each script the catalog has a family for, by family id. */
const WORDS: Record<string, string> = {
  arabic: 'سلام',
  hebrew: 'שלום',
  thaana: 'ދިވެހި',
  devanagari: 'नमस्ते',
  bengali: 'বাংলা',
  gurmukhi: 'ਪੰਜਾਬੀ',
  gujarati: 'ગુજરાતી',
  oriya: 'ଓଡ଼ିଆ',
  tamil: 'தமிழ்',
  telugu: 'తెలుగు',
  kannada: 'ಕನ್ನಡ',
  malayalam: 'മലയാളം',
  sinhala: 'සිංහල',
  thai: 'ภาษาไทย',
  lao: 'ພາສາລາວ',
  khmer: 'ភាសាខ្មែរ',
  myanmar: 'မြန်မာ',
  tibetan: 'བོད་ཡིག',
  georgian: 'ქართული',
  armenian: 'Հայերեն',
  ethiopic: 'አማርኛ',
  tifinagh: 'ⵜⴰⵎⴰⵣⵉⵖⵜ',
  syriac: 'ܣܘܪܝܝܐ',
  nko: 'ߒߞߏ',
  hangul: '한국어',
  cjk: '中文',
}

const scriptFamilies = FAMILIES.filter((family) => family.scripts !== null)

describe('a letter with a word in every script', () => {
  it('has a sample word for each family of the catalog, in that family’s script', () => {
    expect(Object.keys(WORDS).sort()).toEqual(scriptFamilies.map((family) => family.id).sort())
    for (const family of scriptFamilies) expect(WORDS[family.id], family.id).toMatch(family.scripts as RegExp)
  })

  it('prints in bold and regular, every glyph found, every family embedded', async () => {
    const words = Object.values(WORDS).join(' ')
    const pdf = await renderLetterPdf(
      sampleLetterDocument({
        sender: [`Amina ${words}`, 'Kenyatta Avenue 14', 'Nairobi'],
        paragraphs: [words],
      }),
    )
    expect(notdefGlyphs(pdf)).toBe(0)
    if (!popplerAvailable) return
    const fonts = embeddedFonts(pdf)
    expect(fonts.every((font) => font.embedded)).toBe(true)
    const names = fonts.map((font) => font.name.toLowerCase().replace(/[^a-z]/g, ''))
    for (const family of scriptFamilies) {
      const name = family.cssName.toLowerCase().replace(/[^a-z]/g, '')
      expect(
        names.some((embedded) => embedded.startsWith(name)),
        `${family.cssName} in ${names.join(', ')}`,
      ).toBe(true)
    }
    const text = poppler('pdftotext', pdf).replace(/\s+/g, ' ')
    for (const [id, word] of Object.entries(WORDS)) {
      // Poppler gives Indic and Southeast Asian words back with their pre-base vowel signs in
      // drawing order, and splits Thaana's vowel signs off; the other scripts come back whole.
      if (['arabic', 'hebrew', 'cjk', 'hangul', 'georgian', 'armenian', 'ethiopic', 'tifinagh'].includes(id))
        expect(text, id).toContain(word)
    }
  })

  it('shapes any short word of each face’s own characters without throwing', () => {
    let seed = 7
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    for (const family of scriptFamilies.filter((f) => f.id !== 'cjk')) {
      for (const weight of ['regular', 'bold'] as const) {
        const font = faceOf(family, weight).font
        const own = font.characterSet
          .map((c) => String.fromCodePoint(c))
          .filter((c) => family.scripts?.test(c))
        expect(own.length, family.id).toBeGreaterThan(20)
        for (let i = 0; i < 300; i++) {
          let word = ''
          for (let j = 0, n = 1 + Math.floor(random() * 5); j < n; j++)
            word += own[Math.floor(random() * own.length)]
          expect(() => font.layout(word), `${family.id} ${weight} ${JSON.stringify(word)}`).not.toThrow()
        }
      }
    }
  })
})
