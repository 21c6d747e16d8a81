import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'
import type { LetterDocument, LetterLanguage } from '../../src/letters/letter-document.js'

// Hand-made letters, as the composer would store them, for the PDF and preview tests. The
// addressees' names other than France's are invented; the missions' addresses are real ones.

/** Supporters whose names need more than ASCII: one per script or diacritic family we promise. */
export const SAMPLE_SENDERS = {
  cyrillic: ['Дмитрий Алексеевич Щербаков', 'ул. Большая Никитская, д. 12, кв. 4', '125009 Москва', 'Россия'],
  greek: ['Αλέξανδρος Παπαδόπουλος', 'Οδός Ερμού 45', '105 63 Αθήνα', 'Ελλάδα'],
  vietnamese: ['Nguyễn Thị Hương Quỳnh', '18 Phố Hàng Bạc, Quận Hoàn Kiếm', 'Hà Nội 100000', 'Việt Nam'],
  polish: ['Łukasz Wiśniewski', 'ul. Świętokrzyska 14/7', '00-050 Warszawa', 'Polska'],
  turkish: ['Çağrı Öztürk', 'İstiklal Caddesi No. 212, Daire 5', '34433 Beyoğlu/İstanbul', 'Türkiye'],
  english: ['Margaret O’Neill', '27 Kingsley Road', 'Bristol BS6 6AF', 'United Kingdom'],
} as const satisfies Record<string, readonly string[]>

const RECIPIENTS: Record<LetterLanguage, string[]> = {
  en: [
    'H.E. Mr. Nicolas de Rivière',
    'Permanent Representative of France to the United Nations',
    'Permanent Mission of France to the United Nations',
    '245 East 47th Street, 44th Floor',
    'New York, NY 10017',
    'United States of America',
  ],
  fr: [
    'Son Excellence Mme Aminata Koné Traoré',
    'Représentante permanente de la République de Côte d’Ivoire auprès de l’Organisation des Nations Unies',
    'Mission permanente de la République de Côte d’Ivoire auprès de l’Organisation des Nations Unies',
    '800 Second Avenue, 5th Floor',
    'New York, NY 10017',
    'États-Unis d’Amérique',
  ],
  es: [
    'Excelentísimo Señor Joaquín Ibáñez Peña',
    'Representante Permanente de la República Oriental del Uruguay ante las Naciones Unidas',
    'Misión Permanente de la República Oriental del Uruguay ante las Naciones Unidas',
    '866 United Nations Plaza, Suite 322',
    'New York, NY 10017',
    'Estados Unidos de América',
  ],
  ar: [
    'سعادة السيد عمر هلال',
    'المندوب الدائم للمملكة المغربية لدى الأمم المتحدة',
    'البعثة الدائمة للمملكة المغربية لدى الأمم المتحدة',
    '866 Second Avenue, 6th and 7th Floors',
    'New York, NY 10017',
    'United States of America',
  ],
  zh: [
    '中华人民共和国常驻联合国代表',
    'Fu Cong 大使阁下',
    '中华人民共和国常驻联合国代表团',
    '350 East 35th Street',
    'New York, NY 10016',
    'United States of America',
  ],
  ru: [
    'Его Превосходительству господину Василию Алексеевичу Небензе',
    'Постоянному представителю Российской Федерации при Организации Объединенных Наций',
    'Постоянное представительство Российской Федерации при Организации Объединенных Наций',
    '136 East 67th Street',
    'New York, NY 10065',
    'United States of America',
  ],
}

