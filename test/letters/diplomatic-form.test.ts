import { describe, expect, it } from 'vitest'
import { stateNameForms } from '../../src/directory/state-names.js'
import {
  type Addressee,
  type AddresseeFacts,
  addresseeIn,
  courtesyClose,
  dateLine,
  recipientLines as linesFor,
  parseHonorific,
  referenceLine,
  salutation,
} from '../../src/letters/diplomatic-form.js'
import type { LetterLanguage } from '../../src/letters/letter-document.js'

const FRANCE_STREET = ['245 East 47th Street, 44th Floor', 'New York, NY 10017']

const franceFacts = (language: LetterLanguage): AddresseeFacts => ({
  kind: 'head',
  head: { honorific: 'H.E. Mr.', name: 'Jérôme Bonnafont', function: 'Permanent Representative' },
  missionName: 'Permanent Mission of France to the United Nations',
  observerState: false,
  stateNames: stateNameForms('FRA', language, 'France'),
})
const france = (language: LetterLanguage): Addressee => addresseeIn(language, franceFacts(language))

/** The addressee block for `addressee` with France's street lines. */
const recipientLines = (language: LetterLanguage, addressee: Addressee, abroad: boolean): string[] =>
  linesFor(language, addressee, FRANCE_STREET, abroad)

/** The first address line: the head's name with the honorific of the letter's language. */
const headNameLine = (language: LetterLanguage, head: Addressee['head']): string =>
  recipientLines(language, addresseeIn(language, { ...franceFacts(language), head }), false)[0]!

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
    expect(titleFr).toBe('Représentant permanent de la France auprès de l’Organisation des Nations Unies')
    const [nameEs, titleEs] = recipientLines('es', france('es'), true)
    expect(nameEs).toBe('Excelentísimo Señor Jérôme Bonnafont')
    expect(titleEs).toBe('Representante Permanente de Francia ante las Naciones Unidas')
  })

  it('gives the United States its own title', () => {
    const usa = (language: LetterLanguage): Addressee =>
      addresseeIn(language, {
        kind: 'head',
        head: { honorific: 'H.E. Mr.', name: 'Michael G. Waltz', function: 'Representative' },
        missionName: 'United States Mission to the United Nations',
        observerState: false,
        stateNames: stateNameForms('USA', language, 'United States of America'),
      })
    expect(recipientLines('en', usa('en'), true)[1]).toBe(
      'Representative of the United States of America to the United Nations',
    )
    expect(recipientLines('fr', usa('fr'), true)[1]).toBe(
      'Représentant des États-Unis d’Amérique auprès de l’Organisation des Nations Unies',
    )
  })

  it("addresses a vacant post to the mission, for the attention of the Chargé d'affaires a.i.", () => {
    const vacant = (language: LetterLanguage): Addressee =>
      addresseeIn(language, { ...franceFacts(language), kind: 'vacant', head: null })
    expect(recipientLines('en', vacant('en'), true).slice(0, 2)).toEqual([
      'Permanent Mission of France to the United Nations',
      "For the attention of the Chargé d'affaires a.i.",
    ])
    expect(recipientLines('fr', vacant('fr'), true).slice(0, 2)).toEqual([
      'Mission permanente de la France auprès de l’Organisation des Nations Unies',
      'À l’attention du Chargé d’affaires a.i.',
    ])
    expect(recipientLines('es', vacant('es'), true).slice(0, 2)).toEqual([
      'Misión Permanente de Francia ante las Naciones Unidas',
      'A la atención del Encargado de Negocios a.i.',
    ])
  })
})

