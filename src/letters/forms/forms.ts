import type { HeadRole, StateNameForms } from '../../directory/index.js'

export { type HeadRole, headRole } from '../../directory/index.js'

// The fixed forms of diplomatic correspondence, one module per language (en.ts, fr.ts, ...):
// how the head of a Permanent Mission is named and titled, greeted and taken leave of, how a date
// and a reference are written. Templates write the body; these write everything around it, so
// every letter gets them right whatever its template.

export type Gender = 'female' | 'male' | 'unknown'

/** The head of mission as a letter sees it (a snapshot of the directory's head). */
export interface AddresseeHead {
  honorific: string | null
  name: string | null
  function: string | null
}

/** Who the letter is addressed to: a named head, a vacant post, or a head not yet known. */
export type AddresseeKind = 'head' | 'vacant' | 'unknown'

/** What the Blue Book's honorific tells: "H.E. Mrs." is a woman, "H.E. Archbishop" a prelate. */
export interface Honorific {
  excellency: boolean
  gender: Gender
  /** A title kept as it is in every language ("Dame", "Dr."), or a prelate's. */
  style: 'plain' | 'dame' | 'prelate' | 'other'
  /** The honorific without "H.E.", as given ("Mr.", "Dame", "Archbishop"). */
  rest: string
}

export interface Addressee {
  kind: AddresseeKind
  head: AddresseeHead | null
  /** What the head's honorific tells (all false/unknown when there is no head). */
  honorific: Honorific
  role: HeadRole
  /** The mission's name in the letter's language. */
  missionName: string
  /** The state's names in the letter's language. */
  stateNames: StateNameForms
}

/** Everything a letter writes in a fixed form, in one language. */
export interface LanguageForms {
  /** BCP 47 tag for `lang` attributes, the PDF's /Lang, `Intl` and hyphenation. */
  readonly locale: string
  readonly direction: 'ltr' | 'rtl'
  /**
   * The mission's name in this language, built from the state's names ("Mission permanente de
   * la France auprès de l'Organisation des Nations Unies"); null keeps the directory's name.
   */
  missionName(names: StateNameForms, role: HeadRole): string | null
  /**
   * The address block's lines before the mission's street address: the head with honorific and
   * title and the mission; for a vacant post the mission and "for the attention of the Chargé
   * d'affaires a.i."; for an unknown head "The Permanent Representative of ..." and the mission.
   */
  addressee(addressee: Addressee): string[]
  /** "Your Excellency," / "Excellence," / "Excelentísimo Señor:" */
  salutation(addressee: Addressee): string
  /** The courtesy formula; `plural` when an organization or the campaign writes ("our"). */
  courtesyClose(plural: boolean): string
  /** The date alone, long form, never broken across lines: "4 de diciembre de 2026". */
  longDate(isoDate: string): string
  /** The date line with the writer's city: "Lyon, le 4 décembre 2026". */
  dateLine(longDate: string, city: string | null): string
  /** "Ref.: CB-7K3M9Q" */
  referenceLine(reference: string): string
  /** "Subject: ..." */
  subjectLine(subject: string): string
  /** The campaign's name as its letterhead shows it: "Code Blue campaign", "Campagne Code Blue". */
  readonly campaignName: string
  /** Where the campaign's own letters are dated: New York, in the letter's language. */
  readonly headquartersCity: string
}

const FEMALE = /^(mrs|ms|miss|madam|madame|mme|dame|sheikha|princess|lady)\.?$/i
const MALE = /^(mr|sir|sheikh|prince|lord|m)\.?$/i
const PRELATE = /^(archbishop|monsignor|msgr|bishop|cardinal)\.?$/i
const EXCELLENCY = /^(H\.\s?E\.|His Excellency|Her Excellency)\s*/i

export function parseHonorific(honorific: string | null): Honorific {
  const text = (honorific ?? '').replace(/\s+/g, ' ').trim()
  const excellency = EXCELLENCY.test(text)
  const rest = text.replace(EXCELLENCY, '').trim()
  const word = rest.split(' ')[0] ?? ''
  if (/^dame$/i.test(word)) return { excellency, gender: 'female', style: 'dame', rest }
  if (PRELATE.test(word)) return { excellency, gender: 'male', style: 'prelate', rest }
  if (FEMALE.test(word)) return { excellency, gender: 'female', style: 'plain', rest }
  if (MALE.test(word)) return { excellency, gender: 'male', style: 'plain', rest }
  return { excellency, gender: 'unknown', style: rest ? 'other' : 'plain', rest }
}

/** A long date's parts, for the languages whose own order `Intl` does not give as wanted. */
export function dateParts(isoDate: string): { day: number; month: number; year: number } {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number) as [number, number, number]
  return { day, month, year }
}

/** Spaces inside a date or a short title become no-break spaces: it never breaks across lines. */
export function unbreakable(text: string): string {
  return text.replace(/ /g, '\u00a0')
}
