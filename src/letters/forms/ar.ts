import { MISSION_NAME_FORMS } from '../../directory/index.js'
import { type Addressee, dateParts, type LanguageForms, unbreakable } from './forms.js'

// Arabic forms, as UN Arabic correspondence writes them: "الممثل الدائم لفرنسا لدى الأمم المتحدة",
// "البعثة الدائمة لفرنسا لدى الأمم المتحدة", dates as "1 حزيران/يونيه 2026" (both month names,
// the Levantine and the Egyptian, joined by a slash; Western digits, as UN Arabic documents use).
// The head's name stays in Latin letters, as the Blue Book gives it.
// Gender: a woman is "سعادة السيدة" and "الممثلة الدائمة", a man "سعادة السيد" and "الممثل الدائم".
// Where the Blue Book does not tell, the name line is "سعادة" and the name, with no word that
// agrees, and the title is the office's own (masculine, unmarked) form, as for an unknown head;
// the salutation is then the neutral "تحية طيبة وبعد،". The ambassador is "سعادتكم" (plural of
// respect, right for both), so the courtesy close needs no gender either.

const MONTHS = [
  'كانون الثاني/يناير',
  'شباط/فبراير',
  'آذار/مارس',
  'نيسان/أبريل',
  'أيار/مايو',
  'حزيران/يونيه',
  'تموز/يوليه',
  'آب/أغسطس',
  'أيلول/سبتمبر',
  'تشرين الأول/أكتوبر',
  'تشرين الثاني/نوفمبر',
  'كانون الأول/ديسمبر',
]
const AT_THE_UN = 'لدى الأمم المتحدة'
const NEUTRAL_GREETING = 'تحية طيبة وبعد،'

/**
 * "الممثل الدائم لفرنسا لدى الأمم المتحدة", "المراقبة الدائمة لدولة فلسطين ...", and the United
 * States' "ممثل الولايات المتحدة الأمريكية لدى الأمم المتحدة" (a construct: the name follows the
 * office directly, as its genitive).
 */
function title(addressee: Addressee): string {
  const f = addressee.honorific.gender === 'female'
  const names = addressee.stateNames
  switch (addressee.role) {
    case 'permanentRepresentative':
      return `${f ? 'الممثلة الدائمة' : 'الممثل الدائم'} ${names.of} ${AT_THE_UN}`
    case 'permanentObserver':
      return `${f ? 'المراقبة الدائمة' : 'المراقب الدائم'} ${names.of} ${AT_THE_UN}`
    case 'representative':
      return `${f ? 'ممثلة' : 'ممثل'} ${names.withArticle} ${AT_THE_UN}`
  }
}

// "سعادة السيد", "سعادة السيدة" (a Dame too), "سعادة رئيس الأساقفة"; where the Blue Book does not
// tell the gender, "سعادة" alone (a doctor's title kept as the neutral abbreviation "د.").
function nameLine(addressee: Addressee, name: string | null): string {
  const h = addressee.honorific
  const words =
    h.style === 'prelate'
      ? ['سعادة رئيس الأساقفة']
      : h.gender === 'female'
        ? ['سعادة السيدة']
        : h.gender === 'male'
          ? ['سعادة السيد']
          : ['سعادة', /^dr\.?$/i.test(h.rest.split(' ')[0] ?? '') ? 'د.' : '']
  return [...words, name].filter(Boolean).join(' ')
}

// The campaign's letters are dated from New York: Arabic names the city in its own letters.
const CITIES: Record<string, string> = { 'new york': 'نيويورك' }

export const ar: LanguageForms = {
  locale: 'ar',
  direction: 'rtl',
  missionName: MISSION_NAME_FORMS.ar,
  addressee(addressee) {
    if (addressee.kind === 'vacant') return [addressee.missionName, 'لعناية القائم بالأعمال بالنيابة']
    // An unknown head: the office's own form, "الممثل الدائم لـ... لدى الأمم المتحدة".
    if (addressee.kind === 'unknown' || !addressee.head) return [title(addressee), addressee.missionName]
    // A head of mission is "سعادة" whatever the Blue Book's honorific says.
    return [nameLine(addressee, addressee.head.name), title(addressee), addressee.missionName]
  },
  salutation(addressee) {
    if (addressee.kind !== 'head') return NEUTRAL_GREETING
    if (addressee.honorific.gender === 'female') return 'صاحبة السعادة،'
    if (addressee.honorific.gender === 'male') return 'صاحب السعادة،'
    return NEUTRAL_GREETING
  },
  // "I avail myself of this opportunity to express to Your Excellency my highest consideration":
  // the first person carries no gender in Arabic, and "سعادتكم" serves a man and a woman alike.
  courtesyClose: (plural) =>
    plural
      ? 'ونغتنم هذه الفرصة لنعرب لسعادتكم عن أسمى آيات الاحترام والتقدير.'
      : 'وأغتنم هذه الفرصة لأعرب لسعادتكم عن أسمى آيات الاحترام والتقدير.',
  longDate(isoDate) {
    const { day, month, year } = dateParts(isoDate)
    return unbreakable(`${day} ${MONTHS[month - 1]} ${year}`)
  },
  dateLine: (date, city) => {
    if (!city) return date
    return `${CITIES[city.trim().toLowerCase()] ?? city}، ${date}`
  },
  referenceLine: (reference) => `المرجع: ${reference}`,
  subjectLine: (subject) => `الموضوع: ${subject}`,
  campaignName: 'حملة Code Blue',
  headquartersCity: 'نيويورك',
}
