import { describe, expect, it } from 'vitest'
import { createLetter, suggestState } from '../../src/letters/letters.service.js'
import { createTestContext } from '../helpers/test-context.js'

const ctx = await createTestContext()

describe('suggesting a state to write to', () => {
  it('favours member states with no letters, never suggests an observer', async () => {
    const written = ['FRA', 'CHN', 'USA', 'GBR', 'RUS', 'BRA', 'IND', 'NGA', 'ZAF', 'JPN']
    for (const state of written) {
      await createLetter(ctx, { state, language: 'en', supporter: { name: 'Test Supporter' } })
    }
    // A fixed sweep of the random draw over [0, 1): the shares are exactly the weights.
    const picks = new Map<string, number>()
    const draws = 2000
    for (let i = 0; i < draws; i++) {
      const state = await suggestState(ctx, () => i / draws)
      picks.set(state.iso3, (picks.get(state.iso3) ?? 0) + 1)
    }
    expect(picks.has('VAT')).toBe(false)
    expect(picks.has('PSE')).toBe(false)
    const toWritten = written.reduce((sum, iso3) => sum + (picks.get(iso3) ?? 0), 0)
    // 183 states with weight 1, 10 with weight 1/4: the written ones get 2.5/185.5 = 1.3%.
    expect(toWritten / draws).toBeGreaterThan(0.005)
    expect(toWritten / draws).toBeLessThan(0.025)
    expect(picks.size).toBeGreaterThan(150)
  })
})
