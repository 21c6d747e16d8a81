import countries from 'i18n-iso-countries'
import { type FieldErrors, multiLine, oneLine, problemMessage, rawLimit } from '../lib/form-fields.js'
import { type InputNotice, parseSourceCode } from '../lib/source-code.js'
import { findTextProblem, isPlausibleEmail, normalizeLine } from '../lib/text-safety.js'
import { LETTER_LANGUAGES, type LetterLanguage, PAPER_SIZES, type PaperSize } from './letter-document.js'
import { describeCharacter, uncoveredCharacters } from './typesetting/font-runs.js'

/** What a supporter gives, checked and normalized. */
export interface SupporterInput {
  name: string
  organization: string | null
  role: string | null
  addressLines: string[]
  city: string | null
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null
  email: string | null
}

export interface LetterInput {
  templateId: string | null
  language: LetterLanguage | null
  paperSize: PaperSize | null
  supporter: SupporterInput
  personalNote: string | null
  /** The writer ticked the offer to join the campaign (and receive its updates); never ticked in advance. */
  joinCampaign: boolean
  /** The partner's or channel's code the writer came from (field `source`); null when none or not valid. */
  source: string | null
  /** What was set aside rather than refused (a source code that is not valid), for the page to say. */
  notices: InputNotice[]
}

/** Field -> message, for every field at fault ("supporter.name": "Please give your name."). */
export type { FieldErrors, InputNotice }

export const LIMITS = {
  name: 120,
  organization: 160,
  role: 120,
  addressLine: 120,
  addressLines: 4,
  city: 100,
  email: 254,
  personalNote: 1500,
} as const

/**
 * Checks a letter request from JSON (`{ supporter: { name } }`) or a form (`supporter.name`),
 * collecting a message for every field at fault rather than stopping at the first. `source` (JSON
 * and form alike) is never at fault: one that is not valid is left out, with a notice in
 * `input.notices`.
 */
export function parseLetterInput(raw: unknown): { input: LetterInput } | { errors: FieldErrors } {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const nested = (body.supporter && typeof body.supporter === 'object' ? body.supporter : {}) as Record<
    string,
    unknown
  >
  const pick = (field: string): unknown => (field in nested ? nested[field] : body[`supporter.${field}`])
  const errors: FieldErrors = {}

  const line = (field: string, value: unknown, max: number, label: string): string | null =>
    oneLine(value, field, label, max, errors)

  const name = line('supporter.name', pick('name'), LIMITS.name, 'Your name')
  if (!name && !errors['supporter.name'])
    errors['supporter.name'] = 'Please give your name: a letter needs a signature.'
  const organization = line(
    'supporter.organization',
    pick('organization'),
    LIMITS.organization,
    'The organization',
  )
  const role = line('supporter.role', pick('role'), LIMITS.role, 'Your role')
  const city = line('supporter.city', pick('city'), LIMITS.city, 'The city')
  const addressLines = parseAddressLines(pick('addressLines'), errors)

  const countryRaw = line('supporter.country', pick('country'), 2, 'The country')
  const country = countryRaw?.toUpperCase() ?? null
  if (country && !countries.isValid(country)) errors['supporter.country'] = 'Choose a country from the list.'

  const emailRaw = line('supporter.email', pick('email'), LIMITS.email, 'The e-mail address')
  if (emailRaw && !isPlausibleEmail(emailRaw))
    errors['supporter.email'] = 'This does not look like an e-mail address.'

  const personalNote = parsePersonalNote(body.personalNote, errors)

  const joinCampaign = joinOfferTicked(body)
  if (!joinCampaign && !isUnticked(body.joinCampaign))
    errors.joinCampaign =
      'The box to join the campaign is either ticked or not: please send the form from the page.'
  else if (joinCampaign && !emailRaw && !errors['supporter.email'])
    errors.joinCampaign =
      'To join the campaign, give your e-mail address above: the link to confirm is sent there.'

  checkPrintable(errors, [
    ['supporter.name', 'Your name', [name]],
    ['supporter.organization', 'The organization', [organization]],
    ['supporter.role', 'Your role', [role]],
    ['supporter.city', 'The city', [city]],
    ['supporter.addressLines', 'The address', addressLines],
    ['personalNote', 'Your paragraph', [personalNote]],
  ])

  const templateId = line('template', body.template, 40, 'The template')
  const language = line('language', body.language, 2, 'The language')
  if (language && !LETTER_LANGUAGES.includes(language as LetterLanguage)) {
    errors.language =
      'Choose Arabic (ar), Chinese (zh), English (en), French (fr), Russian (ru) or Spanish (es).'
  }
  const paperSize = line('paperSize', body.paperSize, 6, 'The paper size')
  if (paperSize && !PAPER_SIZES.includes(paperSize as PaperSize))
    errors.paperSize = 'Choose A4 (a4) or US Letter (letter).'

  // Never an error: a source code that is not valid is dropped, and the writer told.
  const { source, notice } = parseSourceCode(body.source)

  if (Object.keys(errors).length > 0) return { errors }
  return {
    input: {
      templateId,
      language: language as LetterLanguage | null,
      paperSize: paperSize as PaperSize | null,
      supporter: {
        name: name!,
        organization,
        role,
        addressLines,
        city,
        country: country && countries.isValid(country) ? country : null,
        email: emailRaw,
      },
      personalNote,
      joinCampaign,
      source,
      notices: notice ? [notice] : [],
    },
  }
}

