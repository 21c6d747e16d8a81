import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { getStateForLetters, type StateTag } from '../../src/directory/directory.service.js'
import { UNKNOWN_HEAD } from '../../src/directory/mission-details.js'
import { stateNameForms } from '../../src/directory/state-names.js'
import {
  type Addressee,
  type AddresseeFacts,
  type AddresseeHead,
  addresseeIn,
  courtesyClose,
  dateLine,
  recipientLines,
  referenceLine,
  salutation,
  subjectLine,
  writtenDate,
} from '../../src/letters/diplomatic-form.js'
import { zh } from '../../src/letters/forms/zh.js'
import { composeLetter } from '../../src/letters/letter-compose.js'
import type { LetterDocument } from '../../src/letters/letter-document.js'
import { findTemplate } from '../../src/letters/letter-templates.js'
import { projectPath } from '../../src/lib/paths.js'
import { setMission } from '../helpers/directory-fixtures.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'

// The Chinese (Simplified) letters: the fixed forms of src/letters/forms/zh.ts, the state names of
// data/seed/state-names.zh.json and the four templates/letters/*.zh.hbs, rendered for real states.

const STREET = ['245 East 47th Street, 44th Floor', 'New York, NY 10017']

const facts = (iso3: string, english: string, head: AddresseeHead | null): AddresseeFacts => ({
  kind: head ? 'head' : 'unknown',
  head,
  missionName: `Permanent Mission of ${english} to the United Nations`,
  observerState: iso3 === 'VAT' || iso3 === 'PSE',
  stateNames: stateNameForms(iso3, 'zh', english),
})

const headOf = (honorific: string | null, name: string, fn = 'Permanent Representative'): AddresseeHead => ({
  honorific,
  name,
  function: fn,
})

const france = (head: AddresseeHead | null = headOf('H.E. Mr.', 'Jérôme Bonnafont')): Addressee =>
  addresseeIn('zh', facts('FRA', 'France', head))

const block = (addressee: Addressee, abroad = false): string[] =>
  recipientLines('zh', addressee, STREET, abroad)

