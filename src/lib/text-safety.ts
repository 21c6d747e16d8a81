// What may never reach a letter, a header or a log line from user input.

// C0 and C1 control characters and DEL (tabs, and line breaks where allowed, are taken out first).
const CONTROL = /\p{Cc}/u
// Bidirectional embeddings, overrides and isolates: they reorder what a reader sees ("Trojan
// source"). Plain marks (U+200E, U+200F) are allowed: names in Arabic or Hebrew may need them.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/
const LINE_BREAK = /[\r\n\u2028\u2029]/

export type TextProblem = 'control' | 'bidi' | 'line_break'

/** Why `text` is unsafe, or null. `multiline` allows line breaks (\n) and tabs. */
export function findTextProblem(text: string, multiline: boolean): TextProblem | null {
  if (BIDI_CONTROL.test(text)) return 'bidi'
  if (!multiline && LINE_BREAK.test(text)) return 'line_break'
  const withoutAllowed = text.replace(multiline ? /[\r\n\t]/g : /\t/g, '')
  return CONTROL.test(withoutAllowed) ? 'control' : null
}

/** NFC, spaces folded, trimmed: how a one-line field is stored. */
export function normalizeLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
}

/** NFC, Windows and old Mac line ends made \n, trailing spaces and 3+ blank lines folded. */
export function normalizeMultiline(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[ \u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/

/** A plausible single e-mail address: one @, a dotted domain, nothing that could split a header. */
export function isPlausibleEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text) && findTextProblem(text, false) === null
}
