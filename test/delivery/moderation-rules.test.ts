import { describe, expect, it } from 'vitest'
import {
  containsTerm,
  holdDecision,
  markTerms,
  normalizeForMatching,
  type TypedText,
  termsFound,
  withoutLines,
} from '../../src/delivery/moderation-rules.js'

const term = (t: string) => ({ term: t, normalized: normalizeForMatching(t) })
const typed = (over: Partial<TypedText> = {}): TypedText => ({
  personalNote: 'I write as a nurse who served in a peacekeeping hospital.',
  name: 'Ada Writer',
  organization: null,
  role: null,
  addressLines: ['1 Rue de la Paix'],
  city: 'Lyon',
  ...over,
})

describe('matching a listed word or phrase', () => {
  it('ignores case and compatibility forms (NFKC): full-width letters match', () => {
    expect(containsTerm(normalizeForMatching('ＳＣＡＭ offer here'), normalizeForMatching('scam'))).toBe(true)
    expect(containsTerm(normalizeForMatching('A SCAM'), normalizeForMatching('Scam'))).toBe(true)
  })

  it('matches whole words only in scripts written with spaces', () => {
    expect(containsTerm(normalizeForMatching('war is over'), 'war')).toBe(true)
    expect(containsTerm(normalizeForMatching('the software works'), 'war')).toBe(false)
    expect(containsTerm(normalizeForMatching('a warning'), 'war')).toBe(false)
    expect(containsTerm(normalizeForMatching('no war.'), 'war')).toBe(true)
    // A phrase, across the writer's line breaks and doubled spaces.
    expect(containsTerm(normalizeForMatching('do  not\nsend'), normalizeForMatching('do not send'))).toBe(
      true,
    )
  })

  it('matches an Arabic term on whole words, not inside a longer word', () => {
    const harb = normalizeForMatching('حرب')
    expect(containsTerm(normalizeForMatching('لا نريد حرب جديدة'), harb)).toBe(true)
    expect(containsTerm(normalizeForMatching('لا نريد الحربية'), harb)).toBe(false)
  })

  it('matches a Chinese term anywhere in the text (no spaces between words)', () => {
    const term = normalizeForMatching('诈骗')
    expect(containsTerm(normalizeForMatching('这是一个诈骗网站'), term)).toBe(true)
    expect(containsTerm(normalizeForMatching('这是一个网站'), term)).toBe(false)
  })

  it('looks at everything the writer typed: paragraph, name, organisation, role, address', () => {
    const list = [term('forbidden')]
    expect(termsFound(typed({ personalNote: 'a forbidden word' }), list)).toEqual(['forbidden'])
    expect(termsFound(typed({ name: 'Forbidden Name' }), list)).toEqual(['forbidden'])
    expect(termsFound(typed({ organization: 'The Forbidden Trust' }), list)).toEqual(['forbidden'])
    expect(termsFound(typed({ role: 'forbidden officer' }), list)).toEqual(['forbidden'])
    expect(termsFound(typed({ addressLines: ['2 Forbidden Lane'] }), list)).toEqual(['forbidden'])
    expect(termsFound(typed({ city: 'Forbidden City' }), list)).toEqual(['forbidden'])
    expect(termsFound(typed(), list)).toEqual([])
  })

  it('marks the terms in the text as typed, for the queue to highlight', () => {
    expect(markTerms('Stop the WAR now', ['war'])).toEqual([
      { text: 'Stop the ', mark: false },
      { text: 'WAR', mark: true },
      { text: ' now', mark: false },
    ])
    expect(markTerms('这是诈骗网站', ['诈骗']).filter((r) => r.mark)).toEqual([{ text: '诈骗', mark: true }])
    expect(markTerms('software', ['war'])).toEqual([{ text: 'software', mark: false }])
  })

  it('marks every term found, each occurrence, overlapping ones as one run', () => {
    expect(markTerms('war crimes and war', ['war', 'war crimes', 'and'])).toEqual([
      { text: 'war crimes', mark: true },
      { text: ' ', mark: false },
      { text: 'and', mark: true },
      { text: ' ', mark: false },
      { text: 'war', mark: true },
    ])
    expect(markTerms('a war  crimes case', ['war crimes', 'crimes case'])).toEqual([
      { text: 'a ', mark: false },
      { text: 'war  crimes case', mark: true },
    ])
  })
})

describe('whether a confirmed letter is held', () => {
  const none: never[] = []

  it('none: sent, unless a listed term appears', () => {
    expect(
      holdDecision({ moderation: 'none', typed: typed(), terms: none, returningWriter: false }),
    ).toBeNull()
    expect(
      holdDecision({
        moderation: 'none',
        typed: typed({ personalNote: 'stop the war' }),
        terms: [term('war')],
        returningWriter: true,
      }),
    ).toEqual({ because: 'term', terms: ['war'] })
  })

  it('first_time: a first-time writer is held, a returning one is not', () => {
    expect(
      holdDecision({ moderation: 'first_time', typed: typed(), terms: none, returningWriter: false }),
    ).toEqual({ because: 'first_time', terms: [] })
    expect(
      holdDecision({ moderation: 'first_time', typed: typed(), terms: none, returningWriter: true }),
    ).toBeNull()
  })

  it('all: every letter with a paragraph is held, returning writers too', () => {
    expect(holdDecision({ moderation: 'all', typed: typed(), terms: none, returningWriter: true })).toEqual({
      because: 'all',
      terms: [],
    })
  })

  it('a letter with no personal paragraph is never held under first_time or all', () => {
    for (const moderation of ['first_time', 'all'] as const)
      for (const note of [null, '', '   \n '])
        expect(
          holdDecision({
            moderation,
            typed: typed({ personalNote: note }),
            terms: none,
            returningWriter: false,
          }),
        ).toBeNull()
  })

  it('a listed term holds a letter with no paragraph (found in the name), and a returning writer’s', () => {
    expect(
      holdDecision({
        moderation: 'first_time',
        typed: typed({ personalNote: null, name: 'Scam Artist' }),
        terms: [term('scam')],
        returningWriter: true,
      }),
    ).toEqual({ because: 'term', terms: ['scam'] })
  })
})

describe('taking lines out of a personal paragraph', () => {
  it('removes the numbered lines, keeps the paragraph breaks, returns what was removed', () => {
    const note = 'First line.\nSecond line.\n\nThird paragraph.'
    expect(withoutLines(note, [1])).toEqual({
      note: 'First line.\n\nThird paragraph.',
      removed: ['Second line.'],
    })
    expect(withoutLines(note, [3])).toEqual({
      note: 'First line.\nSecond line.',
      removed: ['Third paragraph.'],
    })
    expect(withoutLines(note, [0, 1, 3])).toEqual({
      note: null,
      removed: ['First line.', 'Second line.', 'Third paragraph.'],
    })
  })
})
