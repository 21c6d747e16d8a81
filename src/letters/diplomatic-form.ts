import type { LetterLanguage } from './letter-document.js'
import type { StateNameForms } from './state-names.js'

// The fixed forms of diplomatic correspondence, per language: how the head of a Permanent
// Mission is named and titled, greeted and taken leave of. Templates write the body; this module
// writes everything around it, so that every letter gets these right whatever its template.

export type Gender = 'female' | 'male' | 'unknown'

/** The head of mission as a letter sees it (a snapshot of the directory's head). */
export interface AddresseeHead {
  honorific: string | null
  name: string | null
  function: string | null
}

/** Who the letter is addressed to: a named head, a vacant post, or a head not yet known. */
export type AddresseeKind = 'head' | 'vacant' | 'unknown'

export interface Addressee {
  kind: AddresseeKind
  head: AddresseeHead | null
  missionName: string
  addressLines: string[]
  /** The state's names in the letter's language. */
  stateNames: StateNameForms
}

/** What the Blue Book's honorific tells: "H.E. Mrs." is a woman, "H.E. Archbishop" a prelate. */
export interface Honorific {
  excellency: boolean
  gender: Gender
  /** A title kept as it is in every language ("Dame", "Dr."), or a prelate's. */
  style: 'plain' | 'dame' | 'prelate' | 'other'
  /** The honorific without "H.E.", as given ("Mr.", "Dame", "Archbishop"). */
  rest: string
}

const FEMALE = /^(mrs|ms|miss|madam|madame|mme|dame|sheikha|princess|lady)\.?$/i
const MALE = /^(mr|sir|sheikh|prince|lord|m)\.?$/i
const PRELATE = /^(archbishop|monsignor|msgr|bishop|cardinal)\.?$/i

export function parseHonorific(honorific: string | null): Honorific {
  const text = (honorific ?? '').replace(/\s+/g, ' ').trim()
  const excellency = /^(H\.\s?E\.|His Excellency|Her Excellency)/i.test(text)
  const rest = text.replace(/^(H\.\s?E\.|His Excellency|Her Excellency)\s*/i, '').trim()
  const word = rest.split(' ')[0] ?? ''
  if (/^dame$/i.test(word)) return { excellency, gender: 'female', style: 'dame', rest }
  if (PRELATE.test(word)) return { excellency, gender: 'male', style: 'prelate', rest }
  if (FEMALE.test(word)) return { excellency, gender: 'female', style: 'plain', rest }
  if (MALE.test(word)) return { excellency, gender: 'male', style: 'plain', rest }
  return { excellency, gender: 'unknown', style: rest ? 'other' : 'plain', rest }
}

/** "Permanent Representative of France to the United Nations", in the letter's language. */
export function headTitle(language: LetterLanguage, addressee: Addressee, gender: Gender): string {
  const fn = (addressee.head?.function ?? 'Permanent Representative').toLowerCase()
  const role: 'representative' | 'permanentRepresentative' | 'permanentObserver' = fn.includes('observer')
    ? 'permanentObserver'
    : fn.includes('permanent')
      ? 'permanentRepresentative'
      : 'representative'
  const of = addressee.stateNames.of
  const f = gender === 'female'
  switch (language) {
    case 'en': {
      const word = {
        representative: 'Representative',
        permanentRepresentative: 'Permanent Representative',
        permanentObserver: 'Permanent Observer',
      }[role]
      return `${word} ${of} to the United Nations`
    }
    case 'fr': {
      const word = {
        representative: f ? 'Représentante' : 'Représentant',
        permanentRepresentative: f ? 'Représentante permanente' : 'Représentant permanent',
        permanentObserver: f ? 'Observatrice permanente' : 'Observateur permanent',
      }[role]
      return `${word} ${of} auprès de l'Organisation des Nations Unies`
    }
    case 'es': {
      const word = {
        representative: 'Representante',
        permanentRepresentative: 'Representante Permanente',
        permanentObserver: f ? 'Observadora Permanente' : 'Observador Permanente',
      }[role]
      return `${word} ${of} ante las Naciones Unidas`
    }
  }
}

/** The head's name with the honorific of the letter's language: "Son Excellence Madame X". */
export function headNameLine(language: LetterLanguage, head: AddresseeHead): string {
  const name = head.name ?? ''
  const h = parseHonorific(head.honorific)
  if (language === 'en') return [head.honorific?.trim(), name].filter(Boolean).join(' ')
  const keep = h.style === 'dame' || h.style === 'other' ? h.rest : ''
  if (language === 'fr') {
    const excellency = h.excellency ? 'Son Excellence ' : ''
    const civility =
      h.style === 'prelate'
        ? 'Monseigneur'
        : h.style === 'dame'
          ? 'Dame'
          : h.gender === 'female'
            ? 'Madame'
            : h.gender === 'male'
              ? 'Monsieur'
              : keep
    return `${excellency}${[civility, name].filter(Boolean).join(' ')}`
  }
  const female = h.gender === 'female'
  const excellency = h.excellency ? (female ? 'Excelentísima ' : 'Excelentísimo ') : ''
  const civility =
    h.style === 'prelate'
      ? 'Monseñor'
      : h.style === 'dame'
        ? 'Dame'
        : female
          ? 'Señora'
          : h.gender === 'male'
            ? 'Señor'
            : keep
  return `${excellency}${[civility, name].filter(Boolean).join(' ')}`.trim()
}

