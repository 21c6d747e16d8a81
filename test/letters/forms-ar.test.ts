import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { stateNameForms } from '../../src/directory/state-names.js'
import {
  type Addressee,
  type AddresseeFacts,
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
import type { AddresseeHead } from '../../src/letters/forms/forms.js'
import { listTemplates } from '../../src/letters/letter-templates.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { projectPath } from '../../src/lib/paths.js'
import { FRANCE, MEXICO_WOMAN, setMission, UNITED_STATES } from '../helpers/directory-fixtures.js'
import { createTestContext } from '../helpers/test-context.js'

// Arabic letters: the fixed forms (forms/ar.ts), the state names (state-names.ar.json) and the
// four templates (templates/letters/*.ar.hbs), rendered through the real composer.

const STREET = ['245 East 47th Street, 44th Floor', 'New York, NY 10017']

function facts(
  iso3: string,
  head: AddresseeHead | null,
  extra: Partial<AddresseeFacts> = {},
): AddresseeFacts {
  return {
    kind: head ? 'head' : 'unknown',
    head,
    missionName: `Permanent Mission of ${iso3} to the United Nations`,
    observerState: false,
    stateNames: stateNameForms(iso3, 'ar', iso3),
    ...extra,
  }
}
const pr = (honorific: string | null, name: string): AddresseeHead => ({
  honorific,
  name,
  function: 'Permanent Representative',
})
const arabic = (f: AddresseeFacts): Addressee => addresseeIn('ar', f)
const block = (f: AddresseeFacts): string[] => recipientLines('ar', arabic(f), STREET, true)

describe('Arabic forms: the address block', () => {
  it('names a man as سعادة السيد, with his office and the mission in UN Arabic', () => {
    expect(block(facts('FRA', pr('H.E. Mr.', 'Jérôme Bonnafont')))).toEqual([
      'سعادة السيد Jérôme Bonnafont',
      'الممثل الدائم لفرنسا لدى الأمم المتحدة',
      'البعثة الدائمة لفرنسا لدى الأمم المتحدة',
      ...STREET,
      'United States of America',
    ])
  })

  it('names a woman as سعادة السيدة with the feminine office, whether Mrs., Ms. or Dame', () => {
    const lines = block(facts('MEX', pr('H.E. Mrs.', 'Alicia Guadalupe Buenrostro Massieu')))
    expect(lines.slice(0, 3)).toEqual([
      'سعادة السيدة Alicia Guadalupe Buenrostro Massieu',
      'الممثلة الدائمة للمكسيك لدى الأمم المتحدة',
      'البعثة الدائمة للمكسيك لدى الأمم المتحدة',
    ])
    expect(block(facts('NOR', pr('H.E. Ms.', 'Merete Fjeld Brattested')))[0]).toBe(
      'سعادة السيدة Merete Fjeld Brattested',
    )
    const dame = block(facts('GBR', pr('H.E. Dame', 'Barbara Woodward, DCMG, OBE')))
    expect(dame[0]).toBe('سعادة السيدة Barbara Woodward, DCMG, OBE')
    expect(dame[1]).toBe(
      'الممثلة الدائمة للمملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية لدى الأمم المتحدة',
    )
  })

  it('uses no gendered word for a head whose honorific does not tell, and says سعادة all the same', () => {
    expect(block(facts('FRA', pr('H.E.', 'A. N. Other')))[0]).toBe('سعادة A. N. Other')
    expect(block(facts('FRA', pr(null, 'A. N. Other')))[0]).toBe('سعادة A. N. Other')
    expect(block(facts('FRA', pr('H.E. Dr.', 'A. N. Other')))[0]).toBe('سعادة د. A. N. Other')
    // A plain "Mr." in the Blue Book is still سعادة in the address.
    expect(block(facts('ISR', pr('Mr.', 'Danny Danon')))[0]).toBe('سعادة السيد Danny Danon')
    for (const honorific of ['H.E.', 'H.E. Dr.', null]) {
      const line = block(facts('FRA', pr(honorific, 'A. N. Other')))[0]!
      expect(line).not.toMatch(/السيد|السيدة|[A-Za-z]{2,}\./)
    }
  })

  it("gives the observer States' heads the Permanent Observer's title and mission", () => {
    const holySee = block(
      facts(
        'VAT',
        { honorific: 'H.E. Archbishop', name: 'Gabriele Caccia', function: 'Permanent Observer' },
        { observerState: true },
      ),
    )
    expect(holySee.slice(0, 3)).toEqual([
      'سعادة رئيس الأساقفة Gabriele Caccia',
      'المراقب الدائم للكرسي الرسولي لدى الأمم المتحدة',
      'بعثة المراقبة الدائمة للكرسي الرسولي لدى الأمم المتحدة',
    ])
    const palestine = (honorific: string) =>
      block(
        facts(
          'PSE',
          { honorific, name: 'Riyad H. Mansour', function: 'Permanent Observer' },
          { observerState: true },
        ),
      )
    expect(palestine('H.E. Mr.').slice(1, 3)).toEqual([
      'المراقب الدائم لدولة فلسطين لدى الأمم المتحدة',
      'بعثة المراقبة الدائمة لدولة فلسطين لدى الأمم المتحدة',
    ])
    expect(palestine('H.E. Ms.')[1]).toBe('المراقبة الدائمة لدولة فلسطين لدى الأمم المتحدة')
  })

  it("gives the United States' head the plain title of Representative", () => {
    const usa = (honorific: string) =>
      block(facts('USA', { honorific, name: 'Michael G. Waltz', function: 'Representative' }))
    expect(usa('H.E. Mr.').slice(0, 3)).toEqual([
      'سعادة السيد Michael G. Waltz',
      'ممثل الولايات المتحدة الأمريكية لدى الأمم المتحدة',
      'البعثة الدائمة للولايات المتحدة الأمريكية لدى الأمم المتحدة',
    ])
    expect(usa('H.E. Ms.')[1]).toBe('ممثلة الولايات المتحدة الأمريكية لدى الأمم المتحدة')
  })

  it("addresses a vacant post to the mission, for the attention of the Chargé d'affaires a.i.", () => {
    const vacant = arabic({ ...facts('PER', null), kind: 'vacant' })
    expect(recipientLines('ar', vacant, STREET, false)).toEqual([
      'البعثة الدائمة لبيرو لدى الأمم المتحدة',
      'لعناية القائم بالأعمال بالنيابة',
      ...STREET,
    ])
  })

  it('addresses a head not yet known by the office', () => {
    expect(block(facts('PER', null)).slice(0, 2)).toEqual([
      'الممثل الدائم لبيرو لدى الأمم المتحدة',
      'البعثة الدائمة لبيرو لدى الأمم المتحدة',
    ])
    expect(block(facts('PSE', null, { observerState: true })).slice(0, 2)).toEqual([
      'المراقب الدائم لدولة فلسطين لدى الأمم المتحدة',
      'بعثة المراقبة الدائمة لدولة فلسطين لدى الأمم المتحدة',
    ])
  })
})

describe('Arabic forms: salutation, close, date, reference, subject', () => {
  it('greets a man, a woman, and anyone else with a neutral greeting', () => {
    expect(salutation('ar', arabic(facts('FRA', pr('H.E. Mr.', 'X'))))).toBe('صاحب السعادة،')
    expect(salutation('ar', arabic(facts('FRA', pr('H.E. Mrs.', 'X'))))).toBe('صاحبة السعادة،')
    const neutral = 'تحية طيبة وبعد،'
    expect(salutation('ar', arabic(facts('FRA', pr('H.E.', 'X'))))).toBe(neutral)
    expect(salutation('ar', arabic({ ...facts('FRA', null), kind: 'vacant' }))).toBe(neutral)
    expect(salutation('ar', arabic(facts('FRA', null)))).toBe(neutral)
  })

  it('takes leave in the first person singular, or plural for an organization and the campaign', () => {
    const one = courtesyClose('ar', false)
    const we = courtesyClose('ar', true)
    expect(one).toBe('وأغتنم هذه الفرصة لأعرب لسعادتكم عن أسمى آيات الاحترام والتقدير.')
    expect(we).toBe('ونغتنم هذه الفرصة لنعرب لسعادتكم عن أسمى آيات الاحترام والتقدير.')
  })

  it('writes the date as UN Arabic does, both month names, Western digits, never breaking', () => {
    expect(writtenDate('ar', '2026-06-01T12:00:00Z')).toBe('1\u00a0حزيران/يونيه\u00a02026')
    expect(writtenDate('ar', '2026-11-29')).toBe('29\u00a0تشرين\u00a0الثاني/نوفمبر\u00a02026')
    const months = Array.from({ length: 12 }, (_, i) =>
      writtenDate('ar', `2026-${String(i + 1).padStart(2, '0')}-15`),
    )
    expect(new Set(months).size).toBe(12)
    for (const date of months) {
      expect(date).toMatch(/^15\u00a0[\u0600-\u06ff\u00a0]+\/[\u0600-\u06ff]+\u00a02026$/)
      expect(date).not.toMatch(/[ \t\n\u2000-\u200a]/)
    }
    expect(months[0]).toContain('كانون\u00a0الثاني/يناير')
    expect(months[11]).toContain('كانون\u00a0الأول/ديسمبر')
  })

  it('puts the city before the date with an Arabic comma, New York in Arabic', () => {
    expect(dateLine('ar', '2026-06-01T12:00:00Z', 'Nairobi')).toBe('Nairobi، 1\u00a0حزيران/يونيه\u00a02026')
    expect(dateLine('ar', '2026-06-01T12:00:00Z', 'New York')).toBe('نيويورك، 1\u00a0حزيران/يونيه\u00a02026')
    expect(dateLine('ar', '2026-06-02T12:00:00Z', null)).toBe('2\u00a0حزيران/يونيه\u00a02026')
  })

  it('writes the reference and subject lines, the direction and the campaign name', () => {
    expect(referenceLine('ar', 'CB-7K3M9Q')).toBe('المرجع: CB-7K3M9Q')
    expect(subjectLine('ar', 'اقتراح')).toBe('الموضوع: اقتراح')
    const forms = formsFor('ar')
    expect(forms.direction).toBe('rtl')
    expect(forms.locale).toBe('ar')
    expect(forms.campaignName).toBe('حملة Code Blue')
  })

  it('names the mission from the state names, in the UN pattern', () => {
    const names = stateNameForms('IRN', 'ar', 'Iran')
    expect(formsFor('ar').missionName(names, 'permanentRepresentative')).toBe(
      'البعثة الدائمة لجمهورية إيران الإسلامية لدى الأمم المتحدة',
    )
    expect(
      formsFor('ar').missionName(stateNameForms('DZA', 'ar', 'Algeria'), 'permanentRepresentative'),
    ).toBe('البعثة الدائمة للجزائر لدى الأمم المتحدة')
  })
})

describe('Arabic state names (data/seed/state-names.ar.json)', () => {
  const states = JSON.parse(fs.readFileSync(projectPath('data/seed/states.json'), 'utf8')) as {
    iso3: string
  }[]
  const names = JSON.parse(fs.readFileSync(projectPath('data/seed/state-names.ar.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >

  it('has exactly the 195 states, each with four non-empty Arabic forms', () => {
    expect(Object.keys(names).sort()).toEqual(states.map((s) => s.iso3).sort())
    expect(Object.keys(names)).toHaveLength(195)
    for (const [iso3, entry] of Object.entries(names)) {
      expect(Object.keys(entry).sort(), iso3).toEqual(['name', 'of', 'to', 'withArticle'])
      for (const value of Object.values(entry)) {
        expect(value.trim(), iso3).not.toBe('')
        expect(value, iso3).not.toMatch(/[A-Za-z0-9]|\s{2}|^\s|\s$/)
      }
    }
  })

  it('builds "of" with لـ (لل before the article) and "to" with إلى', () => {
    for (const [iso3, { withArticle, of, to }] of Object.entries(names)) {
      const expected = withArticle!.startsWith('ال') ? `لل${withArticle!.slice(2)}` : `ل${withArticle}`
      expect(of, iso3).toBe(expected)
      expect(to, iso3).toBe(`إلى ${withArticle}`)
    }
    expect(names.FRA).toEqual({ name: 'فرنسا', withArticle: 'فرنسا', of: 'لفرنسا', to: 'إلى فرنسا' })
    expect(names.LBN!.of).toBe('للبنان')
    expect(names.USA!.of).toBe('للولايات المتحدة الأمريكية')
  })

  it("keeps the UN's formal names and their prose order", () => {
    expect(names.IRN).toMatchObject({
      name: 'إيران (جمهورية - الإسلامية)',
      withArticle: 'جمهورية إيران الإسلامية',
    })
    expect(names.BOL!.withArticle).toBe('دولة بوليفيا المتعددة القوميات')
    expect(names.VEN!.withArticle).toBe('جمهورية فنزويلا البوليفارية')
    expect(names.NLD!.withArticle).toBe('مملكة هولندا')
    expect(names.FSM!.withArticle).toBe('ولايات ميكرونيزيا الموحدة')
    expect(names.PRK!.name).toBe('جمهورية كوريا الشعبية الديمقراطية')
    expect(names.KOR!.name).toBe('جمهورية كوريا')
    expect(names.SYR!.name).toBe('الجمهورية العربية السورية')
    expect(names.RUS!.name).toBe('الاتحاد الروسي')
    expect(names.VAT!.name).toBe('الكرسي الرسولي')
    expect(names.PSE!.name).toBe('دولة فلسطين')
    expect(names.CIV!.name).toBe('كوت ديفوار')
    expect(names.SWZ!.name).toBe('إسواتيني')
    expect(names.CZE!.name).toBe('تشيكيا')
    expect(names.VNM!.name).toBe('فييت نام')
  })
})

const ctx = await createTestContext({ env: { CAMPAIGN_WEBSITE: 'https://www.codebluecampaign.com' } })
await setMission(ctx, 'FRA', FRANCE)
await setMission(ctx, 'USA', UNITED_STATES)
await setMission(ctx, 'MEX', MEXICO_WOMAN)

describe('Arabic letters, rendered through the composer', () => {
  const supporter = {
    name: 'Amina Wanjiru',
    city: 'Nairobi',
    country: 'KE',
    email: 'amina@example.org',
    organization: 'Survivors Network East Africa',
    role: 'Director',
  }
  const NOTE = 'عملتُ ست سنوات مع ناجيات في بانغي، ولم تعرف أيٌّ منهن ما آلت إليه شكواها.'
  // Latin text a letter may carry: the campaign's and supporter's names, acronyms, the address.
  const LATIN_ALLOWED = [
    'Code Blue',
    'AIDS-Free World',
    'Special Court Mechanism',
    'Temporary Independent Oversight Panel',
    'https://www.codebluecampaign.com',
    supporter.city,
    supporter.organization,
  ]

  async function write(state: string, template: string) {
    const personalNote = template === 'campaign' ? null : NOTE
    const letter = await createLetter(
      ctx,
      { state, template, language: 'ar', supporter, personalNote },
      { allowCampaign: template === 'campaign' },
    )
    return letter.document
  }

  /** What is left of the text once the Latin it may carry is taken out. */
  function withoutAllowedLatin(text: string): string {
    let rest = text
    for (const allowed of LATIN_ALLOWED) rest = rest.split(allowed).join('')
    return rest.replace(/\bCB-[2-9A-Z]{6}\b/g, '').replace(/\b[A-Z]{4,}\b/g, '')
  }

  const CASES = [
    ['FRA', 'permanent Council member'],
    ['COM', 'plural name, no tag'],
    ['USA', 'permanent member, the Representative'],
    ['LVA', 'elected Council member'],
    ['COD', 'peacekeeping host and elected member'],
  ] as const
  const TEMPLATES = ['supporter', 'organization', 'follow-up', 'campaign'] as const

  it('has the four Arabic templates, each with its Arabic title and subject', () => {
    const ar = listTemplates().filter((t) => t.language === 'ar')
    expect(ar.map((t) => t.id).sort()).toEqual([...TEMPLATES].sort())
    for (const t of ar) {
      expect(t.title).toMatch(/^[\u0600-\u06ff ]+$/)
      expect(t.subject).toMatch(/[\u0600-\u06ff]/)
    }
  })

  for (const [iso3, what] of CASES) {
    for (const template of TEMPLATES) {
      it(`writes the ${template} letter to ${iso3} (${what}) in Arabic, with nothing left over`, async () => {
        const doc = await write(iso3, template)
        const names = stateNameForms(iso3, 'ar', iso3)
        expect(doc.language).toBe('ar')
        expect(doc.subject).toMatch(/^الموضوع: [\u0600-\u06ff]/)
        expect(doc.referenceLine).toMatch(/^المرجع: CB-/)
        const text = doc.paragraphs.join('\n')
        for (const p of doc.paragraphs) {
          expect(p.trim()).not.toBe('')
          expect(p).not.toMatch(/\{\{|\}\}| {2}| [،.؛]|^\s|\s$/)
        }
        // No English word where Arabic is expected, and Arabic punctuation, not Latin.
        const rest = withoutAllowedLatin(text)
        expect(rest, rest.match(/[A-Za-z]{2,}/g)?.join(' ')).not.toMatch(/[A-Za-z]{2,}/)
        expect(rest).not.toMatch(/[,;?]/)
        expect(withoutAllowedLatin(doc.subject)).not.toMatch(/[A-Za-z]{2,}/)
        // The state is named in the letter, in its Arabic form (the follow-up and the campaign
        // letter may name it only in one place).
        expect(text).toContain(names.withArticle)
        if (template !== 'campaign') expect(text).toContain(NOTE)
        else expect(text).not.toContain(NOTE)
        if (template === 'campaign') expect(text).toContain('(Special Court Mechanism)')
        expect(text).toContain('الآلية')
      })
    }
  }

  it('adds the paragraphs that fit each state, and only those', async () => {
    const text = async (iso3: string, template = 'supporter') =>
      (await write(iso3, template)).paragraphs.join('\n')
    const france = await text('FRA')
    expect(france).toContain('عضواً دائماً في مجلس الأمن')
    expect(france).not.toMatch(/2026-2027|MONUSCO\)،/)
    const latvia = await text('LVA')
    expect(latvia).toContain('للفترة 2026-2027')
    expect(latvia).not.toContain('عضواً دائماً')
    const congo = await text('COD')
    expect(congo).toContain('ويستضيف بلدكم أفراد الأمم المتحدة لحفظ السلام (MONUSCO)،')
    expect(congo).toContain('2026-2027')
    const comoros = await text('COM')
    expect(comoros).toContain('دعم جزر القمر')
    expect(comoros).not.toMatch(/مجلس الأمن للفترة|عضواً دائماً|ويستضيف بلدكم|بما يقدمه من قوات/)
    expect(await text('BGD')).toContain('بما يقدمه من قوات')
    expect((await write('COM', 'supporter')).paragraphs).toHaveLength(7)
    expect(await text('COD', 'campaign')).toContain('على أراضي جمهورية الكونغو الديمقراطية (MONUSCO)')
  })

  it('writes the forms around the body in Arabic, singular or plural as the writer is', async () => {
    const toMexico = await write('MEX', 'supporter')
    expect(toMexico.recipient.slice(0, 3)).toEqual([
      'سعادة السيدة Alicia Guadalupe Buenrostro Massieu',
      'الممثلة الدائمة للمكسيك لدى الأمم المتحدة',
      'البعثة الدائمة للمكسيك لدى الأمم المتحدة',
    ])
    expect(toMexico.salutation).toBe('صاحبة السعادة،')
    expect(toMexico.close).toContain('وأغتنم')
    expect(toMexico.dateLine).toBe('Nairobi، 1\u00a0حزيران/يونيه\u00a02026')
    expect((await write('FRA', 'organization')).close).toContain('ونغتنم')
    const campaign = await write('FRA', 'campaign')
    expect(campaign.close).toContain('ونغتنم')
    expect(campaign.dateLine).toBe('نيويورك، 1\u00a0حزيران/يونيه\u00a02026')
    // With no signatory named, the campaign signs, in Arabic; its title is the organization's name.
    expect(campaign.signature).toEqual(['حملة Code Blue', 'AIDS-Free World'])
    expect(campaign.meta.author).toBe('حملة Code Blue')
    expect(campaign.paragraphs.at(-1)).toBe('ويرد الاقتراح كاملاً في الموقع https://www.codebluecampaign.com.')
  })

  it("cites the earlier letter's date and reference in a follow-up", async () => {
    const first = await createLetter(ctx, { state: 'TCD', template: 'supporter', language: 'ar', supporter })
    const followUp = await write('TCD', 'follow-up')
    // @NOTE the paragraph's whitespace collapse (src/lib/text-templates.ts) turns the date's
    // no-break spaces into plain ones for now: either is accepted here.
    expect(followUp.paragraphs[0]).toMatch(
      new RegExp(
        `رسالتي السابقة المؤرخة 1[ \u00a0]حزيران/يونيه[ \u00a0]2026 \\(المرجع ${first.reference}\\)،`,
      ),
    )
    expect(followUp.subject).toBe(
      `الموضوع: متابعة للرسالة ${first.reference} بشأن إنشاء آلية قضائية خاصة مستقلة لعمليات الأمم المتحدة لحفظ السلام`,
    )
  })
})
