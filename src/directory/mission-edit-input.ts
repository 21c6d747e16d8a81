import type { HeadStatus } from '../db/schema.js'
import {
  checkLength,
  type FieldErrors,
  fieldsOf,
  isCalendarDate,
  lines,
  listOf,
  oneLine,
} from '../lib/form-fields.js'
import { isPlausibleEmail } from '../lib/text-safety.js'
import type { MissionDetails, MissionHead } from './mission-details.js'

// What an organizer types into a mission's edit form, checked: every field at fault gets its
// message at once, keyed by the form field's name (which is also its element id).

export const MISSION_EDIT_LIMITS = {
  name: 200,
  city: 100,
  addressLine: 120,
  addressLines: 8,
  // Missions list several numbers with what each is for: the longest in the Blue Book is ~220.
  phone: 400,
  emails: 10,
  email: 254,
  website: 300,
  honorific: 60,
  headName: 160,
  headFunction: 120,
} as const

export const MISSION_LANGUAGES = ['en', 'fr', 'es'] as const
export const HEAD_STATUSES: readonly HeadStatus[] = ['filled', 'vacant', 'unknown']

/** The form's fields as text, to fill the form (from a version) or re-show it (as typed). */
export interface MissionFormValues {
  name: string
  city: string
  addressLines: string
  phone: string
  fax: string
  emails: string
  website: string
  languages: string[]
  headStatus: string
  headHonorific: string
  headName: string
  headFunction: string
  headCredentials: string
  /** The version the form was opened on: a save on top of a newer one is stopped. */
  baseVersion: string
}

/** The form's fields in page order (each is also its element's id). */
export const MISSION_FIELD_IDS = [
  'baseVersion',
  'name',
  'addressLines',
  'city',
  'phone',
  'fax',
  'emails',
  'website',
  'languages',
  'headStatus',
  'headHonorific',
  'headName',
  'headFunction',
  'headCredentials',
] as const

export interface MissionEdit {
  details: MissionDetails
  baseVersion: number | null
}

/** The form filled with a mission version's details. */
export function formValuesOf(details: MissionDetails, version: number): MissionFormValues {
  return {
    name: details.name,
    city: details.city,
    addressLines: details.addressLines.join('\n'),
    phone: details.phone ?? '',
    fax: details.fax ?? '',
    emails: details.emails.join('\n'),
    website: details.website ?? '',
    languages: [...details.languages],
    headStatus: details.head.status,
    headHonorific: details.head.honorific ?? '',
    headName: details.head.name ?? '',
    headFunction: details.head.function ?? '',
    headCredentials: details.head.credentialsPresented ?? '',
    baseVersion: String(version),
  }
}

/** The form as it was sent, for showing it again with its errors (never trusted beyond that). */
export function formValuesAsTyped(raw: unknown): MissionFormValues {
  const body = fieldsOf(raw)
  const text = (key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '')
  return {
    name: text('name'),
    city: text('city'),
    addressLines: text('addressLines'),
    phone: text('phone'),
    fax: text('fax'),
    emails: text('emails'),
    website: text('website'),
    languages: listOf(body.languages).filter((v): v is string => typeof v === 'string'),
    headStatus: text('headStatus'),
    headHonorific: text('headHonorific'),
    headName: text('headName'),
    headFunction: text('headFunction'),
    headCredentials: text('headCredentials'),
    baseVersion: text('baseVersion'),
  }
}

/** Checks the edit form; `today` (YYYY-MM-DD) is the latest day credentials may have been presented. */
export function parseMissionEdit(
  raw: unknown,
  today: string,
): { edit: MissionEdit } | { errors: FieldErrors } {
  const body = fieldsOf(raw)
  const errors: FieldErrors = {}
  const L = MISSION_EDIT_LIMITS
  const line = (field: string, label: string, max: number) => oneLine(body[field], field, label, max, errors)

  const name = line('name', 'The mission’s name', L.name)
  if (!name && !errors.name) errors.name = 'Give the mission’s name: letters are addressed to it.'
  const city = line('city', 'The city', L.city)
  if (!city && !errors.city) errors.city = 'Give the city (New York for almost every mission).'
  const addressLines = lines(
    body.addressLines,
    'addressLines',
    'The address',
    L.addressLine * L.addressLines,
    errors,
  )
    .map((l) => checkLength(l, L.addressLine, 'addressLines', 'Each address line', errors))
    .filter((l) => l !== '')
  if (addressLines.length > L.addressLines && !errors.addressLines)
    errors.addressLines = `The address can have at most ${L.addressLines} lines (it has ${addressLines.length}).`
  const phone = line('phone', 'The telephone', L.phone)
  if (phone && !/\d/.test(phone)) errors.phone = 'The telephone should contain a number.'
  const fax = line('fax', 'The fax', L.phone)
  if (fax && !/\d/.test(fax)) errors.fax = 'The fax should contain a number.'
  const emails = parseEmails(body.emails, errors)
  const website = parseWebsite(line('website', 'The website', L.website), errors)
  const languages = parseLanguages(body.languages, errors)
  const head = parseHead(body, today, errors)

  let baseVersion: number | null = null
  const base = typeof body.baseVersion === 'string' ? body.baseVersion.trim() : ''
  if (/^\d{1,9}$/.test(base)) baseVersion = Number(base)
  else if (base !== '')
    errors.baseVersion = 'The form is damaged: reload the page and make your changes again.'

  if (Object.keys(errors).length > 0 || !head) return { errors }
  return {
    edit: {
      details: { name: name!, city: city!, addressLines, phone, fax, emails, website, languages, head },
      baseVersion,
    },
  }
}

