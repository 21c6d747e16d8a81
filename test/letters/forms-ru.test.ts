import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { StateTag } from '../../src/directory/directory.service.js'
import { getStateForLetters } from '../../src/directory/directory.service.js'
import { stateNameForms } from '../../src/directory/state-names.js'
import {
  type Addressee,
  type AddresseeFacts,
  type AddresseeHead,
  addresseeIn,
  courtesyClose,
  dateLine,
  formsFor,
  recipientLines,
  referenceLine,
  salutation,
  subjectLine,
  writtenDate,
} from '../../src/letters/diplomatic-form.js'
import { type CampaignSignatory, composeLetter } from '../../src/letters/letter-compose.js'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { findTemplate } from '../../src/letters/letter-templates.js'
import { FRANCE, setMission, UNITED_STATES } from '../helpers/directory-fixtures.js'
import { createTestContext } from '../helpers/test-context.js'

// The Russian forms (src/letters/forms/ru.ts) and state names (data/seed/state-names.ru.json).

const STREET = ['245 East 47th Street, 44th Floor', 'New York, NY 10017']
const UN = 'при Организации Объединенных Наций'

function facts(
  iso3: string,
  head: AddresseeHead | null,
  change: Partial<AddresseeFacts> = {},
): AddresseeFacts {
  return {
    kind: head ? 'head' : 'unknown',
    head,
    missionName: `Permanent Mission of ${iso3} to the United Nations`,
    observerState: false,
    stateNames: stateNameForms(iso3, 'ru', iso3),
    ...change,
  }
}
const addressee = (f: AddresseeFacts): Addressee => addresseeIn('ru', f)
const block = (f: AddresseeFacts, abroad = false): string[] =>
  recipientLines('ru', addressee(f), STREET, abroad)

const head = (honorific: string | null, name: string, fn = 'Permanent Representative'): AddresseeHead => ({
  honorific,
  name,
  function: fn,
})

describe('the Russian address block', () => {
  it('names a man in the dative, as "Его Превосходительству господину", his office and the mission', () => {
    expect(block(facts('FRA', head('H.E. Mr.', 'Jérôme Bonnafont')), true)).toEqual([
      'Его Превосходительству господину Jérôme Bonnafont',
      `Постоянному представителю Франции ${UN}`,
      `Постоянное представительство Франции ${UN}`,
      ...STREET,
      'United States of America',
    ])
  })

  it('names a woman "Ее Превосходительству госпоже", with the office in its one Russian form', () => {
    const lines = block(facts('MEX', head('H.E. Mrs.', 'Alicia Buenrostro Massieu')))
    expect(lines.slice(0, 2)).toEqual([
      'Ее Превосходительству госпоже Alicia Buenrostro Massieu',
      `Постоянному представителю Мексики ${UN}`,
    ])
    expect(block(facts('GBR', head('H.E. Dame', 'Barbara Woodward, DCMG, OBE')))[0]).toBe(
      'Ее Превосходительству госпоже Barbara Woodward, DCMG, OBE',
    )
  })

  it('writes a neutral Excellency where the Blue Book does not tell the gender', () => {
    expect(block(facts('FRA', head('H.E. Dr.', 'A. N. Other')))[0]).toBe(
      'Его/Ее Превосходительству доктору A. N. Other',
    )
    expect(block(facts('FRA', head(null, 'A. N. Other')))[0]).toBe('Его/Ее Превосходительству A. N. Other')
    // A head of mission is an Excellency even where the Blue Book prints a plain "Mr.".
    expect(block(facts('ISR', head('Mr.', 'Danny Danon')))[0]).toBe(
      'Его Превосходительству господину Danny Danon',
    )
  })

  it('addresses the Permanent Observers of the Holy See and of the State of Palestine', () => {
    const holySee = facts('VAT', head('H.E. Archbishop', 'Gabriele Caccia', 'Permanent Observer'), {
      observerState: true,
    })
    expect(block(holySee).slice(0, 3)).toEqual([
      'Его Превосходительству архиепископу Gabriele Caccia',
      `Постоянному наблюдателю от Святейшего Престола ${UN}`,
      `Постоянная миссия наблюдателя от Святейшего Престола ${UN}`,
    ])
    const palestine = facts('PSE', head('H.E. Mr.', 'Riyad Mansour', 'Permanent Observer'), {
      observerState: true,
    })
    expect(block(palestine).slice(1, 3)).toEqual([
      `Постоянному наблюдателю от Государства Палестина ${UN}`,
      `Постоянная миссия наблюдателя от Государства Палестина ${UN}`,
    ])
  })

  it("gives the United States' head the plain title of Representative", () => {
    const usa = facts('USA', head('H.E. Mr.', 'Michael G. Waltz', 'Representative'))
    expect(block(usa).slice(0, 3)).toEqual([
      'Его Превосходительству господину Michael G. Waltz',
      `Представителю Соединенных Штатов Америки ${UN}`,
      `Представительство Соединенных Штатов Америки ${UN}`,
    ])
  })

  it('sends a vacant post to the mission, for the attention of the Chargé d’affaires', () => {
    const vacant = facts('PER', null, { kind: 'vacant' })
    expect(block(vacant)).toEqual([
      `Постоянному представительству Перу ${UN}`,
      'Вниманию Временного поверенного в делах',
      ...STREET,
    ])
  })

  it('writes to "the Permanent Representative" where the head is not known', () => {
    expect(block(facts('COM', null)).slice(0, 2)).toEqual([
      `Постоянному представителю Коморских Островов ${UN}`,
      `Постоянное представительство Коморских Островов ${UN}`,
    ])
    const observer = facts('VAT', null, { observerState: true })
    expect(block(observer)[0]).toBe(`Постоянному наблюдателю от Святейшего Престола ${UN}`)
  })

  it('leaves no English in the Russian lines before the street address', () => {
    const cases = [
      facts('FRA', head('H.E. Mr.', 'X')),
      facts('PER', null, { kind: 'vacant' }),
      facts('USA', null),
      facts('VAT', null, { observerState: true }),
    ]
    for (const f of cases) {
      const lines = formsFor('ru').addressee(addressee(f))
      for (const line of lines) expect(line.replace(/\bX$/, '')).not.toMatch(/[A-Za-z]/)
    }
  })
})

