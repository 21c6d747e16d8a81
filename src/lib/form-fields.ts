import { english, type Translate } from '../i18n/catalogue.js'
import { MAX_MARKS_IN_A_ROW } from './combining-marks.js'
import { findTextProblem, normalizeLine, normalizeMultiline, type TextProblem } from './text-safety.js'

// Checks of single form fields, shared by forms (a mission's edit form, the Blue Book upload,
// engagements and positions): each refused field gets its message in `errors`, keyed by its name.

/** Messages by form field name (which is also the field's element id). */
export type FieldErrors = Record<string, string>

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/**
 * The most characters a field may hold as typed, before normalization: four times its limit
 * (spaces, line ends and decomposed accents fold away), plus room for a short field's padding.
 * @NOTE checked before any regex or normalization touches the text, so a 60 KB form field or a
 * 900 KB JSON string is refused at the cost of reading its length (issue 12).
 */
export function rawLimit(max: number): number {
  return max * 4 + 200
}

/**
 * normalizeLine, unless `value` is far over `max` as typed: then `value` as it is, for the
 * caller's own length check to refuse without anything having run over it.
 */
export function normalizeLineWithin(value: string, max: number): string {
  return value.length > rawLimit(max) ? value : normalizeLine(value)
}

/** Whether `value` is far over `max` as typed; if so its message is in `errors`. */
export function tooLongAsTyped(
  value: string,
  max: number,
  field: string,
  label: string,
  errors: FieldErrors,
  t: Translate = english,
): boolean {
  if (value.length <= rawLimit(max)) return false
  checkLength(value, max, field, label, errors, t)
  return true
}

/**
 * The checks every text field gets before it is normalized, in this order: text at all, not far
 * too long as typed (before anything reads it), no characters that may not be used. `undefined`
 * when the field is absent, null when refused (its message in `errors`), else the raw text.
 */
function screened(
  value: unknown,
  field: string,
  label: string,
  max: number,
  errors: FieldErrors,
  multiline: boolean,
  t: Translate,
): string | null | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    errors[field] = t('forms.mustBeText', { label })
    return null
  }
  if (tooLongAsTyped(value, max, field, label, errors, t)) return null
  const problem = findTextProblem(value, multiline)
  if (problem) {
    errors[field] = problemMessage(label, problem, t)
    return null
  }
  return value
}

/** An optional one-line field: null when empty or refused (with its message). */
export function oneLine(
  value: unknown,
  field: string,
  label: string,
  max: number,
  errors: FieldErrors,
  t: Translate = english,
): string | null {
  const raw = screened(value, field, label, max, errors, false, t)
  if (raw === undefined || raw === null) return null
  const text = checkLength(normalizeLine(raw), max, field, label, errors, t)
  return text || null
}

/** Text of several lines (a paragraph, a note): '' when absent, null when refused (with its message). */
export function multiLine(
  value: unknown,
  field: string,
  label: string,
  max: number,
  errors: FieldErrors,
  t: Translate = english,
): string | null {
  const raw = screened(value, field, label, max, errors, true, t)
  if (raw === undefined) return ''
  if (raw === null) return null
  const text = normalizeMultiline(raw)
  if (text.length > max) {
    checkLength(text, max, field, label, errors, t)
    return null
  }
  return text
}

/** A textarea's non-empty lines, each normalized; [] when refused. `max` bounds the whole text. */
export function lines(
  value: unknown,
  field: string,
  label: string,
  max: number,
  errors: FieldErrors,
  t: Translate = english,
): string[] {
  const raw = screened(value, field, label, max, errors, true, t)
  if (raw === undefined || raw === null) return []
  return raw
    .split(/\r\n?|\n/)
    .map(normalizeLine)
    .filter((l) => l !== '')
}

export function checkLength(
  text: string,
  max: number,
  field: string,
  label: string,
  errors: FieldErrors,
  t: Translate = english,
): string {
  if (text.length <= max) return text
  errors[field] ??= t('forms.tooLong', { label, max, length: text.length })
  return ''
}

/** What to say about a field holding text that may not be used (line breaks, invisible characters). */
export function problemMessage(label: string, problem: TextProblem, t: Translate = english): string {
  if (problem === 'line_break') return t('forms.oneLine', { label })
  if (problem === 'bidi') return t('forms.bidi', { label })
  if (problem === 'marks') return t('forms.marks', { label, max: MAX_MARKS_IN_A_ROW })
  return t('forms.control', { label })
}

export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

export function fieldsOf(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
}