describe('salutation and close', () => {
  it('greets a head in each language', () => {
    expect(salutation('en', france('en'))).toBe('Your Excellency,')
    expect(salutation('fr', france('fr'))).toBe('Excellence,')
    expect(salutation('es', france('es'))).toBe('Excelentísimo Señor:')
    const woman = addresseeIn('es', {
      ...franceFacts('es'),
      head: { honorific: 'H.E. Ms.', name: 'Ana', function: 'Permanent Representative' },
    })
    expect(salutation('es', woman)).toBe('Excelentísima Señora:')
    const vacant = (language: LetterLanguage): Addressee =>
      addresseeIn(language, { ...franceFacts(language), kind: 'vacant', head: null })
    expect(salutation('en', vacant('en'))).toBe('Excellency,')
    expect(salutation('es', vacant('es'))).toBe('Excelencia:')
  })

  it('takes leave with the courtesy formula, "our" for an organization', () => {
    expect(courtesyClose('en', false)).toBe(
      'Please accept, Excellency, the assurances of my highest consideration.',
    )
    expect(courtesyClose('en', true)).toContain('of our highest consideration')
    expect(courtesyClose('fr', false)).toBe(
      'Je vous prie d’agréer, Excellence, l’assurance de ma très haute considération.',
    )
    expect(courtesyClose('es', false)).toContain('Vuestra Excelencia')
  })
})

describe('dates and references', () => {
  it("writes the date in the letter's language, with the city", () => {
    // No-break spaces (U+00A0) inside the date: it never breaks across lines.
    expect(dateLine('en', '2026-06-01T12:00:00Z', 'Nairobi')).toBe('Nairobi, 1\u00a0June\u00a02026')
    expect(dateLine('fr', '2026-06-01T12:00:00Z', 'Dakar')).toBe('Dakar, le\u00a01er\u00a0juin\u00a02026')
    expect(dateLine('fr', '2026-06-02T12:00:00Z', null)).toBe('2\u00a0juin\u00a02026')
    expect(dateLine('es', '2026-12-04T12:00:00Z', null)).toBe('4\u00a0de\u00a0diciembre\u00a0de\u00a02026')
  })

  it("writes the reference with each language's punctuation", () => {
    expect(referenceLine('en', 'CB-7K3M9Q')).toBe('Ref.: CB-7K3M9Q')
    expect(referenceLine('fr', 'CB-7K3M9Q')).toBe('Réf.\u00a0: CB-7K3M9Q')
  })
})

describe('protocol', () => {
  it('names a Permanent Representative "H.E." whatever honorific the Blue Book prints', () => {
    const plain = { honorific: 'Mr.', name: 'Danny Danon', function: 'Permanent Representative' }
    expect(headNameLine('en', plain)).toBe('H.E. Mr. Danny Danon')
    expect(headNameLine('fr', plain)).toBe('Son Excellence Monsieur Danny Danon')
    expect(headNameLine('es', plain)).toBe('Excelentísimo Señor Danny Danon')
    const none = { honorific: null, name: 'A. N. Other', function: 'Permanent Representative' }
    expect(headNameLine('en', none)).toBe('H.E. A. N. Other')
    expect(headNameLine('es', none)).toBe('Su Excelencia A. N. Other')
  })

  it("names the mission in the letter's language, an observer State's too", () => {
    expect(recipientLines('fr', france('fr'), false)[2]).toBe(
      'Mission permanente de la France auprès de l’Organisation des Nations Unies',
    )
    expect(recipientLines('es', france('es'), false)[2]).toBe(
      'Misión Permanente de Francia ante las Naciones Unidas',
    )
    const holySee = (language: LetterLanguage) =>
      addresseeIn(language, {
        kind: 'head',
        head: { honorific: 'H.E. Archbishop', name: 'Gabriele Caccia', function: 'Permanent Observer' },
        missionName: 'Permanent Observer Mission of the Holy See to the United Nations',
        observerState: true,
        stateNames: stateNameForms('VAT', language, 'Holy See'),
      })
    expect(holySee('en').missionName).toBe('Permanent Observer Mission of the Holy See to the United Nations')
    expect(holySee('fr').missionName).toBe(
      'Mission permanente d’observation du Saint-Siège auprès de l’Organisation des Nations Unies',
    )
    expect(holySee('es').missionName).toBe(
      'Misión Permanente de Observación de la Santa Sede ante las Naciones Unidas',
    )
  })
})
