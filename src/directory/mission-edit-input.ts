import type { HeadStatus } from '../db/schema.js'
import { findTextProblem, isPlausibleEmail, normalizeLine, type TextProblem } from '../lib/text-safety.js'
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

export type FieldErrors = Record<string, string>

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
  const addressLines = lines(body.addressLines, 'addressLines', 'The address', errors)
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

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

// The Blue Book upload form: a file (one, at most MAX_UPLOAD_BYTES) and the day it describes.

/** The largest Blue Book file accepted (the real ones are ~415 KB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

export interface UploadInput {
  /** { fileName, content: Buffer, truncated } from the multipart form, or anything a client sent. */
  file: unknown
  sourceDate: unknown
}

export interface CheckedUpload {
  fileName: string
  /** The file as UTF-8 text; null when refused. */
  text: string | null
  sourceDate: string | null
  errors: FieldErrors
}

/** Checks an uploaded Blue Book's form (the file itself is read by the importer). */
export function parseUploadInput(input: UploadInput, today: string): CheckedUpload {
  const errors: Record<string, string> = {}
  const upload = (input.file && typeof input.file === 'object' ? input.file : {}) as Record<string, unknown>
  const fileName = safeFileName(upload.fileName)
  let text: string | null = null
  if (!Buffer.isBuffer(upload.content) || upload.content.length === 0) {
    errors.file = 'Choose the Blue Book file (JSON) to upload.'
  } else if (upload.truncated === true || upload.content.length > MAX_UPLOAD_BYTES) {
    errors.file = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; a Blue Book is about 400 KB. Is it the right file?`
  } else {
    try {
      // ignoreBOM keeps the text as the import command reads it, so both fingerprint it alike.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(upload.content)
    } catch {
      errors.file = `The file “${fileName}” is not UTF-8 text: the Blue Book is a JSON file.`
    }
  }
  const typed = typeof input.sourceDate === 'string' ? input.sourceDate.trim() : ''
  const sourceDate = typed || dateInName(fileName)
  if (!sourceDate) {
    errors.sourceDate = 'Give the day the file describes (YYYY-MM-DD): its name does not say.'
  } else if (!isCalendarDate(sourceDate)) {
    errors.sourceDate = 'The file’s date must be a real date written YYYY-MM-DD.'
  } else if (sourceDate > today) {
    errors.sourceDate = `The file’s date cannot be in the future (today is ${today}).`
  }
  return { fileName, text, sourceDate, errors }
}

/** The name the browser gave, without folders or invisible characters: it is shown as a source. */
function safeFileName(name: unknown): string {
  const base = typeof name === 'string' ? (name.split(/[/\\]/).pop() ?? '') : ''
  const clean = [...base].filter((c) => findTextProblem(c, false) === null).join('')
  return normalizeLine(clean).slice(0, 200) || 'upload.json'
}

/** A YYYY-MM-DD in the file's name ("un-bluebook-2024-12-18.json"), if it is a real day. */
function dateInName(name: string): string | null {
  const found = /(\d{4}-\d{2}-\d{2})/.exec(name)?.[1]
  return found && isCalendarDate(found) ? found : null
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
  const tokens = lines(value, 'emails', 'The e-mail addresses', errors).flatMap((l) => l.split(/[\s,;]+/))
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

/** An optional one-line field: null when empty or refused (with its message). */
function oneLine(
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
function lines(value: unknown, field: string, label: string, errors: FieldErrors): string[] {
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

function checkLength(text: string, max: number, field: string, label: string, errors: FieldErrors): string {
  if (text.length <= max) return text
  errors[field] ??= `${label} can be at most ${max} characters (it has ${text.length}).`
  return ''
}

function problemMessage(label: string, problem: TextProblem): string {
  if (problem === 'line_break') return `${label} must be on one line.`
  if (problem === 'bidi')
    return `${label} contains invisible text-direction characters; please type it again.`
  return `${label} contains invisible control characters; please type it again.`
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

function fieldsOf(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
}
