import { describe, expect, it } from 'vitest'
import {
  type Addressee,
  courtesyClose,
  dateLine,
  headNameLine,
  parseHonorific,
  recipientLines,
  referenceLine,
  salutation,
} from '../../src/letters/diplomatic-form.js'
import type { LetterLanguage } from '../../src/letters/letter-document.js'
import { stateNameForms } from '../../src/letters/state-names.js'

const france = (language: LetterLanguage): Addressee => ({
  kind: 'head',
  head: { honorific: 'H.E. Mr.', name: 'Jérôme Bonnafont', function: 'Permanent Representative' },
  missionName: 'Permanent Mission of France to the United Nations',
  addressLines: ['245 East 47th Street, 44th Floor', 'New York, NY 10017'],
  stateNames: stateNameForms('FRA', language, 'France'),
})

describe('honorifics', () => {
  it.each([
    ['H.E. Mr.', { excellency: true, gender: 'male', style: 'plain' }],
    ['H.E. Mrs.', { excellency: true, gender: 'female', style: 'plain' }],
    ['H.E. Ms.', { excellency: true, gender: 'female', style: 'plain' }],
    ['H.E. Dame', { excellency: true, gender: 'female', style: 'dame' }],
    ['H.E. Archbishop', { excellency: true, gender: 'male', style: 'prelate' }],
    ['H.E. Dr.', { excellency: true, gender: 'unknown', style: 'other' }],
    ['Mr.', { excellency: false, gender: 'male', style: 'plain' }],
  ])('reads "%s"', (honorific, expected) => {
    expect(parseHonorific(honorific)).toMatchObject(expected)
  })

  it('names the head in each language with its own forms of address', () => {
    const dame = {
      honorific: 'H.E. Dame',
      name: 'Barbara Woodward, DCMG, OBE',
      function: 'Permanent Representative',
    }
    expect(headNameLine('en', dame)).toBe('H.E. Dame Barbara Woodward, DCMG, OBE')
    expect(headNameLine('fr', dame)).toBe('Son Excellence Dame Barbara Woodward, DCMG, OBE')
    const woman = {
      honorific: 'H.E. Mrs.',
      name: 'Alicia Buenrostro Massieu',
      function: 'Permanent Representative',
    }
    expect(headNameLine('fr', woman)).toBe('Son Excellence Madame Alicia Buenrostro Massieu')
    expect(headNameLine('es', woman)).toBe('Excelentísima Señora Alicia Buenrostro Massieu')
    const archbishop = {
      honorific: 'H.E. Archbishop',
      name: 'Gabriele Caccia',
      function: 'Permanent Observer',
    }
    expect(headNameLine('fr', archbishop)).toBe('Son Excellence Monseigneur Gabriele Caccia')
  })
})

describe('the addressee block', () => {
  it('gives a named head, the title, the mission and the street, and the country for senders abroad', () => {
    expect(recipientLines('en', france('en'), true)).toEqual([
      'H.E. Mr. Jérôme Bonnafont',
      'Permanent Representative of France to the United Nations',
      'Permanent Mission of France to the United Nations',
      '245 East 47th Street, 44th Floor',
      'New York, NY 10017',
      'United States of America',
    ])
    expect(recipientLines('en', france('en'), false)).not.toContain('United States of America')
  })

  it('writes the title in French and Spanish, in the grammar of each', () => {
    const [nameFr, titleFr] = recipientLines('fr', france('fr'), true)
    expect(nameFr).toBe('Son Excellence Monsieur Jérôme Bonnafont')
    expect(titleFr).toBe("Représentant permanent de la France auprès de l'Organisation des Nations Unies")
    const [nameEs, titleEs] = recipientLines('es', france('es'), true)
    expect(nameEs).toBe('Excelentísimo Señor Jérôme Bonnafont')
    expect(titleEs).toBe('Representante Permanente de Francia ante las Naciones Unidas')
  })

  it('gives the United States its own title', () => {
    const usa: Addressee = {
      kind: 'head',
      head: { honorific: 'H.E. Mr.', name: 'Michael G. Waltz', function: 'Representative' },
      missionName: 'United States Mission to the United Nations',
      addressLines: ['799 United Nations Plaza', 'New York, NY 10017'],
      stateNames: stateNameForms('USA', 'en', 'United States of America'),
    }
    expect(recipientLines('en', usa, true)[1]).toBe(
      'Representative of the United States of America to the United Nations',
    )
    expect(recipientLines('fr', { ...usa, stateNames: stateNameForms('USA', 'fr', '') }, true)[1]).toBe(
      "Représentant des États-Unis d'Amérique auprès de l'Organisation des Nations Unies",
    )
  })

  it("addresses a vacant post to the mission, for the attention of the Chargé d'affaires a.i.", () => {
    const vacant: Addressee = { ...france('en'), kind: 'vacant', head: null }
    expect(recipientLines('en', vacant, true).slice(0, 2)).toEqual([
      'Permanent Mission of France to the United Nations',
      "For the attention of the Chargé d'affaires a.i.",
    ])
    expect(recipientLines('fr', { ...vacant, stateNames: stateNameForms('FRA', 'fr', '') }, true)[1]).toBe(
      "À l'attention du Chargé d'affaires a.i.",
    )
    expect(recipientLines('es', vacant, true)[1]).toBe('A la atención del Encargado de Negocios a.i.')
  })
})

describe('salutation and close', () => {
  it('greets a head in each language', () => {
    expect(salutation('en', france('en'))).toBe('Your Excellency,')
    expect(salutation('fr', france('fr'))).toBe('Excellence,')
    expect(salutation('es', france('es'))).toBe('Excelentísimo Señor:')
    const woman = {
      ...france('es'),
      head: { honorific: 'H.E. Ms.', name: 'Ana', function: 'Permanent Representative' },
    }
    expect(salutation('es', woman)).toBe('Excelentísima Señora:')
    const vacant: Addressee = { ...france('en'), kind: 'vacant', head: null }
    expect(salutation('en', vacant)).toBe('Excellency,')
    expect(salutation('es', vacant)).toBe('Excelencia:')
  })

  it('takes leave with the courtesy formula, "our" for an organization', () => {
    expect(courtesyClose('en', false)).toBe(
      'Please accept, Excellency, the assurances of my highest consideration.',
    )
    expect(courtesyClose('en', true)).toContain('of our highest consideration')
    expect(courtesyClose('fr', false)).toBe(
      "Je vous prie d'agréer, Excellence, l'assurance de ma très haute considération.",
    )
    expect(courtesyClose('es', false)).toContain('Vuestra Excelencia')
  })
})

describe('dates and references', () => {
  it("writes the date in the letter's language, with the city", () => {
    expect(dateLine('en', '2026-06-01T12:00:00Z', 'Nairobi')).toBe('Nairobi, 1 June 2026')
    expect(dateLine('fr', '2026-06-01T12:00:00Z', 'Dakar')).toBe('Dakar, le 1er juin 2026')
    expect(dateLine('fr', '2026-06-02T12:00:00Z', null)).toBe('2 juin 2026')
    expect(dateLine('es', '2026-06-01T12:00:00Z', null)).toBe('1 de junio de 2026')
  })

  it("writes the reference with each language's punctuation", () => {
    expect(referenceLine('en', 'CB-7K3M9Q')).toBe('Ref.: CB-7K3M9Q')
    expect(referenceLine('fr', 'CB-7K3M9Q')).toBe('Réf.\u00a0: CB-7K3M9Q')
  })
})
