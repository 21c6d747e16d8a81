import type { LetterLanguage } from '../../src/letters/letter-document.js'
import { hashOf } from './demo-random.js'

// The synthetic supporters of the demo database: plainly fake names and example.org addresses,
// living in a few cities, so nobody mistakes a demo letter for a real one.

export interface Home {
  city: string
  /** ISO 3166-1 alpha-2. */
  country: string
  language: LetterLanguage
  street(n: number): string
  /** How many supporters live here, relatively. */
  weight: number
}

const en = (name: string) => (n: number) => `${n} ${name}`
const fr = (name: string) => (n: number) => `${n}, ${name}`
const es = (name: string) => (n: number) => `${name} ${n}`

export const HOMES: readonly Home[] = [
  { city: 'New York', country: 'US', language: 'en', street: en('Example Avenue'), weight: 14 },
  { city: 'Chicago', country: 'US', language: 'en', street: en('Demo Street'), weight: 5 },
  { city: 'Toronto', country: 'CA', language: 'en', street: en('Sample Road'), weight: 5 },
  { city: 'London', country: 'GB', language: 'en', street: en('Example Lane'), weight: 9 },
  { city: 'Dublin', country: 'IE', language: 'en', street: en('Demo Terrace'), weight: 2 },
  { city: 'Nairobi', country: 'KE', language: 'en', street: en('Sample Close'), weight: 4 },
  { city: 'Lagos', country: 'NG', language: 'en', street: en('Example Crescent'), weight: 3 },
  { city: 'Johannesburg', country: 'ZA', language: 'en', street: en('Demo Drive'), weight: 3 },
  { city: 'New Delhi', country: 'IN', language: 'en', street: en('Sample Marg'), weight: 3 },
  { city: 'Manila', country: 'PH', language: 'en', street: en('Example Street'), weight: 2 },
  { city: 'Sydney', country: 'AU', language: 'en', street: en('Demo Parade'), weight: 3 },
  { city: 'Paris', country: 'FR', language: 'fr', street: fr("rue de l'Exemple"), weight: 7 },
  { city: 'Lyon', country: 'FR', language: 'fr', street: fr('avenue de la Démonstration'), weight: 2 },
  { city: 'Montréal', country: 'CA', language: 'fr', street: fr('rue Exemple'), weight: 3 },
  { city: 'Bruxelles', country: 'BE', language: 'fr', street: fr("place de l'Essai"), weight: 2 },
  { city: 'Genève', country: 'CH', language: 'fr', street: fr("chemin de l'Exemple"), weight: 2 },
  { city: 'Dakar', country: 'SN', language: 'fr', street: fr('route de la Démo'), weight: 2 },
  { city: 'Kinshasa', country: 'CD', language: 'fr', street: fr("avenue de l'Exemple"), weight: 2 },
  { city: 'Madrid', country: 'ES', language: 'es', street: es('Calle del Ejemplo'), weight: 4 },
  { city: 'Ciudad de México', country: 'MX', language: 'es', street: es('Avenida Ejemplo'), weight: 4 },
  { city: 'Buenos Aires', country: 'AR', language: 'es', street: es('Calle Demostración'), weight: 3 },
  { city: 'Bogotá', country: 'CO', language: 'es', street: es('Carrera Ejemplo'), weight: 2 },
  { city: 'Lima', country: 'PE', language: 'es', street: es('Jirón Ejemplo'), weight: 2 },
]

export interface DemoSupporter {
  /** 1-based, the number in the name. */
  number: number
  name: string
  email: string
  home: number
  /** Writes for an organization (its name, a role), on the organization's letter. */
  organization: string | null
  role: string | null
  addressLines: string[]
}

/** The name and address every demo letter carries: what tells the seeder's letters from real ones. */
export const DEMO_NAME_PREFIX = 'Demo Supporter '
export const DEMO_EMAIL_PATTERN = 'demo.supporter.%@example.org'

/** Supporter `n` (1-based): its traits hang on the seed and the number alone. */
export function demoSupporter(
  seed: string,
  n: number,
  digits: number,
  homeWeights: Float64Array,
): DemoSupporter {
  const padded = String(n).padStart(digits, '0')
  const h = hashOf(seed, n)
  const home = pickHome(h, homeWeights)
  // One supporter in twelve writes for an organization.
  const forOrganization = h % 12 === 0
  return {
    number: n,
    name: `${DEMO_NAME_PREFIX}${padded}`,
    email: `demo.supporter.${padded}@example.org`,
    home,
    organization: forOrganization ? `Demo Organization ${padded}` : null,
    role: forOrganization ? 'Coordinator' : null,
    addressLines: [HOMES[home]!.street(1 + ((h >>> 8) % 180))],
  }
}

function pickHome(h: number, cumulative: Float64Array): number {
  const target = ((h >>> 12) / 1048576) * cumulative[cumulative.length - 1]!
  const index = cumulative.findIndex((c) => c > target)
  return index < 0 ? cumulative.length - 1 : index
}