const ATTENTION_CHARGE: Record<LetterLanguage, string> = {
  en: "For the attention of the Chargé d'affaires a.i.",
  fr: "À l'attention du Chargé d'affaires a.i.",
  es: 'A la atención del Encargado de Negocios a.i.',
}

const THE_PERMANENT_REPRESENTATIVE: Record<LetterLanguage, (of: string) => string> = {
  en: (of) => `The Permanent Representative ${of} to the United Nations`,
  fr: (of) => `Le Représentant permanent ${of} auprès de l'Organisation des Nations Unies`,
  es: (of) => `Representante Permanente ${of} ante las Naciones Unidas`,
}

/**
 * The addressee block, as it shows through the envelope window: the head and their title, the
 * mission, its street lines, "New York, NY 100xx", and the country for senders abroad. A vacant
 * post: the mission, for the attention of the Chargé d'affaires a.i.
 */
export function recipientLines(
  language: LetterLanguage,
  addressee: Addressee,
  senderAbroad: boolean,
): string[] {
  const lines: string[] = []
  if (addressee.kind === 'head' && addressee.head) {
    const gender = parseHonorific(addressee.head.honorific).gender
    lines.push(
      headNameLine(language, addressee.head),
      headTitle(language, addressee, gender),
      addressee.missionName,
    )
  } else if (addressee.kind === 'vacant') {
    lines.push(addressee.missionName, ATTENTION_CHARGE[language])
  } else {
    lines.push(THE_PERMANENT_REPRESENTATIVE[language](addressee.stateNames.of), addressee.missionName)
  }
  lines.push(...(addressee.addressLines.length > 0 ? addressee.addressLines : ['New York, NY']))
  if (senderAbroad) lines.push('United States of America')
  return lines
}

/** "Your Excellency," / "Excellence," / "Excelentísimo Señor:" */
export function salutation(language: LetterLanguage, addressee: Addressee): string {
  // @NOTE a vacant post is greeted as UN practice greets a mission, "Excellency": the letter is
  // for whoever heads the mission, and the templates' body speaks to "Your Excellency" too.
  if (addressee.kind === 'vacant')
    return { en: 'Excellency,', fr: 'Excellence,', es: 'Excelencia:' }[language]
  if (language === 'en') return 'Your Excellency,'
  if (language === 'fr') return 'Excellence,'
  const h = parseHonorific(addressee.head?.honorific ?? null)
  if (addressee.kind === 'head' && h.style === 'prelate') return 'Excelentísimo Monseñor:'
  if (addressee.kind === 'head' && h.gender === 'female') return 'Excelentísima Señora:'
  if (addressee.kind === 'head' && h.gender === 'male') return 'Excelentísimo Señor:'
  return 'Excelencia:'
}

/** The courtesy formula; `plural` when an organization writes ("our" highest consideration). */
export function courtesyClose(language: LetterLanguage, plural: boolean): string {
  return {
    en: `Please accept, Excellency, the assurances of ${plural ? 'our' : 'my'} highest consideration.`,
    fr: `${plural ? 'Nous vous prions' : 'Je vous prie'} d'agréer, Excellence, l'assurance de ${plural ? 'notre' : 'ma'} très haute considération.`,
    es: `${plural ? 'Aprovechamos' : 'Aprovecho'} la oportunidad para reiterar a Vuestra Excelencia las seguridades de ${plural ? 'nuestra' : 'mi'} más alta y distinguida consideración.`,
  }[language]
}

const LOCALES: Record<LetterLanguage, string> = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' }
// Built once per language: a formatter costs far more to build than to use.
const LONG_DATE = Object.fromEntries(
  Object.entries(LOCALES).map(([language, locale]) => [
    language,
    new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  ]),
) as Record<LetterLanguage, Intl.DateTimeFormat>

/** "Nairobi, 29 November 2026" / "Nairobi, le 29 novembre 2026" / "Nairobi, 29 de noviembre de 2026". */
export function dateLine(language: LetterLanguage, isoDate: string, city: string | null): string {
  const date = new Date(`${isoDate.slice(0, 10)}T12:00:00Z`)
  let written = LONG_DATE[language].format(date)
  // French writes the first of the month as an ordinal: "le 1er juin".
  if (language === 'fr' && date.getUTCDate() === 1) written = written.replace(/^1 /, '1er ')
  if (!city) return written
  return language === 'fr' ? `${city}, le ${written}` : `${city}, ${written}`
}

/** Long date alone, in the letter's language (for a follow-up's mention of an earlier letter). */
export function writtenDate(language: LetterLanguage, isoDate: string): string {
  return dateLine(language, isoDate, null)
}

// French sets a narrow no-break space before a colon; the others do not.
export function referenceLine(language: LetterLanguage, reference: string): string {
  return { en: `Ref.: ${reference}`, fr: `Réf.\u00a0: ${reference}`, es: `Ref.: ${reference}` }[language]
}

export function subjectLine(language: LetterLanguage, subject: string): string {
  return { en: `Subject: ${subject}`, fr: `Objet\u00a0: ${subject}`, es: `Asunto: ${subject}` }[language]
}
