import { english } from '../i18n/catalogue.js'

// A source: the code of a partner or a channel that brought a supporter (`amnesty-ke`,
// `newsletter-2027-01`), carried by a link (`/write/fra?source=amnesty-ke`) and stored with the
// letter written and the membership asked for. The one place its rule is written.

/** The most characters a source code may have. */
export const SOURCE_CODE_MAX = 64

/** The rule in words, for forms and messages. */
export const SOURCE_CODE_RULE = `lowercase letters, digits and hyphens, at most ${SOURCE_CODE_MAX} characters, starting and ending with a letter or digit`

/** Something the input check set aside rather than refused, for the page to tell the writer. */
export interface InputNotice {
  /** The field set aside ('source'). */
  field: string
  /** The message in English (the JSON API's words). */
  message: string
  /** Its key in locales/ (pages show it in the reader's language). */
  key: string
}

/** What a writer or joiner is told when the link's source code could not be kept. */
export const SOURCE_IGNORED: InputNotice = {
  field: 'source',
  message: english('forms.sourceIgnored'),
  key: 'forms.sourceIgnored',
}

/**
 * Whether `code` is a source code as stored: 1 to 64 of a–z, 0–9 and "-", not starting or ending
 * with "-". Plain scans, no regular expression: nothing a visitor types can make it slow.
 */
export function isSourceCode(code: string): boolean {
  if (code.length < 1 || code.length > SOURCE_CODE_MAX) return false
  if (code.startsWith('-') || code.endsWith('-')) return false
  for (const ch of code) {
    const lower = ch >= 'a' && ch <= 'z'
    const digit = ch >= '0' && ch <= '9'
    if (!lower && !digit && ch !== '-') return false
  }
  return true
}

/**
 * A source code as a link or form gives it, trimmed and lower-cased (`Amnesty-KE` is
 * `amnesty-ke`). Absent or empty: no source, no notice. Anything else that is not a source code
 * (too long, other characters, not text) is never an error for the writer: it is dropped, with a
 * notice saying so.
 */
export function parseSourceCode(value: unknown): { source: string | null; notice: InputNotice | null } {
  if (value === undefined || value === null || value === '') return { source: null, notice: null }
  if (typeof value !== 'string') return { source: null, notice: SOURCE_IGNORED }
  // Far too long is refused on its length, before anything else reads it.
  if (value.length > SOURCE_CODE_MAX * 4) return { source: null, notice: SOURCE_IGNORED }
  const code = value.trim().toLowerCase()
  if (code === '') return { source: null, notice: null }
  return isSourceCode(code) ? { source: code, notice: null } : { source: null, notice: SOURCE_IGNORED }
}
