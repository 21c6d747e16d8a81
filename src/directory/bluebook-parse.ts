import type { Membership } from '../db/schema.js'
import { trimEndWhere, trimStartWhere } from '../lib/text-safety.js'
import { type BlueBookStaff, headOfMission, parseStaff } from './bluebook-staff.js'
import { cleanText, nameKey, straightenApostrophes } from './bluebook-text.js'
import type { MissionDetails, MissionHead } from './mission-details.js'

// Reads the UN Blue Book JSON (see ../shared/reference/README.md) into mission details. Pure.

/** The input is not a Blue Book (not JSON, truncated, the wrong shape). The message is one line. */
export class BlueBookFormatError extends Error {
  constructor(message: string) {
    super(`not a Blue Book: ${message.replace(/\s+/g, ' ').trim()}`)
    this.name = 'BlueBookFormatError'
  }
}

/** The mission fields an entry states. An absent key: the file says nothing, keep what we have. */
export type StatedDetails = Partial<Omit<MissionDetails, 'head'>>

/** A member or observer state's entry in `countries`, with its staff from `bluebooks`. */
export interface BlueBookEntry {
  /** `MC_EntityBB`, repaired; empty if the file gives none. */
  name: string
  /** `MC_EntityLong` and `MC_EntityShort`, repaired (other names to match by). */
  otherNames: string[]
  membership: Membership
  details: StatedDetails
  staff: BlueBookStaff[]
  /** From `staff`; null when the file lists no staff for the mission (head not stated). */
  head: MissionHead | null
}

/** Staff rows whose mission name matches no entry in `countries` (e.g. "United Kingdom"). */
export interface UnattachedStaff {
  missionName: string
  staff: BlueBookStaff[]
}

export interface BlueBook {
  entries: BlueBookEntry[]
  /** Entries of other categories (organisations, agencies): skipped. */
  otherEntities: string[]
  unattachedStaff: UnattachedStaff[]
  /** Oddities repaired or dropped, one line each, for the report. */
  warnings: string[]
}

/** Parses the Blue Book JSON text; throws BlueBookFormatError when it is not one. */
export function parseBlueBook(text: string): BlueBook {
  const root = parseJson(text)
  if (!isObject(root) || !Array.isArray(root.countries)) {
    throw new BlueBookFormatError('expected a JSON object with a "countries" array')
  }
  if (root.bluebooks !== undefined && !Array.isArray(root.bluebooks)) {
    throw new BlueBookFormatError('"bluebooks" is not an array')
  }
  const warnings: string[] = []
  const entries: BlueBookEntry[] = []
  const otherEntities: string[] = []
  const knownKeys = new Set<string>()
  root.countries.forEach((raw, index) => {
    if (!isObject(raw)) throw new BlueBookFormatError(`countries[${index}] is not an object`)
    if (typeof raw.MC_EntityBB !== 'string') {
      throw new BlueBookFormatError(`countries[${index}] has no MC_EntityBB`)
    }
    const name = cleanText(raw.MC_EntityBB)
    knownKeys.add(nameKey(name))
    const membership = membershipOf(raw.MC_Category)
    if (!membership) otherEntities.push(name || `countries[${index}]`)
    else entries.push(parseEntry(raw, name, membership, index, warnings))
  })
  if (entries.length === 0) throw new BlueBookFormatError('"countries" lists no member or observer state')

  const staff = ((root.bluebooks as unknown[] | undefined) ?? []).map((row, index) => {
    if (!isObject(row)) throw new BlueBookFormatError(`bluebooks[${index}] is not an object`)
    if (typeof row.BB_Mission_bluebook !== 'string') {
      throw new BlueBookFormatError(`bluebooks[${index}] has no BB_Mission_bluebook`)
    }
    return parseStaff({ ...row, BB_Mission_bluebook: row.BB_Mission_bluebook })
  })
  const entryByKey = new Map<string, BlueBookEntry>()
  for (const entry of entries) if (entry.name) entryByKey.set(nameKey(entry.name), entry)
  const unattached = new Map<string, UnattachedStaff>()
  for (const person of staff) {
    const key = nameKey(person.missionName)
    const entry = entryByKey.get(key)
    if (entry) entry.staff.push(person)
    else if (key && !knownKeys.has(key)) {
      const group = unattached.get(key) ?? { missionName: person.missionName, staff: [] }
      group.staff.push(person)
      unattached.set(key, group)
    }
  }
  // @NOTE the importer decides again once staff filed under other spellings has joined in.
  for (const entry of entries) entry.head = headOfMission(entry.staff).head
  return { entries, otherEntities, unattachedStaff: [...unattached.values()], warnings }
}

function parseJson(text: string): unknown {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) throw new BlueBookFormatError('the file is empty')
  try {
    return JSON.parse(body)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new BlueBookFormatError(`the file is not valid JSON, perhaps truncated (${detail})`)
  }
}

/** MC_Category: 1 member state, 2 non-member observer state; numbers may come as strings. */
function membershipOf(category: unknown): Membership | null {
  const value =
    typeof category === 'number' ? category : typeof category === 'string' ? Number(category.trim()) : NaN
  if (value === 1) return 'member'
  if (value === 2) return 'observer'
  return null
}

