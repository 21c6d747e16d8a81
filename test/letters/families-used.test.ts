import { describe, expect, it } from 'vitest'
import { familiesUsed } from '../../src/letters/typesetting/font-catalog.js'

const ids = (...texts: string[]) => familiesUsed(texts).map((family) => family.id)

describe('familiesUsed: the letter font families a text needs, as the browser picks them', () => {
  it('is Noto Serif alone for Latin, Greek and Cyrillic', () => {
    expect(ids('Excellence, je me permets', 'Ελλάδα', 'Ваше Превосходительство')).toEqual(['serif'])
  })

  it('adds each script of a mixed text once, in the catalog order', () => {
    expect(ids('محمد Ahmed 王小明', 'محمد')).toEqual(['serif', 'arabic', 'cjk'])
    expect(ids('Գյումրի', 'አዲስ አበባ', 'हिन्दी')).toEqual(['serif', 'devanagari', 'armenian', 'ethiopic'])
  })

  it('gives punctuation Chinese and Korean share to the Chinese family, first in the stack', () => {
    expect(ids('。')).toEqual(['serif', 'cjk'])
    expect(ids('서울')).toEqual(['serif', 'hangul'])
  })

  it('leaves characters no script family claims to Noto Serif', () => {
    expect(ids('— “quoted” … €')).toEqual(['serif'])
    expect(ids('')).toEqual(['serif'])
  })
})
