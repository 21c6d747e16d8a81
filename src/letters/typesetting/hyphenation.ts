import { createRequire } from 'node:module'
import type { LetterLanguage } from '../letter-document.js'

// Justified text without hyphenation opens wide gaps in French and Spanish, whose words run long.
// Soft hyphens (U+00AD) mark where a word may break; pdfkit breaks there only when a line needs
// it, and prints a hyphen then. TeX's patterns for each language (the `hyphen` package). Arabic is
// justified by its spaces and Chinese breaks between characters: neither is hyphenated.

type Hyphenator = (text: string, options?: { minWordLength?: number }) => string

// @NOTE `hyphen` is CommonJS with one folder per language and no exports map, which ES module
// resolution does not read as a subpath: loaded through require.
const require = createRequire(import.meta.url)
const load = (patterns: string): Hyphenator =>
  (require(`hyphen/${patterns}`) as { hyphenateSync: Hyphenator }).hyphenateSync

const PATTERNS: Partial<Record<LetterLanguage, string>> = { en: 'en-gb', fr: 'fr', es: 'es', ru: 'ru' }
const loaded = new Map<LetterLanguage, Hyphenator>()

function hyphenatorFor(language: LetterLanguage): Hyphenator | undefined {
  const patterns = PATTERNS[language]
  if (!patterns) return undefined
  let hyphenator = loaded.get(language)
  if (!hyphenator) {
    hyphenator = load(patterns)
    loaded.set(language, hyphenator)
  }
  return hyphenator
}

// Only plain words are hyphenated: a web address, an e-mail address, a reference or a number is
// never broken, since a hyphen would be read as part of it.
const PLAIN_WORD = /^[\p{L}\p{M}’']{7,}$/u
const TRAILING_PUNCTUATION = new Set('.,;:!?»)\u00a0\u202f')

/** The punctuation ending `token`, read from its end (a regex anchored at $ would backtrack on long runs). */
function trailingPunctuation(token: string): string {
  let start = token.length
  while (start > 0 && TRAILING_PUNCTUATION.has(token[start - 1] as string)) start--
  return token.slice(start)
}

// Letters share their templates' paragraphs: a batch of a thousand hyphenates each once.
const CACHE_SIZE = 2000
const cache = new Map<string, string>()

/** `text` with soft hyphens where the words of the letter's language may break. */
export function hyphenate(text: string, language: LetterLanguage): string {
  const hyphenator = hyphenatorFor(language)
  if (!hyphenator) return text
  const key = `${language}:${text}`
  let result = cache.get(key)
  if (result === undefined) {
    result = hyphenateWords(text, hyphenator)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(key, result)
  }
  return result
}

function hyphenateWords(text: string, hyphenator: Hyphenator): string {
  return text
    .split(' ')
    .map((token) => {
      const tail = trailingPunctuation(token)
      const word = token.slice(0, token.length - tail.length)
      return PLAIN_WORD.test(word) ? hyphenator(word, { minWordLength: 7 }) + tail : token
    })
    .join(' ')
}

/**
 * Lets pdfkit print soft hyphens as TeX does: a hyphen where a line breaks at one, nothing
 * elsewhere. pdfkit 0.20 breaks at soft hyphens and prints a hyphen there, but draws the others
 * with the font's glyph for U+00AD, which Noto Serif shows as a hyphen: each line's text loses
 * its soft hyphens just before it is drawn.
 * @NOTE patches the document's `_line` (pdfkit's per-line drawing, not public); the PDF tests read
 * the hyphenated text back and fail if pdfkit stops calling it.
 */
export function printSoftHyphensAtLineEndsOnly(pdf: PDFKit.PDFDocument): void {
  const doc = pdf as unknown as { _line: (text: string, ...rest: unknown[]) => unknown }
  const line = doc._line.bind(pdf)
  doc._line = (text: string, ...rest: unknown[]) => line(text.replaceAll('\u00ad', ''), ...rest)
}
