import countries from 'i18n-iso-countries'
import { english, type Translate } from '../i18n/catalogue.js'
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
 * `input.notices`. Messages in `t`'s language (English, the JSON API's, by default).
 */
export function parseLetterInput(
  raw: unknown,
  t: Translate = english,
): { input: LetterInput } | { errors: FieldErrors } {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const nested = (body.supporter && typeof body.supporter === 'object' ? body.supporter : {}) as Record<
    string,
    unknown
  >
  const pick = (field: string): unknown => (field in nested ? nested[field] : body[`supporter.${field}`])
  const errors: FieldErrors = {}

  const label = (name: string): string => t(`write.input.labels.${name}`)
  const line = (field: string, value: unknown, max: number, labelName: string): string | null =>
    oneLine(value, field, label(labelName), max, errors, t)

  const name = line('supporter.name', pick('name'), LIMITS.name, 'name')
  if (!name && !errors['supporter.name']) errors['supporter.name'] = t('write.input.nameMissing')
  const organization = line(
    'supporter.organization',
    pick('organization'),
    LIMITS.organization,
    'organization',
  )
  const role = line('supporter.role', pick('role'), LIMITS.role, 'role')
  const city = line('supporter.city', pick('city'), LIMITS.city, 'city')
  const addressLines = parseAddressLines(pick('addressLines'), errors, t)

  const countryRaw = line('supporter.country', pick('country'), 2, 'country')
  const country = countryRaw?.toUpperCase() ?? null
  if (country && !countries.isValid(country)) errors['supporter.country'] = t('write.input.countryUnknown')

  const emailRaw = line('supporter.email', pick('email'), LIMITS.email, 'email')
  if (emailRaw && !isPlausibleEmail(emailRaw)) errors['supporter.email'] = t('write.input.emailInvalid')

  const personalNote = parsePersonalNote(body.personalNote, errors, t)

  const joinCampaign = joinOfferTicked(body)
  if (!joinCampaign && !isUnticked(body.joinCampaign)) errors.joinCampaign = t('write.input.joinNotBoolean')
  else if (joinCampaign && !emailRaw && !errors['supporter.email'])
    errors.joinCampaign = t('write.input.joinNeedsEmail')

  checkPrintable(
    errors,
    [
      ['supporter.name', label('name'), [name]],
      ['supporter.organization', label('organization'), [organization]],
      ['supporter.role', label('role'), [role]],
      ['supporter.city', label('city'), [city]],
      ['supporter.addressLines', label('address'), addressLines],
      ['personalNote', label('personalNote'), [personalNote]],
    ],
    t,
  )

  const templateId = line('template', body.template, 40, 'template')
  const language = line('language', body.language, 2, 'language')
  if (language && !LETTER_LANGUAGES.includes(language as LetterLanguage)) {
    errors.language = t('write.input.languageUnknown')
  }
  const paperSize = line('paperSize', body.paperSize, 6, 'paperSize')
  if (paperSize && !PAPER_SIZES.includes(paperSize as PaperSize))
    errors.paperSize = t('write.input.paperSizeUnknown')

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
function checkPrintable(
  errors: FieldErrors,
  fields: Array<[string, string, Array<string | null>]>,
  t: Translate,
): void {
  const SHOWN = 5
  for (const [field, label, values] of fields) {
    if (errors[field]) continue
    const missing = uncoveredCharacters(values.filter(Boolean).join('\n'))
    if (missing.length === 0) continue
    // Character names ("U+1F600 GRINNING FACE") are Unicode's, the same in every language.
    const characters = missing.slice(0, SHOWN).map(describeCharacter).join(', ')
    errors[field] =
      missing.length > SHOWN
        ? t('write.input.unprintableMore', { label, characters, more: missing.length - SHOWN })
        : t('write.input.unprintable', { label, characters, count: missing.length })
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

function parseAddressLines(value: unknown, errors: FieldErrors, t: Translate): string[] {
  const field = 'supporter.addressLines'
  if (value === undefined || value === null || value === '') return []
  const lines = typeof value === 'string' ? value.split(/\r?\n/) : Array.isArray(value) ? value : null
  if (!lines || lines.some((l) => typeof l !== 'string')) {
    errors[field] = t('write.input.addressNotText')
    return []
  }
  // As typed, before any regex runs on it (form-fields.ts rawLimit): a few lines of a few words.
  const typed = (lines as string[]).reduce((sum, l) => sum + l.length, 0)
  if (
    lines.length > rawLimit(LIMITS.addressLines) ||
    typed > rawLimit(LIMITS.addressLine * LIMITS.addressLines)
  ) {
    errors[field] = t('write.input.addressTooBig', { lines: LIMITS.addressLines, chars: LIMITS.addressLine })
    return []
  }
  const problem = lines.map((l) => findTextProblem(l as string, false)).find(Boolean)
  if (problem) {
    errors[field] = problemMessage(t('write.input.labels.address'), problem, t)
    return []
  }
  const kept = (lines as string[]).map(normalizeLine).filter(Boolean)
  if (kept.length > LIMITS.addressLines)
    errors[field] = t('write.input.addressTooManyLines', { lines: LIMITS.addressLines })
  else if (kept.some((l) => l.length > LIMITS.addressLine)) {
    errors[field] = t('write.input.addressLineTooLong', { chars: LIMITS.addressLine })
  }
  return kept
}

function parsePersonalNote(value: unknown, errors: FieldErrors, t: Translate): string | null {
  return (
    multiLine(value, 'personalNote', t('write.input.labels.personalNote'), LIMITS.personalNote, errors, t) ||
    null
  )
}