/** Each language's body; the third paragraph is the supporter's own. */
export const SAMPLE_PARAGRAPHS: Record<LetterLanguage, string[]> = {
  en: [
    'I am writing to you as a supporter of the Code Blue campaign, which seeks to end impunity for sexual exploitation and abuse committed by personnel serving in United Nations peacekeeping operations.',
    'Despite repeated commitments by the Secretary-General and the General Assembly, most allegations still end without a trial. Immunity, jurisdictional gaps and the absence of an independent prosecutor leave victims without remedy and undermine the credibility of peacekeeping itself.',
    'I visited a camp for displaced families near Bangui in 2019 and met mothers whose children were fathered by peacekeepers and then abandoned. None of them has ever been told what became of their complaints. They deserve to be heard by a court.',
    'I therefore respectfully ask that your Government support the establishment of an independent Special Court Mechanism with jurisdiction over these crimes, and make its position known during the coming session of the General Assembly.',
  ],
  fr: [
    'Je vous écris en tant que soutien de la campagne Code Blue, qui vise à mettre fin à l’impunité des actes d’exploitation et d’abus sexuels commis par le personnel des opérations de maintien de la paix des Nations Unies.',
    'Malgré les engagements répétés du Secrétaire général et de l’Assemblée générale, la plupart des allégations restent sans procès. Les immunités, les lacunes de compétence et l’absence d’un procureur indépendant privent les victimes de tout recours.',
    'J’ai travaillé deux ans comme infirmière à Goma et j’y ai rencontré des jeunes femmes qui attendent encore, depuis des années, une réponse à leur plainte. Elles méritent d’être entendues par un tribunal.',
    'Je vous prie donc respectueusement de bien vouloir soutenir, au nom de votre Gouvernement, la création d’un mécanisme judiciaire spécial indépendant compétent pour ces crimes.',
  ],
  es: [
    'Le escribo como simpatizante de la campaña Code Blue, que busca poner fin a la impunidad de la explotación y los abusos sexuales cometidos por personal de las operaciones de mantenimiento de la paz de las Naciones Unidas.',
    'Pese a los reiterados compromisos del Secretario General y de la Asamblea General, la mayoría de las denuncias siguen sin llegar a juicio. Las inmunidades, los vacíos de jurisdicción y la falta de un fiscal independiente dejan a las víctimas sin reparación.',
    'Como abogada he acompañado a sobrevivientes en Haití que, más de diez años después, siguen sin saber qué ocurrió con sus denuncias. Merecen ser escuchadas por un tribunal.',
    'Por ello le solicito respetuosamente que su Gobierno apoye la creación de un Mecanismo Judicial Especial independiente con jurisdicción sobre estos delitos.',
  ],
  ar: [
    'أكتب إلى سعادتكم دعماً لحملة Code Blue التي تسعى إلى وضع حد للإفلات من العقاب على الاستغلال والانتهاك الجنسيين اللذين يرتكبهما أفراد عمليات الأمم المتحدة لحفظ السلام.',
    'ورغم الالتزامات المتكررة للأمين العام والجمعية العامة، لا تزال معظم الادعاءات تنتهي دون محاكمة، فالحصانات والثغرات في الولاية القضائية وغياب مدعٍ عام مستقل تحرم الضحايا من سبل الانتصاف.',
    'عملتُ ممرضةً في بانغي عامَي 2019 و2020، والتقيتُ بأمهات ما زلن ينتظرن منذ سنوات ردّاً على شكاواهن. إنهن يستحققن أن تستمع إليهن محكمة.',
    'لذا أرجو من سعادتكم أن تدعم حكومتكم إنشاء آلية قضائية خاصة مستقلة (Special Court Mechanism) تختص بالنظر في هذه الجرائم.',
  ],
  zh: [
    '我谨以Code Blue运动支持者的身份致函阁下。该运动致力于终结联合国维持和平行动人员实施性剥削和性虐待而不受惩罚的现象。',
    '尽管秘书长和大会一再作出承诺，大多数指控至今仍未进入审判程序。豁免、管辖权空白以及缺乏独立检察官，使受害者无从获得补救。',
    '2019年至2020年，我在班吉担任护士，见到许多母亲多年来一直在等待对其申诉的答复。她们理应得到法院的审理。',
    '因此，我恳请贵国政府支持设立一个对上述罪行具有管辖权的独立特别法院机制。',
  ],
  ru: [
    'Обращаюсь к Вашему Превосходительству как сторонник кампании Code Blue, цель которой — положить конец безнаказанности за сексуальную эксплуатацию и сексуальные надругательства со стороны персонала миротворческих операций Организации Объединенных Наций.',
    'Несмотря на неоднократные обязательства Генерального секретаря и Генеральной Ассамблеи, большинство обвинений по-прежнему не доходит до суда. Иммунитеты, пробелы в юрисдикции и отсутствие независимого прокурора лишают пострадавших средств правовой защиты.',
    'В 2019–2020 годах я работал медиком в Банги и встречал матерей, которые годами ждут ответа на свои жалобы. Они заслуживают того, чтобы их выслушал суд.',
    'Поэтому прошу Вас поддержать от имени Вашего Правительства создание независимого Специального судебного механизма, обладающего юрисдикцией в отношении этих преступлений.',
  ],
}

const WORDS: Record<
  LetterLanguage,
  Pick<LetterDocument, 'referenceLine' | 'dateLine' | 'subject' | 'salutation' | 'close'> & { title: string }
