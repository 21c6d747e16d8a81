import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type LanguageForms, unbreakable } from './forms.js'

const MONTHS = 'January February March April May June July August September October November December'.split(
  ' ',
)

function title(addressee: Addressee): string {
  const office = {
    permanentRepresentative: 'Permanent Representative',
    permanentObserver: 'Permanent Observer',
    representative: 'Representative',
  }[addressee.role]
  return `${office} ${addressee.stateNames.of} to the United Nations`
}

export const en: LanguageForms = {
  locale: 'en',
  direction: 'ltr',
  missionName: MISSION_NAME_FORMS.en,
  addressee(addressee) {
    if (addressee.kind === 'vacant')
      return [addressee.missionName, "For the attention of the Chargé d'affaires a.i."]
    if (addressee.kind === 'unknown' || !addressee.head)
      return [`The ${title(addressee)}`, addressee.missionName]
    // @NOTE a head of mission is "H.E." in the address whatever the Blue Book's honorific says
    // (it prints "Mr." for some): the salutation says "Your Excellency" anyway.
    const nameLine = ['H.E.', addressee.honorific.rest, addressee.head.name].filter(Boolean).join(' ')
    return [nameLine, title(addressee), addressee.missionName]
  },
  salutation: (addressee) => (addressee.kind === 'vacant' ? 'Excellency,' : 'Your Excellency,'),
  courtesyClose: (plural) =>
    `Please accept, Excellency, the assurances of ${plural ? 'our' : 'my'} highest consideration.`,
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    return unbreakable(`${day} ${MONTHS[month - 1]} ${year}`)
  },
  dateLine: (date, city) => (city ? `${city}, ${date}` : date),
  referenceLine: (reference) => `Ref.: ${reference}`,
  subjectLine: (subject) => `Subject: ${subject}`,
  campaignName: 'Code Blue campaign',
  headquartersCity: 'New York',
}