describe('the Russian salutation, close, date and headings', () => {
  it('greets every head "Ваше Превосходительство!"', () => {
    expect(salutation('ru', addressee(facts('FRA', head('H.E. Mr.', 'X'))))).toBe('Ваше Превосходительство!')
    expect(salutation('ru', addressee(facts('MEX', head('H.E. Ms.', 'X'))))).toBe('Ваше Превосходительство!')
    expect(salutation('ru', addressee(facts('PER', null, { kind: 'vacant' })))).toBe(
      'Ваше Превосходительство!',
    )
  })

  it('closes with the courtesy formula, "нашем" when an organization or the campaign writes', () => {
    expect(courtesyClose('ru', false)).toBe(
      'Примите, Ваше Превосходительство, уверения в моем самом высоком уважении.',
    )
    expect(courtesyClose('ru', true)).toBe(
      'Примите, Ваше Превосходительство, уверения в нашем самом высоком уважении.',
    )
  })

  it('writes the date as UN Russian documents do, with no space it could break at', () => {
    expect(writtenDate('ru', '2026-06-01T12:00:00Z')).toBe('1\u00a0июня\u00a02026\u00a0года')
    expect(writtenDate('ru', '2026-12-04')).toBe('4\u00a0декабря\u00a02026\u00a0года')
    expect(writtenDate('ru', '2027-01-31')).toBe('31\u00a0января\u00a02027\u00a0года')
    expect(dateLine('ru', '2026-03-08T09:00:00Z', 'Новосибирск')).toBe(
      'Новосибирск, 8\u00a0марта\u00a02026\u00a0года',
    )
    expect(dateLine('ru', '2026-03-08T09:00:00Z', null)).toBe('8\u00a0марта\u00a02026\u00a0года')
    for (let month = 1; month <= 12; month++) {
      const date = writtenDate('ru', `2026-${String(month).padStart(2, '0')}-15`)
      expect(date).not.toMatch(/[ \t\n]/)
      expect(date).toMatch(/^15\u00a0[а-я]+\u00a02026\u00a0года$/)
    }
  })

  it('gives the reference as an outgoing number and the subject as a heading of its own', () => {
    expect(referenceLine('ru', 'CB-7K3M9Q')).toBe('Исх.\u00a0№\u00a0CB-7K3M9Q')
    expect(subjectLine('ru', 'О поддержке')).toBe('О поддержке')
    expect(formsFor('ru').campaignName).toBe('Кампания Code Blue')
    expect(formsFor('ru').locale).toBe('ru')
    expect(formsFor('ru').direction).toBe('ltr')
  })
})