> = {
  en: {
    referenceLine: 'Ref.: CB-7K3M9Q',
    dateLine: '29 November 2026',
    subject:
      'Subject: An independent Special Court Mechanism for sexual exploitation and abuse in peacekeeping',
    salutation: 'Your Excellency,',
    close: 'Please accept, Excellency, the assurances of my highest consideration.',
    title: 'Letter to the Permanent Representative of France',
  },
  fr: {
    referenceLine: 'Réf. : CB-7K3M9Q',
    dateLine: '29 novembre 2026',
    subject:
      'Objet : Un mécanisme judiciaire spécial indépendant pour les abus sexuels dans le maintien de la paix',
    salutation: 'Excellence,',
    close: 'Je vous prie d’agréer, Excellence, l’assurance de ma très haute considération.',
    title: 'Lettre à la Représentante permanente de la Côte d’Ivoire',
  },
  es: {
    referenceLine: 'Ref.: CB-7K3M9Q',
    dateLine: '29 de noviembre de 2026',
    subject:
      'Asunto: Un Mecanismo Judicial Especial independiente para los abusos sexuales en el mantenimiento de la paz',
    salutation: 'Excelentísimo Señor:',
    close:
      'Aprovecho la oportunidad para reiterarle, Excelencia, las seguridades de mi más alta consideración.',
    title: 'Carta al Representante Permanente del Uruguay',
  },
  ar: {
    referenceLine: 'المرجع: CB-7K3M9Q',
    dateLine: '29 تشرين الثاني/نوفمبر 2026',
    subject: 'الموضوع: آلية قضائية خاصة مستقلة للنظر في الاستغلال والانتهاك الجنسيين في عمليات حفظ السلام',
    salutation: 'صاحب السعادة،',
    close: 'وتفضلوا، يا صاحب السعادة، بقبول فائق الاحترام والتقدير.',
    title: 'رسالة إلى المندوب الدائم للمملكة المغربية',
  },
  zh: {
    referenceLine: '编号：CB-7K3M9Q',
    dateLine: '2026年11月29日',
    subject: '事由：设立独立的特别法院机制，审理维和行动中的性剥削和性虐待行为',
    salutation: '大使阁下：',
    close: '顺致最崇高的敬意。',
    title: '致中华人民共和国常驻联合国代表的信',
  },
  ru: {
    referenceLine: 'Исх. № CB-7K3M9Q',
    dateLine: '29 ноября 2026 года',
    subject:
      'О создании независимого Специального судебного механизма по делам о сексуальной эксплуатации и надругательствах в миротворческих операциях',
    salutation: 'Ваше Превосходительство!',
    close:
      'Пользуюсь случаем, чтобы возобновить Вашему Превосходительству уверения в моем весьма высоком уважении.',
    title: 'Письмо Постоянному представителю Российской Федерации',
  },
}

/** A complete letter in `overrides.language` (English by default), with any field replaced. */
export function sampleLetterDocument(overrides: Partial<LetterDocument> = {}): LetterDocument {
  const language = overrides.language ?? 'en'
  const words = WORDS[language]
  // The signatory and the PDF's author follow the sender unless they are given too.
  const sender = overrides.sender ?? [...SAMPLE_SENDERS.english]
  const name = sender[0] ?? ''
  return {
    language,
    paperSize: 'a4',
    reference: 'CB-7K3M9Q',
    referenceLine: words.referenceLine,
    dateLine: words.dateLine,
    sender,
    recipient: [...RECIPIENTS[language]],
    subject: words.subject,
    salutation: words.salutation,
    paragraphs: [...SAMPLE_PARAGRAPHS[language]],
    close: words.close,
    signature: [name, 'Supporter, Code Blue campaign'],
    meta: { title: words.title, author: name, subject: words.subject, createdAt: '2026-11-29T10:15:00Z' },
    ...overrides,
  }
}

/** The sample letter made long enough to need a second page. */
export function longLetterDocument(overrides: Partial<LetterDocument> = {}): LetterDocument {
  const language = overrides.language ?? 'en'
  const paragraphs = SAMPLE_PARAGRAPHS[language]
  return sampleLetterDocument({ ...overrides, paragraphs: [...paragraphs, ...paragraphs, ...paragraphs] })
}

/** Writes a letter to France through POST /api/letters (a postal address, a paragraph); its id. */
export async function writeLetterToFrance(app: FastifyInstance): Promise<string> {
  const written = await app.inject({
    method: 'POST',
    url: '/api/letters',
    payload: {
      state: 'FRA',
      supporter: {
        name: 'Amina Wanjiru',
        addressLines: ['Kenyatta Avenue 14'],
        city: 'Nairobi',
        country: 'KE',
      },
      personalNote: 'I write from Nairobi.',
    },
  })
  expect(written.statusCode, written.body).toBe(201)
  return written.json().id
}
