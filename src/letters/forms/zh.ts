import type { StateNameForms } from '../../directory/index.js'
import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type HeadRole, type LanguageForms, unbreakable } from './forms.js'

// Chinese (Simplified) forms, as UN Chinese correspondence writes them: the office before the
// name ("法国常驻联合国代表"), then the name with its rank and "阁下" ("Jérôme Bonnafont 大使阁下").
// Chinese titles do not change with gender: "大使阁下" is right for a woman, a man, or a head
// whose honorific the Blue Book does not tell, so the same forms serve all three.
// The head's name stays in Latin letters, as the Blue Book gives it; a space parts it from the
// Chinese words around it. Punctuation is full-width (，：。).

const AT_THE_UN = '联合国'

/** "法国常驻联合国代表", "教廷常驻联合国观察员", "美利坚合众国驻联合国代表". */
function office(names: StateNameForms, role: HeadRole): string {
  return {
    permanentRepresentative: `${names.of}常驻${AT_THE_UN}代表`,
    permanentObserver: `${names.of}常驻${AT_THE_UN}观察员`,
    representative: `${names.of}驻${AT_THE_UN}代表`,
  }[role]
}

// The office alone, for the salutation of a head not yet known.
const OFFICE_SHORT: Record<HeadRole, string> = {
  permanentRepresentative: '常驻代表',
  permanentObserver: '常驻观察员',
  representative: '代表',
}

// A prelate is called by his rank ("大主教阁下"); every other head of mission is an ambassador.
const PRELATES: Record<string, string> = {
  archbishop: '大主教',
  bishop: '主教',
  cardinal: '枢机主教',
  monsignor: '蒙席',
  msgr: '蒙席',
}

function rank(addressee: Addressee): string {
  const h = addressee.honorific
  if (h.style !== 'prelate') return '大使'
  const word = (h.rest.split(' ')[0] ?? '').replace(/\.$/, '').toLowerCase()
  return PRELATES[word] ?? '大使'
}

// The city of the campaign's own letters; a supporter's city is printed as it was typed.
const CITIES: Record<string, string> = { 'New York': '纽约' }

export const zh: LanguageForms = {
  locale: 'zh-Hans',
  direction: 'ltr',
  missionName: MISSION_NAME_FORMS.zh,
  addressee(addressee) {
    if (addressee.kind === 'vacant') return [addressee.missionName, '敬请转交临时代办']
    if (addressee.kind === 'unknown' || !addressee.head)
      return [`${office(addressee.stateNames, addressee.role)}阁下`, addressee.missionName]
    // A head of mission is "阁下" whatever honorific the Blue Book prints.
    const name = addressee.head.name?.trim()
    return [
      office(addressee.stateNames, addressee.role),
      name ? `${name} ${rank(addressee)}阁下` : `${rank(addressee)}阁下`,
      addressee.missionName,
    ]
  },
  salutation(addressee) {
    if (addressee.kind === 'vacant') return '尊敬的临时代办阁下：'
    if (addressee.kind === 'unknown' || !addressee.head) return `尊敬的${OFFICE_SHORT[addressee.role]}阁下：`
    return `尊敬的${rank(addressee)}阁下：`
  },
  courtesyClose: (plural) => `${plural ? '我们' : '我'}谨借此机会，向阁下致以最崇高的敬意。`,
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    // "2026年12月4日": no space inside; unbreakable() keeps it so should one ever be added.
    return unbreakable(`${year}年${month}月${day}日`)
  },
  dateLine: (date, city) => (city ? `${CITIES[city] ?? city}，${date}` : date),
  referenceLine: (reference) => `编号：${reference}`,
  subjectLine: (subject) => `事由：${subject}`,
  campaignName: 'Code Blue运动',
  headquartersCity: '纽约',
}
