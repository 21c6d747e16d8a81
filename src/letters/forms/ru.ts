import type { StateNameForms } from '../../directory/index.js'
import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type HeadRole, type LanguageForms, unbreakable } from './forms.js'

// Russian as the UN's Russian service and Russian diplomatic practice write it: the address block
// in the dative ("Его Превосходительству господину ..., Постоянному представителю ..."), the
// mission in the nominative, "Ваше Превосходительство!" as the salutation, the date with "года".
// The UN writes "е" for "ё" ("Ее Превосходительство", "Объединенных"); so do these forms.

// Month names in the genitive, as a date needs them: "4 декабря 2026 года".
const MONTHS = 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря'.split(' ')
const AT_THE_UN = 'при Организации Объединенных Наций'

// An observer State's office and mission take "от": "Постоянный наблюдатель от Святейшего Престола".
const stateOf = (names: StateNameForms, role: HeadRole): string =>
  role === 'permanentObserver' ? `от ${names.of}` : names.of

/** The head's office in the dative, as the address block writes it. Russian offices keep one form for women and men. */
function title(addressee: Addressee): string {
  const office = {
    permanentRepresentative: 'Постоянному представителю',
    permanentObserver: 'Постоянному наблюдателю',
    representative: 'Представителю',
  }[addressee.role]
  return `${office} ${stateOf(addressee.stateNames, addressee.role)} ${AT_THE_UN}`
}

/** The mission in the dative, when the letter goes to the mission itself (a vacant post). */
function missionDative(addressee: Addressee): string {
  const mission = {
    permanentRepresentative: 'Постоянному представительству',
    permanentObserver: 'Постоянной миссии наблюдателя',
    representative: 'Представительству',
  }[addressee.role]
  return `${mission} ${stateOf(addressee.stateNames, addressee.role)} ${AT_THE_UN}`
}

// The title the Blue Book gives, in the dative: "господину", "госпоже", "архиепископу" ...
const TITLES: Record<string, string> = {
  archbishop: 'архиепископу',
  bishop: 'епископу',
  cardinal: 'кардиналу',
  monsignor: 'монсеньору',
  msgr: 'монсеньору',
  sheikh: 'шейху',
  sheikha: 'шейхе',
  prince: 'принцу',
  princess: 'принцессе',
  sir: 'сэру',
  lord: 'лорду',
  lady: 'леди',
  dr: 'доктору',
  prof: 'профессору',
  professor: 'профессору',
}

function civility(addressee: Addressee): string | null {
  const h = addressee.honorific
  const word = (h.rest.split(' ')[0] ?? '').replace(/\.$/, '').toLowerCase()
  if (TITLES[word]) return TITLES[word]
  if (h.gender === 'female') return 'госпоже'
  if (h.gender === 'male') return 'господину'
  return null
}

/** "Его Превосходительству", "Ее Превосходительству"; both where the Blue Book does not tell. */
function excellency(addressee: Addressee): string {
  const g = addressee.honorific.gender
  return g === 'female'
    ? 'Ее Превосходительству'
    : g === 'male'
      ? 'Его Превосходительству'
      : 'Его/Ее Превосходительству'
}

export const ru: LanguageForms = {
  locale: 'ru',
  direction: 'ltr',
  missionName: MISSION_NAME_FORMS.ru,
  addressee(addressee) {
    if (addressee.kind === 'vacant')
      return [missionDative(addressee), 'Вниманию Временного поверенного в делах']
    if (addressee.kind === 'unknown' || !addressee.head) return [title(addressee), addressee.missionName]
    // A head of mission is an Excellency whatever the Blue Book's honorific says; the name stays in
    // Latin letters as the Blue Book gives it (it is not declined).
    const nameLine = [excellency(addressee), civility(addressee), addressee.head.name]
      .filter(Boolean)
      .join(' ')
    return [nameLine, title(addressee), addressee.missionName]
  },
  // The body addresses "Ваше Превосходительство" too, whoever heads the mission.
  salutation: () => 'Ваше Превосходительство!',
  courtesyClose: (plural) =>
    `Примите, Ваше Превосходительство, уверения в ${plural ? 'нашем' : 'моем'} самом высоком уважении.`,
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    return unbreakable(`${day} ${MONTHS[month - 1]} ${year} года`)
  },
  dateLine: (date, city) => (city ? `${city}, ${date}` : date),
  // "Исх. №" (outgoing number) is how a Russian letter gives its own reference; "№" keeps its number.
  referenceLine: (reference) => `Исх.\u00a0№\u00a0${reference}`,
  // A Russian letter heads its text with the subject itself, "О ...", without a label.
  subjectLine: (subject) => subject,
  campaignName: 'Кампания Code Blue',
  headquartersCity: 'Нью-Йорк',
}