function parseEntry(
  raw: Record<string, unknown>,
  name: string,
  membership: Membership,
  index: number,
  warnings: string[],
): BlueBookEntry {
  const field = (key: string): string | undefined => {
    const value = raw[key]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return repairLines(value)
    if (typeof value === 'number') return String(value)
    throw new BlueBookFormatError(`countries[${index}].${key} is not text`)
  }
  const label = name || `countries[${index}]`
  const details: StatedDetails = {}
  const address = field('MC_Address')
  if (address !== undefined) Object.assign(details, parseAddress(address, label, warnings))
  const phone = field('MC_Telephone')
  if (phone !== undefined) details.phone = parsePhones(phone)
  const fax = field('MC_Telefax')
  if (fax !== undefined) details.fax = parsePhones(fax)
  const emails = field('MC_eMail')
  if (emails !== undefined) details.emails = parseEmails(emails)
  const website = field('MC_WebSite')
  if (website !== undefined) details.website = parseWebsite(website, label, warnings)
  const languages = field('MC_UNCorrespondenceLanguage')
  if (languages !== undefined) details.languages = parseLanguages(languages, label, warnings)
  const otherNames = [field('MC_EntityLong'), field('MC_EntityShort')]
    .map((n) => (n === undefined ? '' : cleanText(n)))
    .filter((n) => n && n !== name)
  return { name, otherNames, membership, details, staff: [], head: null }
}

/** Each line repaired and trimmed, blank lines dropped, "\n" between the rest (CRLF, CR, LF alike). */
function repairLines(text: string): string {
  return cleanLines(text).join('\n')
}

function cleanLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map(cleanText)
    .filter((line) => line !== '')
}

const CITY_LINE = /^(?:.*,\s*)?([A-Za-z][A-Za-z .'-]*),\s*(?:NY|New York)\.?\s+\d{5}(?:-\d{4})?$/
/** A name line ends the mission's name ("... to the United Nations"); at most this many lines. */
const NAME_END = /\bUnited Nations$/i
const MAX_NAME_LINES = 4

/**
 * MC_Address: the mission's name (wrapped over up to four lines: joined), then street lines,
 * then "New York, NY 100xx". A second address after the first city line (Lao PDR's annex,
 * Ethiopia's extension office) is dropped with a warning: letters go to the main address.
 */
export function parseAddress(
  text: string,
  label: string,
  warnings: string[] = [],
): Pick<StatedDetails, 'name' | 'city' | 'addressLines'> {
  const lines = cleanLines(text).map(straightenApostrophes)
  if (lines.length === 0) return {}
  let nameLines = 1
  for (let i = 0; i < Math.min(lines.length, MAX_NAME_LINES); i++) {
    if (CITY_LINE.test(lines[i]!)) break
    if (NAME_END.test(lines[i]!)) {
      nameLines = i + 1
      break
    }
  }
  const name = lines.slice(0, nameLines).join(' ')
  const rest = lines.slice(nameLines)
  const cityAt = rest.findIndex((line) => CITY_LINE.test(line))
  if (cityAt < 0) {
    warnings.push(`${label}: no "New York, NY" line in the address`)
    return { name, city: 'New York', addressLines: rest }
  }
  const extra = rest.slice(cityAt + 1)
  if (extra.length > 0) warnings.push(`${label}: second address dropped: ${extra.join(' / ')}`)
  const city = CITY_LINE.exec(rest[cityAt]!)![1]!.trim()
  return { name, city, addressLines: rest.slice(0, cityAt + 1) }
}

/** Several numbers (one a line, or with commas) kept in one text, "; " between them. */
export function parsePhones(text: string): string | null {
  if (/^none\b/i.test(text.trim())) return null
  const numbers = text
    .split(/\n|;/)
    .map((n) => trimEndWhere(n.replace(/(\d)-\s+(\d)/g, '$1-$2'), isSeparator).trim())
    .filter(Boolean)
  return numbers.length > 0 ? numbers.join('; ') : null
}

const isSeparator = (char: string): boolean => char === ',' || char === ';' || /\s/.test(char)
// What wraps an address in running text: "(a@b.org)", "<a@b.org>.", "'a@b.org':".
const isOpening = (char: string): boolean => '(<["\''.includes(char)
const isClosing = (char: string): boolean => ')>]"\'.:'.includes(char)

const PLAUSIBLE_EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/

/** Every plausible address in the field, first spelling kept where two differ only by case. */
export function parseEmails(text: string): string[] {
  const seen = new Set<string>()
  const emails: string[] = []
  for (const token of text.split(/[;,/\s]+/)) {
    const email = trimEndWhere(trimStartWhere(token, isOpening), isClosing)
    if (!PLAUSIBLE_EMAIL.test(email) || seen.has(email.toLowerCase())) continue
    seen.add(email.toLowerCase())
    emails.push(email)
  }
  return emails
}

/** The first address in the field, with a scheme ("http\n//x" lost its colon upstream). */
export function parseWebsite(text: string, label = '', warnings: string[] = []): string | null {
  const first = text.replace(/\b(https?):?\s*\/\//gi, '$1://').split(/\s+/)[0] ?? ''
  if (!first) return null
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(first) ? first : `https://${first}`
  try {
    const parsed = new URL(url)
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.includes('.')) {
      return url
    }
  } catch {
    // reported below
  }
  warnings.push(`${label}: website "${first}" is not an address: dropped`)
  return null
}

const LANGUAGE_CODES: Readonly<Record<string, string>> = { english: 'en', french: 'fr', spanish: 'es' }

/** "English", "French; English", "English/French", "English\French" -> codes in file order. */
export function parseLanguages(text: string, label = '', warnings: string[] = []): string[] {
  const codes: string[] = []
  // Separators first, then " and " once runs of spaces are single: no pattern that could try
  // "\s+and" from each space of a long run.
  const words = text.split(/[/;\\,\n]+/).flatMap((part) => part.replace(/\s+/g, ' ').split(' and '))
  for (const word of words) {
    const name = word.trim()
    if (!name) continue
    const code = LANGUAGE_CODES[name.toLowerCase()]
    if (!code) warnings.push(`${label}: correspondence language "${name}" is not English, French or Spanish`)
    else if (!codes.includes(code)) codes.push(code)
  }
  return codes
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
