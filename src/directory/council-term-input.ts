import { type FieldErrors, fieldsOf, oneLine } from '../lib/form-fields.js'

// The Council term forms, checked field by field (field names are also the elements' ids, so an
// error links to its field). Rules that need the database (a member state, overlaps, ten seats a
// year) are the service's.

/** The first year the General Assembly elected non-permanent members (for 1946). */
export const FIRST_ELECTED_YEAR = 1946
/** How far ahead a term may start: elections are held some six months before a term begins. */
const YEARS_AHEAD = 3
export const NOTE_MAX = 500

export interface CouncilTermInput {
  iso3: string
  firstYear: number
  lastYear: number
  /** Add: where the election result comes from; correct and remove: what was wrong. */
  note: string
}

/** What the form holds as typed, to show it again beside its errors. */
export interface CouncilTermFormValues {
  state: string
  firstYear: string
  lastYear: string
  note: string
}

/** Checks a term's state, years and note, naming every field at fault. */
export function parseCouncilTermInput(
  raw: unknown,
  currentYear: number,
  noteLabel: string,
): { input: CouncilTermInput } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const state = typeof body.state === 'string' ? body.state.trim().toUpperCase() : ''
  if (!/^[A-Z]{3}$/.test(state)) errors.state = 'Choose the member state that was elected.'
  const firstYear = parseYear(body.firstYear, 'firstYear', 'The first year', currentYear, errors)
  const lastYear = parseYear(body.lastYear, 'lastYear', 'The last year', currentYear + 1, errors)
  if (firstYear !== null && lastYear !== null) {
    if (lastYear < firstYear)
      errors.lastYear = `The last year (${lastYear}) comes before the first (${firstYear}).`
    else if (lastYear - firstYear > 1)
      errors.lastYear = `An elected term lasts two years (one where a term was split), not ${lastYear - firstYear + 1}.`
  }
  const note = parseNote(body.note, noteLabel, errors)
  if (Object.keys(errors).length > 0 || firstYear === null || lastYear === null || !note) return { errors }
  return { input: { iso3: state, firstYear, lastYear, note } }
}

/** Checks the note alone (removing a term asks only why). */
export function parseNoteOnly(raw: unknown, noteLabel: string): { note: string } | { errors: FieldErrors } {
  const errors: FieldErrors = {}
  const note = parseNote(fieldsOf(raw).note, noteLabel, errors)
  return note ? { note } : { errors }
}

export function councilTermFormValues(raw: unknown): CouncilTermFormValues {
  const body = fieldsOf(raw)
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 1000) : '')
  return {
    state: text(body.state).toUpperCase(),
    firstYear: text(body.firstYear),
    lastYear: text(body.lastYear),
    note: text(body.note),
  }
}

function parseYear(value: unknown, field: string, label: string, latest: number, errors: FieldErrors) {
  const text = typeof value === 'string' ? value.trim() : ''
  if (!/^\d{4}$/.test(text)) {
    errors[field] = `${label} must be a year written with four digits, such as 2027.`
    return null
  }
  const year = Number(text)
  if (year < FIRST_ELECTED_YEAR || year > latest + YEARS_AHEAD) {
    errors[field] = `${label} must be between ${FIRST_ELECTED_YEAR} and ${latest + YEARS_AHEAD}.`
    return null
  }
  return year
}

function parseNote(value: unknown, label: string, errors: FieldErrors): string | null {
  const note = oneLine(value, 'note', label, NOTE_MAX, errors)
  if (!note && !errors.note) errors.note = `${label} is needed: it is kept with the term’s history.`
  return note
}