describe('the Chinese address block', () => {
  it('names the office, then the head with "大使阁下", then the mission, in Chinese', () => {
    expect(block(france(), true)).toEqual([
      '法国常驻联合国代表',
      'Jérôme Bonnafont 大使阁下',
      '法国常驻联合国代表团',
      ...STREET,
      'United States of America',
    ])
  })

  it('uses the same title for a woman, a man and a head whose gender the Blue Book does not tell', () => {
    const woman = block(france(headOf('H.E. Mrs.', 'Anne Dupont')))
    const man = block(france(headOf('H.E. Mr.', 'Anne Dupont')))
    const unknown = block(france(headOf('H.E. Dr.', 'Anne Dupont')))
    expect(woman.slice(0, 3)).toEqual(['法国常驻联合国代表', 'Anne Dupont 大使阁下', '法国常驻联合国代表团'])
    expect(man).toEqual(woman)
    expect(unknown).toEqual(woman)
    // No gendered word, no English honorific left in the block.
    for (const line of [...woman, ...unknown].slice(0, 3))
      expect(line).not.toMatch(/先生|女士|Mr|Mrs|Dr|H\.E\./)
    // A head without "H.E." in the Blue Book is still "阁下".
    expect(block(france(headOf('Mr.', 'Jérôme Bonnafont')))[1]).toBe('Jérôme Bonnafont 大使阁下')
    expect(block(france(headOf(null, 'Jérôme Bonnafont')))[1]).toBe('Jérôme Bonnafont 大使阁下')
  })

  it('keeps the name in Latin letters as the Blue Book gives it, "Dame" and post-nominals aside', () => {
    const uk = addresseeIn(
      'zh',
      facts(
        'GBR',
        'United Kingdom of Great Britain and Northern Ireland',
        headOf('H.E. Dame', 'Barbara Woodward, DCMG, OBE'),
      ),
    )
    expect(block(uk).slice(0, 3)).toEqual([
      '大不列颠及北爱尔兰联合王国常驻联合国代表',
      'Barbara Woodward, DCMG, OBE 大使阁下',
      '大不列颠及北爱尔兰联合王国常驻联合国代表团',
    ])
  })

  it('titles the observer States’ heads Permanent Observer, a prelate by his rank', () => {
    const holySee = addresseeIn(
      'zh',
      facts('VAT', 'Holy See', headOf('H.E. Archbishop', 'Gabriele Caccia', 'Permanent Observer')),
    )
    expect(block(holySee).slice(0, 3)).toEqual([
      '教廷常驻联合国观察员',
      'Gabriele Caccia 大主教阁下',
      '教廷常驻联合国观察员代表团',
    ])
    expect(salutation('zh', holySee)).toBe('尊敬的大主教阁下：')
    const palestine = addresseeIn(
      'zh',
      facts('PSE', 'State of Palestine', headOf('H.E. Mr.', 'Riyad Mansour', 'Permanent Observer')),
    )
    expect(block(palestine).slice(0, 3)).toEqual([
      '巴勒斯坦国常驻联合国观察员',
      'Riyad Mansour 大使阁下',
      '巴勒斯坦国常驻联合国观察员代表团',
    ])
  })

  it('gives the United States its plain "Representative"', () => {
    const usa = addresseeIn(
      'zh',
      facts('USA', 'United States of America', headOf('H.E. Mr.', 'Michael G. Waltz', 'Representative')),
    )
    expect(block(usa).slice(0, 3)).toEqual([
      '美利坚合众国驻联合国代表',
      'Michael G. Waltz 大使阁下',
      '美利坚合众国常驻联合国代表团',
    ])
  })

  it("addresses a vacant post to the mission, for the Chargé d'affaires a.i.", () => {
    const vacant = addresseeIn('zh', { ...facts('FRA', 'France', null), kind: 'vacant' })
    expect(block(vacant)).toEqual(['法国常驻联合国代表团', '敬请转交临时代办', ...STREET])
    expect(salutation('zh', vacant)).toBe('尊敬的临时代办阁下：')
  })

  it('addresses an unknown head as "the Permanent Representative", and an observer’s as Permanent Observer', () => {
    const unknown = france(null)
    expect(unknown.kind).toBe('unknown')
    expect(block(unknown)).toEqual(['法国常驻联合国代表阁下', '法国常驻联合国代表团', ...STREET])
    expect(salutation('zh', unknown)).toBe('尊敬的常驻代表阁下：')
    const holySee = addresseeIn('zh', facts('VAT', 'Holy See', null))
    expect(block(holySee).slice(0, 2)).toEqual(['教廷常驻联合国观察员阁下', '教廷常驻联合国观察员代表团'])
    expect(salutation('zh', holySee)).toBe('尊敬的常驻观察员阁下：')
  })

  it('names the mission in Chinese from the state’s prose name', () => {
    expect(zh.missionName(stateNameForms('IRN', 'zh', 'Iran'), 'permanentRepresentative')).toBe(
      '伊朗伊斯兰共和国常驻联合国代表团',
    )
    expect(zh.missionName(stateNameForms('PSE', 'zh', 'State of Palestine'), 'permanentObserver')).toBe(
      '巴勒斯坦国常驻联合国观察员代表团',
    )
  })
})

describe('the Chinese salutation, close, date and lines', () => {
  it('greets the ambassador and takes leave with the highest consideration, "我们" for several', () => {
    expect(salutation('zh', france())).toBe('尊敬的大使阁下：')
    expect(salutation('zh', france(headOf('H.E. Ms.', 'Anne Dupont')))).toBe('尊敬的大使阁下：')
    expect(courtesyClose('zh', false)).toBe('我谨借此机会，向阁下致以最崇高的敬意。')
    expect(courtesyClose('zh', true)).toBe('我们谨借此机会，向阁下致以最崇高的敬意。')
  })

  it('writes the date as Chinese does, Arabic digits, nothing that could break', () => {
    expect(writtenDate('zh', '2026-12-04T12:00:00Z')).toBe('2026年12月4日')
    expect(writtenDate('zh', '2026-06-01')).toBe('2026年6月1日')
    expect(writtenDate('zh', '2027-01-31T23:00:00Z')).toBe('2027年1月31日')
    for (const date of ['2026-12-04', '2026-06-01T12:00:00Z', '2030-10-10']) {
      expect(writtenDate('zh', date)).not.toMatch(/[ \t\n\u2000-\u200b\u3000]/)
    }
    expect(dateLine('zh', '2026-12-04T12:00:00Z', 'Nairobi')).toBe('Nairobi，2026年12月4日')
    expect(dateLine('zh', '2026-12-04T12:00:00Z', 'New York')).toBe('纽约，2026年12月4日')
    expect(dateLine('zh', '2026-12-04T12:00:00Z', null)).toBe('2026年12月4日')
  })

  it('writes the reference and the subject with a full-width colon', () => {
    expect(referenceLine('zh', 'CB-7K3M9Q')).toBe('编号：CB-7K3M9Q')
    expect(subjectLine('zh', '设立特别法庭机制')).toBe('事由：设立特别法庭机制')
  })

  it('says who it is, in Chinese, for the letterhead', () => {
    expect(zh.locale).toBe('zh-Hans')
    expect(zh.direction).toBe('ltr')
    expect(zh.campaignName).toBe('Code Blue运动')
  })
})

