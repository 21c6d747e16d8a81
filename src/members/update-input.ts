import countries from 'i18n-iso-countries'
import type { MemberKind } from '../db/schema.js'
import { ValidationError } from '../lib/errors.js'
import { type FieldErrors, fieldsOf, multiLine, oneLine } from '../lib/form-fields.js'
import { isMemberHelp } from './member-helps.js'

// The campaign update form: a subject, a plain-text body, and its audience (the members list's
// filters, less the status: an update only ever goes to confirmed members who agreed to it).

export const UPDATE_SUBJECT_MAX = 200
export const UPDATE_BODY_MAX = 20_000
export const MEMBER_KINDS: readonly MemberKind[] = ['individual', 'organization']

/** Who an update is for, besides being confirmed and consenting. */
export interface Audience {
  kind?: MemberKind
  /** ISO 3166 alpha-2, upper case. */
  country?: string
  /** A way to help (member-helps.ts code). */
  help?: string
}

export interface UpdateInput {
  subject: string
  body: string
  audience: Audience
}

/** The form's fields as typed, to show them again beside their errors. */
export interface UpdateFormValues {
  subject: string
  body: string
  kind: string
  country: string
  help: string
}

/** The update a form describes; a ValidationError naming each field otherwise. */
export function parseUpdateInput(raw: unknown): UpdateInput {
  const fields = fieldsOf(raw)
  const errors: FieldErrors = {}
  const subject = oneLine(fields.subject, 'subject', 'The subject', UPDATE_SUBJECT_MAX, errors)
  if (!subject && !errors.subject) errors.subject = 'Write a subject: it is the first thing members see.'
  const body = multiLine(fields.body, 'body', 'The message', UPDATE_BODY_MAX, errors) ?? ''
  if (!body && !errors.body) errors.body = 'Write the message itself.'
  const audience = parseAudience(fields, errors)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'The update was not saved.')
  return { subject: subject ?? '', body, audience }
}

/** An audience from form fields (kind, country, help), each refused value named in `errors`. */
export function parseAudience(fields: Record<string, unknown>, errors: FieldErrors): Audience {
  const audience: Audience = {}
  const kind = text(fields.kind)
  if (kind) {
    if ((MEMBER_KINDS as readonly string[]).includes(kind)) audience.kind = kind as MemberKind
    else errors.kind = 'Choose individuals, organizations, or both.'
  }
  const country = text(fields.country).toUpperCase()
  if (country) {
    if (/^[A-Z]{2}$/.test(country) && countries.isValid(country)) audience.country = country
    else errors.country = 'Choose a country from the list.'
  }
  const help = text(fields.help)
  if (help) {
    if (isMemberHelp(help)) audience.help = help
    else errors.help = 'Choose a way to help from the list.'
  }
  return audience
}

/**
 * A stored audience (campaign_update.audience), read as it was saved. @NOTE not checked again: a
 * way to help withdrawn since must still narrow the audience as it did, never widen it.
 */
export function audienceFromJson(json: string): Audience {
  let raw: Record<string, unknown> = {}
  try {
    raw = fieldsOf(JSON.parse(json))
  } catch {
    raw = {}
  }
  const audience: Audience = {}
  if (text(raw.kind)) audience.kind = text(raw.kind) as MemberKind
  if (text(raw.country)) audience.country = text(raw.country)
  if (text(raw.help)) audience.help = text(raw.help)
  return audience
}

/** The form's values as typed (or an update's, for a new draft made from it). */
export function updateFormValues(raw: unknown): UpdateFormValues {
  const fields = fieldsOf(raw)
  return {
    subject: text(fields.subject),
    body: typeof fields.body === 'string' ? fields.body : '',
    kind: text(fields.kind),
    country: text(fields.country).toUpperCase(),
    help: text(fields.help),
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}
