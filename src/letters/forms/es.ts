import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type LanguageForms, unbreakable } from './forms.js'

const MONTHS =
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'.split(' ')

function title(addressee: Addressee): string {
  const office = {
    permanentRepresentative: 'Representante Permanente',
    permanentObserver:
      addressee.honorific.gender === 'female' ? 'Observadora Permanente' : 'Observador Permanente',
    representative: 'Representante',
  }[addressee.role]
  return `${office} ${addressee.stateNames.of} ante las Naciones Unidas`
}

// "Excelentísimo Señor", "Excelentísima Señora", "Excelentísimo Monseñor"; where the Blue Book
// does not tell, the neutral "Su Excelencia" with the title it gives.
function nameLine(addressee: Addressee, name: string): string {
  const h = addressee.honorific
  const words =
    h.style === 'prelate'
      ? ['Excelentísimo Monseñor']
      : h.style === 'dame'
        ? ['Excelentísima Dame']
        : h.gender === 'female'
          ? ['Excelentísima Señora']
          : h.gender === 'male'
            ? ['Excelentísimo Señor']
            : ['Su Excelencia', h.rest]
  return [...words, name].filter(Boolean).join(' ')
}

export const es: LanguageForms = {
  locale: 'es',
  direction: 'ltr',
  missionName: MISSION_NAME_FORMS.es,
  addressee(addressee) {
    if (addressee.kind === 'vacant')
      return [addressee.missionName, 'A la atención del Encargado de Negocios a.i.']
    if (addressee.kind === 'unknown' || !addressee.head) {
      const office =
        addressee.role === 'permanentObserver' ? 'Observador Permanente' : 'Representante Permanente'
      return [`${office} ${addressee.stateNames.of} ante las Naciones Unidas`, addressee.missionName]
    }
    return [nameLine(addressee, addressee.head.name ?? ''), title(addressee), addressee.missionName]
  },
  salutation(addressee) {
    const h = addressee.honorific
    if (addressee.kind !== 'head') return 'Excelencia:'
    if (h.style === 'prelate') return 'Excelentísimo Monseñor:'
    if (h.gender === 'female') return 'Excelentísima Señora:'
    if (h.gender === 'male') return 'Excelentísimo Señor:'
    return 'Excelencia:'
  },
  courtesyClose: (plural) =>
    `${plural ? 'Aprovechamos' : 'Aprovecho'} la oportunidad para reiterar a Vuestra Excelencia las seguridades de ${plural ? 'nuestra' : 'mi'} más alta y distinguida consideración.`,
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    return unbreakable(`${day} de ${MONTHS[month - 1]} de ${year}`)
  },
  dateLine: (date, city) => (city ? `${city}, ${date}` : date),
  referenceLine: (reference) => `Ref.: ${reference}`,
  subjectLine: (subject) => `Asunto: ${subject}`,
  campaignName: 'Campaña Code Blue',
  headquartersCity: 'Nueva York',
}