/**
 * Every character of the printed fields must be one the letter's fonts can print: a character no
 * bundled font has (an emoji, a script without a Noto face here) would print as an empty box, on
 * the preview, the PDF and the copy sent to the mission alike. Such a field is refused, naming the
 * characters.
 */
function checkPrintable(errors: FieldErrors, fields: Array<[string, string, Array<string | null>]>): void {
  for (const [field, label, values] of fields) {
    if (errors[field]) continue
    const missing = uncoveredCharacters(values.filter(Boolean).join('\n'))
    if (missing.length === 0) continue
    const shown = missing.slice(0, 5).map(describeCharacter).join(', ')
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : ''
    errors[field] =
      `${label} has ${missing.length === 1 ? 'a character' : 'characters'} the letter cannot print: ${shown}${more}. Please remove ${missing.length === 1 ? 'it' : 'them'} or write ${missing.length === 1 ? 'it' : 'them'} out in words.`
  }
}

/** Whether the letter form's offer to join the campaign was ticked ("yes"). */
export function joinOfferTicked(raw: unknown): boolean {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).joinCampaign : undefined
  return value === 'yes' || value === true
}

function isUnticked(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === false
}

function parseAddressLines(value: unknown, errors: FieldErrors): string[] {
  const field = 'supporter.addressLines'
  if (value === undefined || value === null || value === '') return []
  const lines = typeof value === 'string' ? value.split(/\r?\n/) : Array.isArray(value) ? value : null
  if (!lines || lines.some((l) => typeof l !== 'string')) {
    errors[field] = 'The address must be text, one line per line.'
    return []
  }
  // As typed, before any regex runs on it (form-fields.ts rawLimit): a few lines of a few words.
  const typed = (lines as string[]).reduce((sum, l) => sum + l.length, 0)
  if (
    lines.length > rawLimit(LIMITS.addressLines) ||
    typed > rawLimit(LIMITS.addressLine * LIMITS.addressLines)
  ) {
    errors[field] =
      `The address can have at most ${LIMITS.addressLines} lines of ${LIMITS.addressLine} characters.`
    return []
  }
  const problem = lines.map((l) => findTextProblem(l as string, false)).find(Boolean)
  if (problem) {
    errors[field] = problemMessage('The address', problem)
    return []
  }
  const kept = (lines as string[]).map(normalizeLine).filter(Boolean)
  if (kept.length > LIMITS.addressLines)
    errors[field] = `The address can have at most ${LIMITS.addressLines} lines.`
  else if (kept.some((l) => l.length > LIMITS.addressLine)) {
    errors[field] = `Each address line can be at most ${LIMITS.addressLine} characters.`
  }
  return kept
}

function parsePersonalNote(value: unknown, errors: FieldErrors): string | null {
  return multiLine(value, 'personalNote', 'Your paragraph', LIMITS.personalNote, errors) || null
}
