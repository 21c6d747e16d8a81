import type { StateNameForms } from '../directory/index.js'
import { ar } from './forms/ar.js'
import { en } from './forms/en.js'
import { es } from './forms/es.js'
import {
  type Addressee,
  type AddresseeHead,
  type AddresseeKind,
  type HeadRole,
  headRole,
  type LanguageForms,
  parseHonorific,
} from './forms/forms.js'
import { fr } from './forms/fr.js'
import { ru } from './forms/ru.js'
import { zh } from './forms/zh.js'
import type { LetterLanguage } from './letter-document.js'

// The letter's fixed forms in its language: each language's module in forms/ writes them; this
// module picks the language's and adds what is the same in all (the street lines, the country).

export type { Addressee, AddresseeHead, AddresseeKind, Gender, Honorific } from './forms/forms.js'
export { parseHonorific } from './forms/forms.js'

const FORMS: Record<LetterLanguage, LanguageForms> = { en, fr, es, ar, zh, ru }

export function formsFor(language: LetterLanguage): LanguageForms {
  return FORMS[language]
}

export interface AddresseeFacts {
  kind: AddresseeKind
  head: AddresseeHead | null
  /** The directory's (English) mission name. */
  missionName: string
  observerState: boolean
  stateNames: StateNameForms
}

/** The addressee in the letter's language: the mission named in it, the head's office and honorific. */
export function addresseeIn(language: LetterLanguage, facts: AddresseeFacts): Addressee {
  const role: HeadRole = headRole(facts.head?.function, facts.observerState)
  return {
    kind: facts.kind,
    head: facts.head,
    honorific: parseHonorific(facts.head?.honorific ?? null),
    role,
    missionName: FORMS[language].missionName(facts.stateNames, role) ?? facts.missionName,
    stateNames: facts.stateNames,
  }
}

/**
 * The addressee block, as it shows through the envelope window: the head and their title, the
 * mission, its street lines, "New York, NY 100xx", and the country for senders abroad. The street
 * lines stay as the postal service reads them, in English, whatever the letter's language.
 */
export function recipientLines(
  language: LetterLanguage,
  addressee: Addressee,
  addressLines: readonly string[],
  senderAbroad: boolean,
): string[] {
  const lines = FORMS[language].addressee(addressee)
  lines.push(...(addressLines.length > 0 ? addressLines : ['New York, NY']))
  if (senderAbroad) lines.push('United States of America')
  return lines
}

export function salutation(language: LetterLanguage, addressee: Addressee): string {
  return FORMS[language].salutation(addressee)
}

export function courtesyClose(language: LetterLanguage, plural: boolean): string {
  return FORMS[language].courtesyClose(plural)
}

/** Long date alone, in the letter's language (a follow-up's mention of an earlier letter). */
export function writtenDate(language: LetterLanguage, isoDate: string): string {
  return FORMS[language].longDate(isoDate)
}

/** "Nairobi, 29 November 2026" / "Nairobi, le 29 novembre 2026" / "Nairobi, 29 de noviembre de 2026". */
export function dateLine(language: LetterLanguage, isoDate: string, city: string | null): string {
  return FORMS[language].dateLine(writtenDate(language, isoDate), city)
}

export function referenceLine(language: LetterLanguage, reference: string): string {
  return FORMS[language].referenceLine(reference)
}

export function subjectLine(language: LetterLanguage, subject: string): string {
  return FORMS[language].subjectLine(subject)
}
