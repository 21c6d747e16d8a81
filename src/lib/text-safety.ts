import { hasLongMarkRun, streamSafe } from './combining-marks.js'

// What may never reach a letter, a header or a log line from user input.

// C0 and C1 control characters and DEL (tabs, and line breaks where allowed, are taken out first).
const CONTROL = /\p{Cc}/u
// Bidirectional embeddings, overrides and isolates: they reorder what a reader sees ("Trojan
// source"). Plain marks (U+200E, U+200F) are allowed: names in Arabic or Hebrew may need them.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/
const LINE_BREAK = /[\r\n\u2028\u2029]/

// @NOTE every function here runs on whatever a request holds, before its length is known to be
// sane: each must take time linear in the text. test/reliability/redos.test.ts checks every regex
// of the project with recheck; adversarial-text.test.ts feeds these functions 1 MB of the worst
// input we know (runs of spaces, of combining marks, of quotes).

export type TextProblem = 'control' | 'bidi' | 'line_break' | 'marks'

/** Why `text` is unsafe, or null. `multiline` allows line breaks (\n) and tabs. */
export function findTextProblem(text: string, multiline: boolean): TextProblem | null {
  if (BIDI_CONTROL.test(text)) return 'bidi'
  if (!multiline && LINE_BREAK.test(text)) return 'line_break'
  if (hasLongMarkRun(text)) return 'marks'
  const withoutAllowed = text.replace(multiline ? /[\r\n\t]/g : /\t/g, '')
  return CONTROL.test(withoutAllowed) ? 'control' : null
}

/**
 * NFC in time linear in the text: a run of more than 30 combining marks (which no language needs,
 * and findTextProblem refuses) is cut by a combining grapheme joiner first (combining-marks.ts).
 */
export function normalizeNfc(text: string): string {
  return streamSafe(text).normalize('NFC')
}

/** NFKC (full-width and compatibility forms folded), with the same bound as normalizeNfc. */
export function normalizeNfkc(text: string): string {
  return streamSafe(text).normalize('NFKC')
}

/** NFD, with the same bound as normalizeNfc. */
export function normalizeNfd(text: string): string {
  return streamSafe(text).normalize('NFD')
}

/** NFC, spaces folded, trimmed: how a one-line field is stored. */
export function normalizeLine(text: string): string {
  return normalizeNfc(text)
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
}

/** NFC, Windows and old Mac line ends made \n, trailing spaces and 3+ blank lines folded. */
export function normalizeMultiline(text: string): string {
  const lines = normalizeNfc(text).replace(/\r\n?/g, '\n').replace(/\t/g, ' ').split('\n')
  // @NOTE a loop, not /[ \u00a0]+\n/g: that regex retried the whole run of spaces from each of
  // its positions, so 120 KB of spaces took about 16 s (issue 12).
  return lines
    .map((line) => trimEndWhere(line, (char) => char === ' ' || char === '\u00a0'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** `text` without the characters at its end that `isTrimmed` accepts (a loop: /[...]+$/ is quadratic). */
export function trimEndWhere(text: string, isTrimmed: (char: string) => boolean): string {
  let end = text.length
  while (end > 0 && isTrimmed(text[end - 1]!)) end--
  return text.slice(0, end)
}

/** `text` without the characters at its start that `isTrimmed` accepts. */
export function trimStartWhere(text: string, isTrimmed: (char: string) => boolean): string {
  let start = 0
  while (start < text.length && isTrimmed(text[start]!)) start++
  return text.slice(start)
}

// Labels separated by dots: a label holds no dot, so the split into labels is unique and a failed
// match is not retried at every dot (the old /@[^...]+\.[^...]{2,}$/ was, quadratically).
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[^\s@<>()[\]\\,;:".]+\.)+[^\s@<>()[\]\\,;:".]{2,}$/

/** A plausible single e-mail address: one @, a dotted domain, nothing that could split a header. */
export function isPlausibleEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text) && findTextProblem(text, false) === null
}