describe('the Chinese state names', () => {
  const states = JSON.parse(fs.readFileSync(projectPath('data/seed/states.json'), 'utf8')) as {
    iso3: string
  }[]
  const names = JSON.parse(fs.readFileSync(projectPath('data/seed/state-names.zh.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >

  it('has the four forms, in Chinese, for exactly the 195 states', () => {
    expect(states).toHaveLength(195)
    expect(Object.keys(names).sort()).toEqual(states.map((s) => s.iso3).sort())
    for (const [iso3, forms] of Object.entries(names)) {
      expect(Object.keys(forms).sort(), iso3).toEqual(['name', 'of', 'to', 'withArticle'])
      for (const value of Object.values(forms)) {
        expect(value, iso3).toMatch(/^[\u4e00-\u9fff（）]+$/)
      }
      // The prose forms are the parenthesis-free name; Chinese does not inflect.
      expect(forms.withArticle, iso3).not.toMatch(/[（）]/)
      expect(forms.of, iso3).toBe(forms.withArticle)
      expect(forms.to, iso3).toBe(forms.withArticle)
    }
  })

  it('follows the UN’s own Chinese names', () => {
    expect(names.IRN).toEqual({
      name: '伊朗（伊斯兰共和国）',
      withArticle: '伊朗伊斯兰共和国',
      of: '伊朗伊斯兰共和国',
      to: '伊朗伊斯兰共和国',
    })
    expect(names.BOL?.name).toBe('玻利维亚（多民族国）')
    expect(names.BOL?.withArticle).toBe('多民族玻利维亚国')
    expect(names.VEN?.withArticle).toBe('委内瑞拉玻利瓦尔共和国')
    expect(names.FSM?.withArticle).toBe('密克罗尼西亚联邦')
    expect(
      Object.fromEntries(
        ['GBR', 'USA', 'RUS', 'KOR', 'PRK', 'VAT', 'PSE', 'NLD'].map((c) => [c, names[c]?.name]),
      ),
    ).toEqual({
      GBR: '大不列颠及北爱尔兰联合王国',
      USA: '美利坚合众国',
      RUS: '俄罗斯联邦',
      KOR: '大韩民国',
      PRK: '朝鲜民主主义人民共和国',
      VAT: '教廷',
      PSE: '巴勒斯坦国',
      NLD: '荷兰王国',
    })
  })
})

describe('the Chinese letters', async () => {
  const ctx = await createTestContext()
  // France's head as unknown (the seed names one): these letters go to "the Permanent Representative".
  await setMission(ctx, 'FRA', { head: UNKNOWN_HEAD })
  const WEBSITE = 'https://www.codebluecampaign.com'

  async function letter(
    templateId: string,
    iso3: string,
    extra: { note?: string; previous?: boolean; tags?: StateTag[] } = {},
  ) {
    const template = findTemplate(templateId, 'zh')
    if (!template) throw new Error(`no template ${templateId}.zh`)
    const { state, tags } = await getStateForLetters(ctx, iso3)
    return composeLetter({
      template,
      state,
      tags: extra.tags ?? tags,
      supporter: {
        name: 'Wanjiru Amina',
        organization: templateId === 'organization' ? 'Survivors First' : null,
        role: null,
        addressLines: ['Kenyatta Avenue 14'],
        city: '内罗毕',
        country: 'KE',
        email: 'amina@example.org',
      },
      personalNote: extra.note ?? null,
      paperSize: 'a4',
      reference: 'CB-7K3M9Q',
      now: TEST_NOW,
      campaign: { signatoryName: 'Paula Donovan', signatoryTitle: 'Co-Director', website: WEBSITE },
      previous: extra.previous ? { reference: 'CB-2A3B4C', createdAt: '2026-03-12T09:00:00Z' } : null,
    })
  }

  // Latin letters the Chinese text may hold: names, acronyms, the reference, the website, and the
  // English names of the two bodies given once in the campaign letter.
  const ALLOWED_LATIN =
    /Code Blue|AIDS-Free World|Survivors First|Special Court Mechanism|Temporary Independent Oversight Panel|https:\/\/www\.codebluecampaign\.com|CB-[0-9A-Z]{6}|\b(MONUSCO|MINUSCA|UNMISS|UNISFA|UNMOGIP|UNIFIL|UNDOF|UNFICYP|UNMIK)\b/g

  function checkChinese(doc: LetterDocument) {
    const text = [doc.subject, ...doc.paragraphs].join('\n')
    expect(text).not.toContain('{{')
    expect(text).not.toContain('}}')
    for (const p of doc.paragraphs) expect(p.trim().length).toBeGreaterThan(0)
    expect(text.replace(ALLOWED_LATIN, '')).not.toMatch(/[A-Za-z]{2,}/)
    // Full-width punctuation only; no space between Chinese characters (a wrapped line would add one).
    expect(text).not.toMatch(/[\u4e00-\u9fff][,.;:()!?]|[,.;:()!?][\u4e00-\u9fff]/)
    expect(text).not.toMatch(/[\u4e00-\u9fff，。、：；（）] |[ ][\u4e00-\u9fff，。、：；（）]/)
    for (const p of doc.paragraphs) expect(p, p).toMatch(/。$/)
    expect(doc.salutation).toMatch(/^尊敬的.+阁下：$/)
    expect(doc.close).toMatch(/致以最崇高的敬意。$/)
  }

  it.each([
    ['FRA', 'France: a permanent member'],
    ['COM', 'the Comoros'],
    ['USA', 'the United States: a permanent member'],
    ['COD', 'DR Congo: elected to the Council, host of MONUSCO'],
    ['IND', 'India: host of UNMOGIP, troop contributor'],
    ['SSD', 'South Sudan: host of two operations'],
    ['VAT', 'the Holy See'],
  ])('renders the four templates for %s (%s) in Chinese, complete', async (iso3) => {
    for (const id of ['supporter', 'organization', 'follow-up', 'campaign']) {
      const doc = await letter(id, iso3)
      checkChinese(doc)
      expect(doc.language).toBe('zh')
    }
  })

  it('writes the permanent member’s paragraph for France, and France’s names in Chinese', async () => {
    const doc = await letter('supporter', 'FRA')
    const text = doc.paragraphs.join('\n')
    expect(text).toContain('作为安全理事会常任理事国，法国对维护国际和平与安全负有特殊责任')
    expect(text).not.toContain('非常任理事国')
    expect(text).not.toContain('驻有联合国维持和平人员')
    expect(doc.paragraphs[0]).toMatch(/^我谨自肯尼亚内罗毕致函阁下，恳请法国支持设立一个独立的特别法庭机制/)
    // France's head cleared above: the directory does not know who heads the mission.
    expect(doc.recipient.slice(0, 2)).toEqual(['法国常驻联合国代表阁下', '法国常驻联合国代表团'])
    expect(doc.salutation).toBe('尊敬的常驻代表阁下：')
    expect(doc.dateLine).toBe('内罗毕，2026年6月1日')
    expect(doc.referenceLine).toBe('编号：CB-7K3M9Q')
    expect(doc.subject).toBe('事由：支持为联合国维持和平行动设立独立的特别法庭机制')
    expect(doc.close).toBe('我谨借此机会，向阁下致以最崇高的敬意。')
  })

  it('writes the elected member’s term and the host’s operation for the Democratic Republic of the Congo', async () => {
    for (const id of ['supporter', 'organization', 'campaign']) {
      const text = (await letter(id, 'COD')).paragraphs.join('\n')
      expect(text, id).toContain('在2026至2027年担任安全理事会非常任理事国期间，刚果民主共和国')
      expect(text, id).toContain('贵国境内驻有联合国维持和平人员（MONUSCO）')
      expect(text, id).not.toContain('常任理事国，')
    }
  })

  it('writes the troop contributor’s paragraph for India, and no Council paragraph', async () => {
    const text = (await letter('organization', 'IND')).paragraphs.join('\n')
    expect(text).toContain('谅解备忘录范本规定，军事特遣队成员由派遣国行使专属管辖权')
    expect(text).toContain('（UNMOGIP）')
    expect(text).not.toContain('安全理事会')
  })

  it('writes the police contributor’s paragraph in every letter, on the experts-on-mission status', async () => {
    const tags: StateTag[] = [{ tag: 'police_contributor', note: null }]
    for (const id of ['supporter', 'organization', 'follow-up', 'campaign']) {
      const doc = await letter(id, 'IRL', { tags })
      checkChinese(doc)
      const text = doc.paragraphs.join('\n')
      expect(text, id).toContain('警察派遣国')
      expect(text, id).toMatch(/单独部署的警官/)
      expect(text, id).not.toContain('部队派遣国的意见')
    }
  })

  it('leaves out every conditional paragraph for a state with no seat and no tag', async () => {
    const doc = await letter('supporter', 'COM')
    const text = doc.paragraphs.join('\n')
    expect(text).toContain('恳请科摩罗支持设立')
    for (const absent of ['安全理事会', '派遣国', '驻有联合国维持和平人员'])
      expect(text).not.toContain(absent)
    // Opening, the UN's conflict, the Mechanism, the Panel, the ask, the website.
    expect(doc.paragraphs).toHaveLength(6)
  })

  it('places the personal note after the opening paragraph, as typed', async () => {
    const note = '我曾在班吉为幸存者提供法律援助六年。她们理应得到只对法律负责的法庭的审理。'
    for (const id of ['supporter', 'organization', 'follow-up']) {
      const doc = await letter(id, 'FRA', { note })
      expect(doc.paragraphs[1], id).toBe(note)
    }
    const campaign = await letter('campaign', 'FRA', { note })
    expect(campaign.paragraphs).not.toContain(note)
  })

  it('joins the follow-up’s optional sentences to their paragraph with no space, and cites the earlier letter', async () => {
    const doc = await letter('follow-up', 'COD', { previous: true })
    expect(doc.subject).toBe(
      '事由：再次恳请支持为联合国维持和平行动设立独立的特别法庭机制（续CB-2A3B4C号函）',
    )
    expect(doc.paragraphs[0]).toMatch(
      /^我曾于2026年3月12日致函阁下（编号：CB-2A3B4C），恳请刚果民主共和国支持/,
    )
    expect(doc.paragraphs).toHaveLength(3)
    expect(doc.paragraphs[1]).toContain(
      '就收到指控102项。在2026至2027年担任安全理事会非常任理事国期间，刚果民主共和国可以推动',
    )
    expect(doc.paragraphs[1]).toMatch(/列入安理会议程。贵国境内驻有联合国维持和平人员（MONUSCO）/)
    const plain = await letter('follow-up', 'COM')
    expect(plain.paragraphs[0]).toMatch(/^我曾致函阁下，恳请科摩罗支持/)
    expect(plain.subject).not.toContain('续')
    expect(plain.paragraphs[1]).toMatch(/就收到指控102项。$/)
  })

  it('gives the English names of the two bodies once, in the campaign letter only', async () => {
    const campaign = (await letter('campaign', 'FRA')).paragraphs.join('\n')
    expect(campaign.match(/特别法庭机制（Special Court Mechanism）/g)).toHaveLength(1)
    expect(campaign.match(/临时独立监督小组（Temporary Independent Oversight Panel）/g)).toHaveLength(1)
    expect(campaign).toContain('争取法国政府的支持')
    for (const id of ['supporter', 'organization', 'follow-up']) {
      const text = (await letter(id, 'FRA')).paragraphs.join('\n')
      expect(text, id).not.toMatch(/Special Court|Oversight Panel/)
    }
  })

  it('writes the campaign letter from New York, with "我们"', async () => {
    const doc = await letter('campaign', 'USA')
    expect(doc.dateLine).toBe('纽约，2026年6月1日')
    expect(doc.close).toBe('我们谨借此机会，向阁下致以最崇高的敬意。')
    expect(doc.paragraphs.join('\n')).toContain('争取美利坚合众国政府的支持')
  })
})
