import { describe, expect, it } from 'vitest'
import { headRole, missionNameIn } from '../../src/directory/mission-names.js'
import { stateNameIn } from '../../src/directory/state-names.js'

// A state's and a mission's names in a language: directory knowledge the directory's pages,
// e-mails and letters share (src/directory/state-names.ts, mission-names.ts).

describe("a state's name in a language", () => {
  it("gives the directory's own name in English and the seed file's elsewhere", () => {
    expect(stateNameIn('en', 'FRA', 'France (the directory)')).toBe('France (the directory)')
    expect(stateNameIn('es', 'FRA', 'France')).toBe('Francia')
  })

  it('falls back to the English name for a state the files do not know', () => {
    expect(stateNameIn('fr', 'XXX', 'Nowhere')).toBe('Nowhere')
  })
})

describe("a mission's name in a language", () => {
  const france = {
    iso3: 'FRA',
    stateName: 'France',
    missionName: 'Permanent Mission of France to the United Nations',
  }
  const holySee = {
    iso3: 'VAT',
    stateName: 'Holy See',
    missionName: 'Permanent Observer Mission of the Holy See to the United Nations',
  }

  it("keeps the directory's name in English", () => {
    expect(missionNameIn('en', france)).toBe(france.missionName)
  })

  it("builds it from the state's names elsewhere, an observer State's too", () => {
    expect(missionNameIn('fr', france)).toBe(
      'Mission permanente de la France auprès de l’Organisation des Nations Unies',
    )
    expect(missionNameIn('es', holySee)).toBe(
      'Misión Permanente de Observación de la Santa Sede ante las Naciones Unidas',
    )
    expect(missionNameIn('ru', holySee)).toMatch(/^Постоянная миссия наблюдателя от /)
  })

  it("reads the head's office from the directory's function", () => {
    expect(headRole('Permanent Representative', false)).toBe('permanentRepresentative')
    expect(headRole('', true)).toBe('permanentObserver')
    expect(headRole('Representative', false)).toBe('representative')
  })
})
