import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type LanguageForms, unbreakable } from './forms.js'

const MONTHS = 'janvier février mars avril mai juin juillet août septembre octobre novembre décembre'.split(
  ' ',
)
const AT_THE_UN = 'auprès de l’Organisation des Nations Unies'

function title(addressee: Addressee): string {
  const f = addressee.honorific.gender === 'female'
  const office = {
    permanentRepresentative: f ? 'Représentante permanente' : 'Représentant permanent',
    permanentObserver: f ? 'Observatrice permanente' : 'Observateur permanent',
    representative: f ? 'Représentante' : 'Représentant',
  }[addressee.role]
  return `${office} ${addressee.stateNames.of} ${AT_THE_UN}`
}

// "Madame", "Monsieur", "Monseigneur", "Dame"; a title the Blue Book gives otherwise is kept.
function civility(addressee: Addressee): string {
  const h = addressee.honorific
  if (h.style === 'prelate') return 'Monseigneur'
  if (h.style === 'dame') return 'Dame'
  if (h.gender === 'female') return 'Madame'
  if (h.gender === 'male') return 'Monsieur'
  return h.rest
}

export const fr: LanguageForms = {
  locale: 'fr',
  direction: 'ltr',
  missionName: MISSION_NAME_FORMS.fr,
  addressee(addressee) {
    if (addressee.kind === 'vacant') return [addressee.missionName, 'À l’attention du Chargé d’affaires a.i.']
    if (addressee.kind === 'unknown' || !addressee.head) {
      const office =
        addressee.role === 'permanentObserver' ? 'L’Observateur permanent' : 'Le Représentant permanent'
      return [`${office} ${addressee.stateNames.of} ${AT_THE_UN}`, addressee.missionName]
    }
    // A head of mission is "Son Excellence" whatever the Blue Book's honorific says.
    const nameLine = ['Son Excellence', civility(addressee), addressee.head.name].filter(Boolean).join(' ')
    return [nameLine, title(addressee), addressee.missionName]
  },
  salutation: () => 'Excellence,',
  courtesyClose: (plural) =>
    `${plural ? 'Nous vous prions' : 'Je vous prie'} d’agréer, Excellence, l’assurance de ${plural ? 'notre' : 'ma'} très haute considération.`,
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    // French writes the first of the month as an ordinal: "1er juin".
    return unbreakable(`${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`)
  },
  dateLine: (date, city) => (city ? `${city}, le\u00a0${date}` : date),
  // French sets a no-break space before a colon.
  referenceLine: (reference) => `Réf.\u00a0: ${reference}`,
  subjectLine: (subject) => `Objet\u00a0: ${subject}`,
  campaignName: 'Campagne Code Blue',
  headquartersCity: 'New York',
}
