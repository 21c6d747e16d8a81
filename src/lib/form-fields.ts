import { findTextProblem, normalizeLine, type TextProblem } from './text-safety.js'

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

/** An optional one-line field: null when empty or refused (with its message). */
export function oneLine(
  value: unknown,
  field: string,
  label: string,
  max: number,
  errors: FieldErrors,
): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') {
    errors[field] = `${label} must be text.`
    return null
  }
  const problem = findTextProblem(value, false)
  if (problem) {
    errors[field] = problemMessage(label, problem)
    return null
  }
  const text = checkLength(normalizeLine(value), max, field, label, errors)
  return text || null
}

/** A textarea's non-empty lines, each normalized; [] when refused. */
export function lines(value: unknown, field: string, label: string, errors: FieldErrors): string[] {
  if (value === undefined || value === null) return []
  if (typeof value !== 'string') {
    errors[field] = `${label} must be text.`
    return []
  }
  const problem = findTextProblem(value, true)
  if (problem) {
    errors[field] = problemMessage(label, problem)
    return []
  }
  return value
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
): string {
  if (text.length <= max) return text
  errors[field] ??= `${label} can be at most ${max} characters (it has ${text.length}).`
  return ''
}

/** What to say about a field holding text that may not be used (line breaks, invisible characters). */
export function problemMessage(label: string, problem: TextProblem): string {
  if (problem === 'line_break') return `${label} must be on one line.`
  if (problem === 'bidi')
    return `${label} contains invisible text-direction characters; please type it again.`
  return `${label} contains invisible control characters; please type it again.`
}

export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

export function fieldsOf(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
}
