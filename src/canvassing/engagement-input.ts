import type { EngagementKind, Position } from '../db/schema.js'
import { fieldsOf, isCalendarDate, multiLine } from '../lib/form-fields.js'
import { ENGAGEMENT_KINDS, POSITIONS } from './coverage-rules.js'

// What organizers type about a state, checked: every field at fault gets its message at once,
// keyed by the field's name, as the letter form does.

export const ENGAGEMENT_LIMITS = { text: 4000, note: 2000 } as const

export interface EngagementInput {
  kind: EngagementKind
  occurredOn: string
  text: string
}

export interface PositionInput {
  position: Position
  notedOn: string
  note: string
}

type FieldErrors = Record<string, string>
type Parsed<T> = { input: T } | { errors: FieldErrors }

/** An engagement from JSON or a form; `today` is the latest day it may have happened. */
export function parseEngagementInput(raw: unknown, today: string): Parsed<EngagementInput> {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const kind = oneOf(body.kind, ENGAGEMENT_KINDS, 'kind', 'Choose what happened from the list.', errors)
  const occurredOn = pastDate(body.occurredOn, today, 'occurredOn', 'The date it happened', errors)
  const text = multiLine(body.text, 'text', 'The description', ENGAGEMENT_LIMITS.text, errors)
  // A note is nothing but its text.
  if (kind === 'note' && text === '' && !errors.text) errors.text = 'Write the note.'
  if (!kind || !occurredOn || text === null || Object.keys(errors).length > 0) return { errors }
  return { input: { kind, occurredOn, text } }
}

/** A position from JSON or a form; `today` is the latest day it may have been noted. */
export function parsePositionInput(raw: unknown, today: string): Parsed<PositionInput> {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const position = oneOf(body.position, POSITIONS, 'position', 'Choose a position from the list.', errors)
  const notedOn = pastDate(body.notedOn, today, 'notedOn', 'The date', errors)
  const note = multiLine(body.note, 'note', 'The note', ENGAGEMENT_LIMITS.note, errors)
  if (!position || !notedOn || note === null || Object.keys(errors).length > 0) return { errors }
  return { input: { position, notedOn, note } }
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  message: string,
  errors: FieldErrors,
): T | null {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value.trim()))
    return value.trim() as T
  errors[field] = message
  return null
}

export function pastDate(
  value: unknown,
  today: string,
  field: string,
  label: string,
  errors: FieldErrors,
): string | null {
  if (value === undefined || value === null || value === '') {
    errors[field] = `${label} is required (YYYY-MM-DD).`
    return null
  }
  const text = typeof value === 'string' ? value.trim() : ''
  if (!isCalendarDate(text)) {
    errors[field] = `${label} must be a real date written YYYY-MM-DD.`
    return null
  }
  if (text > today) {
    errors[field] = `${label} cannot be in the future (today is ${today}).`
    return null
  }
  return text
}