describe('the Russian state names', () => {
  const states = JSON.parse(fs.readFileSync('data/seed/states.json', 'utf8')) as { iso3: string }[]
  const names = JSON.parse(fs.readFileSync('data/seed/state-names.ru.json', 'utf8')) as Record<
    string,
    Record<string, string>
  >

  it('has the four forms for every state of states.json and nothing else', () => {
    expect(Object.keys(names).sort()).toEqual(states.map((s) => s.iso3).sort())
    expect(states).toHaveLength(195)
    for (const [iso3, entry] of Object.entries(names)) {
      expect(Object.keys(entry).sort(), iso3).toEqual(['name', 'of', 'to', 'withArticle'])
      for (const value of Object.values(entry)) {
        expect(value.trim(), iso3).not.toBe('')
        // Cyrillic only (and the UN's own apostrophe in Кот-д'Ивуар); "е" for "ё", as the UN writes.
        expect(value, iso3).toMatch(/^[А-Яа-я() '\-\u00a0—]+$/)
      }
    }
  })

  it('gives the UN short name, its prose form, genitive and dative', () => {
    expect(names.IRN).toEqual({
      name: 'Иран (Исламская Республика)',
      withArticle: 'Исламская Республика Иран',
      of: 'Исламской Республики Иран',
      to: 'Исламской Республике Иран',
    })
    expect(stateNameForms('USA', 'ru', 'x')).toMatchObject({
      of: 'Соединенных Штатов Америки',
      to: 'Соединенным Штатам Америки',
    })
    expect(stateNameForms('NLD', 'ru', 'x').of).toBe('Королевства Нидерландов')
    expect(stateNameForms('BOL', 'ru', 'x').of).toBe('Многонационального Государства Боливия')
    expect(stateNameForms('GBR', 'ru', 'x').to).toBe(
      'Соединенному Королевству Великобритании и Северной Ирландии',
    )
    // Indeclinable names stay as they are.
    for (const iso3 of ['MLI', 'TGO', 'PER', 'COG', 'CHL'])
      expect(new Set(Object.values(names[iso3]!)), iso3).toHaveProperty('size', 1)
    // A dash inside a name never starts a line.
    expect(names.PNG!.of).toBe('Папуа\u00a0— Новой Гвинеи')
  })
})

describe('the Russian letters', () => {
  let ctx: Awaited<ReturnType<typeof createTestContext>>
  const WEBSITE = 'https://www.codebluecampaign.com'
  const NOTE = 'Я много лет работаю с пострадавшими в Банги и знаю, как долго они ждут ответа.'
  const ORGANIZATION = 'Survivors Network East Africa'

  beforeAll(async () => {
    ctx = await createTestContext()
    await setMission(ctx, 'FRA', FRANCE)
    await setMission(ctx, 'USA', UNITED_STATES)
  })

  async function write(
    iso3: string,
    id: string,
    change: {
      tags?: StateTag[]
      personalNote?: string | null
      previous?: boolean
      campaign?: Partial<CampaignSignatory>
    } = {},
  ): Promise<LetterDocument> {
    const template = findTemplate(id, 'ru')
    expect(template, id).toBeDefined()
    const { state, tags } = await getStateForLetters(ctx, iso3)
    return composeLetter({
      template: template!,
      state,
      tags: change.tags ?? tags,
      supporter: {
        name: 'Amina Wanjiru',
        organization: id === 'organization' ? ORGANIZATION : null,
        role: null,
        addressLines: ['Kenyatta Avenue 14'],
        city: 'Nairobi',
        country: 'KE',
        email: 'amina@example.org',
      },
      personalNote: change.personalNote ?? null,
      paperSize: 'a4',
      reference: 'CB-7K3M9Q',
      now: '2026-06-01T12:00:00.000Z',
      campaign: { ...ctx.config.campaign, website: WEBSITE, ...change.campaign },
      previous: change.previous ? { reference: 'CB-4H8N2P', createdAt: '2026-03-12T10:00:00.000Z' } : null,
    })
  }

  /** The body and subject, with the Latin-letter names the data may bring taken out. */
  function russianOnly(letter: LetterDocument, extra: string[] = []): string {
    let text = [letter.subject, ...letter.paragraphs].join('\n')
    for (const latin of [
      'Code Blue',
      'AIDS-Free World',
      'Nairobi',
      ORGANIZATION,
      WEBSITE,
      'CB-7K3M9Q',
      'CB-4H8N2P',
      // The campaign letter gives the English names once, so the mission can match them.
      '(Special Court Mechanism)',
      '(Temporary Independent Oversight Panel)',
      ...extra,
    ])
      text = text.split(latin).join('')
    return text
  }

  function expectWellFormed(letter: LetterDocument, extra: string[] = []): void {
    expect(letter.language).toBe('ru')
    const all = [letter.subject, ...letter.paragraphs]
    for (const p of all) {
      expect(p.trim().length, p).toBeGreaterThan(20)
      expect(p).not.toMatch(/\{\{|\}\}/)
      expect(p).not.toMatch(/\(\s*\)|\s[,.;:)]|\(\s|\s{2}/)
      expect(p).not.toContain('ё')
    }
    expect(russianOnly(letter, extra)).not.toMatch(/[A-Za-z]/)
    expect(letter.salutation).toBe('Ваше Превосходительство!')
    expect(letter.dateLine).toMatch(/1\s+июня\s+2026\s+года$/)
  }

  const IDS = ['supporter', 'organization', 'follow-up', 'campaign'] as const

  it.each(IDS)('writes the %s letter to France, a permanent member of the Security Council', async (id) => {
    const letter = await write('FRA', id)
    expectWellFormed(letter)
    const body = letter.paragraphs.join('\n')
    expect(body).toContain('Франции')
    expect(body).toMatch(/постоянн\S+ член\S* Совета Безопасности/)
    expect(body).not.toMatch(/годах/)
    expect(letter.recipient[0]).toBe('Его Превосходительству господину Jérôme Bonnafont')
    expect(letter.close).toContain(id === 'supporter' || id === 'follow-up' ? 'в моем' : 'в нашем')
  })

  it.each(IDS)('writes the %s letter to the Comoros with none of the conditional paragraphs', async (id) => {
    const letter = await write('COM', id)
    expectWellFormed(letter)
    const body = letter.paragraphs.join('\n')
    expect(body).toContain('Коморских Островов')
    expect(body).not.toMatch(/Совета Безопасности|территории Вашей страны|на территории которой/)
    expect(body).not.toMatch(/Ваша страна, предоставляющая|центральная роль|мнение страны/)
    if (id !== 'follow-up') expect(body).toContain(WEBSITE)
  })

  it.each(IDS)(
    'writes the %s letter to the United States in the dative where the grammar needs it',
    async (id) => {
      const letter = await write('USA', id)
      expectWellFormed(letter)
      const body = letter.paragraphs.join('\n')
      expect(body).toContain('Соединенных Штатов Америки')
      if (id === 'supporter' || id === 'campaign')
        expect(body).toMatch(/^Соединенным Штатам Америки как постоянному члену Совета Безопасности/m)
      expect(letter.recipient[1]).toBe(`Представителю Соединенных Штатов Америки ${UN}`)
    },
  )

  it.each(IDS)('writes the %s letter to Latvia with its Council term', async (id) => {
    const letter = await write('LVA', id)
    expectWellFormed(letter)
    expect(letter.paragraphs.join('\n')).toContain('в 2026–2027 годах')
  })

  it.each(IDS)(
    'writes the %s letter to the Democratic Republic of the Congo, an elected member and a host',
    async (id) => {
      const letter = await write('COD', id)
      expectWellFormed(letter, ['MONUSCO'])
      const body = letter.paragraphs.join('\n')
      expect(body).toContain('Демократической Республики Конго')
      expect(body).toContain('в 2026–2027 годах')
      expect(body).toContain('миротворческий персонал Организации Объединенных Наций (MONUSCO),')
    },
  )

  it.each(IDS)('writes the %s letter to a troop contributor, and to a police contributor', async (id) => {
    const sentences = (letter: LetterDocument) => letter.paragraphs.join(' ').split(/(?<=\.) /)
    const added = (letter: LetterDocument, base: LetterDocument) =>
      sentences(letter).filter((s) => !sentences(base).includes(s))
    const tag = (name: StateTag['tag']): StateTag[] => [{ tag: name, note: null }]
    const base = await write('FJI', id, { tags: [] })
    const troops = await write('FJI', id, { tags: tag('troop_contributor') })
    const police = await write('FJI', id, { tags: tag('police_contributor') })
    const both = await write('FJI', id, { tags: [...tag('troop_contributor'), ...tag('police_contributor')] })
    for (const letter of [base, troops, police]) expectWellFormed(letter)
    const troopText = added(troops, base).join(' ')
    const policeText = added(police, base).join(' ')
    expect(troopText).toMatch(/предоставля\S+ (войска|воинские контингенты)/)
    expect(troopText).not.toContain('полиц')
    expect(policeText).toMatch(/предоставляющ\S+ полицейские силы/)
    expect(policeText).toMatch(/в индивидуальном порядке/)
    expect(policeText).not.toMatch(/войска|контингент/)
    // A state that sends both is thanked for its troops.
    expect(added(both, base)).toEqual(added(troops, base))
    // The seed's troop contributors get the paragraph.
    expect((await write('BGD', id)).paragraphs.join(' ')).toContain(
      troopText.split(' ').slice(0, 6).join(' '),
    )
  })

  it('puts the personal note after the opening paragraph, and names the earlier letter in a follow-up', async () => {
    const letter = await write('FRA', 'supporter', { personalNote: NOTE })
    expect(letter.paragraphs[1]).toBe(NOTE)
    const followUp = await write('FRA', 'follow-up', { personalNote: NOTE, previous: true })
    expectWellFormed(followUp)
    expect(followUp.paragraphs[0]).toMatch(
      /мое письмо от 12\sмарта\s2026\sгода \(исх\. № CB-4H8N2P\), в котором/,
    )
    expect(followUp.paragraphs[1]).toBe(NOTE)
    expect(followUp.subject).toContain('повторное обращение к письму исх. № CB-4H8N2P')
    const first = await write('FRA', 'follow-up')
    expect(first.paragraphs[0]).toMatch(
      /^Позвольте вновь обратить внимание Вашего Превосходительства на мое письмо, в котором/,
    )
  })

  it('names the organization in its letter, and the two bodies in English once in the campaign letter', async () => {
    const organization = await write('FRA', 'organization')
    expect(organization.paragraphs[0]).toContain(
      `От имени организации «${ORGANIZATION}» (город Nairobi, Кения)`,
    )
    expect(organization.subject).toContain(`(письмо организации «${ORGANIZATION}»)`)
    const campaign = await write('FRA', 'campaign')
    const body = campaign.paragraphs.join('\n')
    expect(body.split('(Special Court Mechanism)')).toHaveLength(2)
    expect(body.split('(Temporary Independent Oversight Panel)')).toHaveLength(2)
    expect(campaign.dateLine).toMatch(/^Нью-Йорк, /)
    expect(campaign.close).toBe('Примите, Ваше Превосходительство, уверения в нашем самом высоком уважении.')
  })

  it('signs the campaign letter as the campaign in Russian, or as the signatory with her Russian title', async () => {
    expect((await write('FRA', 'campaign')).signature).toEqual(['Кампания Code Blue', 'AIDS-Free World'])
    const signed = await write('FRA', 'campaign', {
      campaign: {
        signatoryName: 'Paula Donovan',
        signatoryTitle: 'Co-Director, AIDS-Free World',
        signatoryTitles: { ru: 'Содиректор AIDS-Free World', fr: 'Codirectrice' },
      },
    })
    expect(signed.signature).toEqual(['Paula Donovan', 'Содиректор AIDS-Free World'])
    expect(signed.meta.author).toBe('Paula Donovan')
  })
})