function parseHead(body: Record<string, unknown>, today: string, errors: FieldErrors): MissionHead | null {
  const status = typeof body.headStatus === 'string' ? body.headStatus.trim() : ''
  if (!HEAD_STATUSES.includes(status as HeadStatus)) {
    errors.headStatus = 'Choose whether the post is filled, vacant or not known.'
    return null
  }
  // @NOTE a vacant or unknown post has no head: what was typed for one is dropped, not stored.
  if (status !== 'filled') {
    return {
      status: status as HeadStatus,
      honorific: null,
      name: null,
      function: null,
      credentialsPresented: null,
    }
  }
  const L = MISSION_EDIT_LIMITS
  const honorific = oneLine(body.headHonorific, 'headHonorific', 'The honorific', L.honorific, errors)
  const name = oneLine(body.headName, 'headName', 'The head’s name', L.headName, errors)
  if (!name && !errors.headName) errors.headName = 'Give the head of mission’s name, or choose “vacant”.'
  const fn = oneLine(body.headFunction, 'headFunction', 'The function', L.headFunction, errors)
  const credentials = oneLine(body.headCredentials, 'headCredentials', 'The date', 10, errors)
  if (credentials && !isCalendarDate(credentials))
    errors.headCredentials = 'The date credentials were presented must be a real date written YYYY-MM-DD.'
  else if (credentials && credentials > today)
    errors.headCredentials = `The date credentials were presented cannot be in the future (today is ${today}).`
  return { status: 'filled', honorific, name, function: fn, credentialsPresented: credentials }
}

function parseEmails(value: unknown, errors: FieldErrors): string[] {
  const tokens = lines(
    value,
    'emails',
    'The e-mail addresses',
    MISSION_EDIT_LIMITS.emails * MISSION_EDIT_LIMITS.email,
    errors,
  ).flatMap((l) => l.split(/[\s,;]+/))
  const seen = new Set<string>()
  const emails: string[] = []
  const bad: string[] = []
  for (const token of tokens.filter(Boolean)) {
    if (!isPlausibleEmail(token)) bad.push(token)
    else if (!seen.has(token.toLowerCase())) {
      seen.add(token.toLowerCase())
      emails.push(token)
    }
  }
  if (errors.emails) return []
  if (bad.length > 0) {
    const quoted = bad.slice(0, 3).map((b) => `“${b.slice(0, 60)}”`)
    errors.emails = `${quoted.join(', ')} ${bad.length === 1 ? 'does' : 'do'} not look like an e-mail address: one address per line.`
  } else if (emails.length > MISSION_EDIT_LIMITS.emails) {
    errors.emails = `At most ${MISSION_EDIT_LIMITS.emails} e-mail addresses (there are ${emails.length}).`
  }
  return emails
}

/** An http(s) address with a dotted host; "www.x.org" gets https://. Kept as typed otherwise. */
function parseWebsite(text: string | null, errors: FieldErrors): string | null {
  if (!text || errors.website) return null
  const url = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`
  let parsed: URL | null = null
  try {
    parsed = new URL(url)
  } catch {
    parsed = null
  }
  const ok =
    parsed !== null &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    parsed.hostname.includes('.') &&
    !parsed.username &&
    !parsed.password &&
    !/\s/.test(url)
  if (!ok) {
    errors.website = 'The website must be a web address such as https://www.example.org.'
    return null
  }
  return url
}

function parseLanguages(value: unknown, errors: FieldErrors): string[] {
  const codes: string[] = []
  for (const item of listOf(value)) {
    if (typeof item !== 'string' || !(MISSION_LANGUAGES as readonly string[]).includes(item)) {
      errors.languages = 'Choose the correspondence languages among English, French and Spanish.'
      return []
    }
    if (!codes.includes(item)) codes.push(item)
  }
  return codes
}