/** The paragraph some supporters add, in the letter's language. */
export const PERSONAL_NOTES: Partial<Record<LetterLanguage, readonly string[]>> = {
  en: [
    'I have followed reports of these abuses for years, and I believe the victims deserve courts that are independent of the institution whose personnel harmed them.',
    'As a teacher, I think of the children named in these reports. They deserve to see justice done where they live.',
    'My family has served in peacekeeping missions, and I know most personnel serve with honour. An independent Mechanism would protect their reputation too.',
    'I would be grateful if your Mission could let me know whether your Government has taken a position on this proposal.',
    'Accountability should not depend on the nationality of the person accused or on the goodwill of the organization that employs them.',
  ],
  fr: [
    "Je suis depuis des années les rapports sur ces abus, et je crois que les victimes ont droit à des tribunaux indépendants de l'institution dont le personnel leur a fait du tort.",
    'Enseignante, je pense aux enfants dont parlent ces rapports. Ils ont droit à ce que justice soit rendue là où ils vivent.',
    "L'impunité ne devrait dépendre ni de la nationalité de la personne mise en cause ni de la bonne volonté de l'organisation qui l'emploie.",
    'Je vous serais reconnaissant de me faire savoir si votre Gouvernement a pris position sur cette proposition.',
  ],
  es: [
    'Sigo desde hace años los informes sobre estos abusos y creo que las víctimas merecen tribunales independientes de la institución cuyo personal les causó daño.',
    'Como docente, pienso en los niños mencionados en estos informes. Merecen que se haga justicia donde viven.',
    'La rendición de cuentas no debería depender de la nacionalidad de la persona acusada ni de la buena voluntad de la organización que la emplea.',
    'Le agradecería que su Misión me informara si su Gobierno ha adoptado una posición sobre esta propuesta.',
  ],
  ar: [
    'أتابع منذ سنوات التقارير عن هذه الانتهاكات، وأرى أن من حق الضحايا أن ينصفهم قضاء مستقل عن المؤسسة التي ألحق أفرادها الأذى بهم.',
    'بصفتي معلّمة، أفكّر في الأطفال الذين تذكرهم هذه التقارير. من حقهم أن يروا العدالة تتحقق حيث يعيشون.',
    'لا ينبغي أن تتوقف المساءلة على جنسية المتهم، ولا على حسن نية المنظمة التي يعمل لديها.',
    'وأكون ممتنًا لو تفضلت بعثتكم الموقرة بإبلاغي بما إذا كانت حكومتكم قد حددت موقفها من هذا المقترح.',
  ],
  zh: [
    '多年来我一直关注有关这些侵害行为的报告。我相信，受害者有权诉诸独立于加害人员所属机构的司法。',
    '作为一名教师，我常常想到这些报告中提到的孩子们。他们应当在自己生活的地方看到正义得到伸张。',
    '追究责任不应取决于被指控者的国籍，也不应取决于雇用他们的组织是否愿意。',
    '如蒙贵代表团告知贵国政府对这一提议的立场，我将不胜感激。',
  ],
  ru: [
    'Я много лет слежу за сообщениями об этих злоупотреблениях и убеждена, что пострадавшие вправе рассчитывать на суд, не зависящий от организации, чей персонал причинил им вред.',
    'Как учитель, я думаю о детях, о которых говорится в этих докладах. Они заслуживают того, чтобы правосудие свершилось там, где они живут.',
    'Привлечение к ответственности не должно зависеть ни от гражданства обвиняемого, ни от доброй воли организации, в которой он работает.',
    'Буду признателен, если Представительство сообщит мне, определило ли Ваше Правительство свою позицию по этому предложению.',
  ],
}

/** What organizers write when they log a contact (a few words, marked as demo data). */
export const ENGAGEMENT_TEXTS = {
  meeting: [
    'Demo: met the Deputy Permanent Representative and the legal adviser; they asked for the draft statute.',
    'Demo: meeting at the Mission with the counsellor for peacekeeping; follow-up promised after capital consults.',
    'Demo: side meeting during the Fifth Committee session; the Mission will report to capital.',
  ],
  call: [
    'Demo: call with the first secretary; letters received, position under review.',
    'Demo: telephone call to the Mission; asked for a meeting in the coming weeks.',
  ],
  reply_received: [
    'Demo: written reply from the Permanent Representative, thanking the campaign and asking for the proposal in full.',
    'Demo: letter from the Mission: the proposal has been forwarded to the Ministry of Foreign Affairs.',
  ],
  acknowledgement: [
    'Demo: the Mission acknowledged receipt of the letters by e-mail.',
    'Demo: acknowledgement note verbale received.',
  ],
  no_reply_yet: ['Demo: no answer yet to the letters of last month; reminder planned.'],
  public_statement: [
    'Demo: the delegate mentioned accountability for sexual exploitation and abuse in the Fourth Committee debate.',
    'Demo: statement in the Security Council open debate supporting independent investigation.',
  ],
  note: [
    'Demo: new Permanent Representative expected next month; wait before writing again.',
    'Demo: the Mission prefers letters by post to the Permanent Representative in person.',
    'Demo: a national NGO offered to raise the proposal with the Ministry.',
  ],
} as const

export const POSITION_NOTES = {
  unknown: 'Demo: no information yet.',
  undecided: 'Demo: the Mission says the proposal is being studied in capital.',
  supportive: 'Demo: supportive in principle; wants to see the draft statute.',
  opposed: 'Demo: prefers to strengthen existing national jurisdiction.',
  committed: 'Demo: committed to co-sponsor a resolution.',
} as const
