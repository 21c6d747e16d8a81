import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { checkLetters, checkSoundness } from '../../scripts/lib/crash-checks.js'
import { engineOf } from '../../src/db/engine.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { createTestContext } from '../helpers/test-context.js'

// What `npm run crash` checks after each kill, on either engine: it must see a letter that is not
// there and counters that drifted from the letters, not only say ok.

describe('the crash test’s checks', async () => {
  const ctx = await createTestContext()
  const write = (state: string) =>
    createLetter(ctx, {
      state,
      language: 'en',
      supporter: { name: 'Ama Owusu', city: 'Accra', country: 'GH' },
    })

  it('find every acknowledged letter, and name the one the database lacks', async () => {
    const ids = [(await write('GHA')).id, (await write('KEN')).id]
    expect(await checkLetters(ctx.db, new Set(ids))).toEqual({ present: 2, missing: [] })
    expect(await checkLetters(ctx.db, new Set([...ids, 'CB-NOTHERE']))).toEqual({
      present: 2,
      missing: ['CB-NOTHERE'],
    })
  })

  it('say the database is sound, then name the state whose counters differ from its letters', async () => {
    await write('SEN')
    await write('SEN')
    const sound = await checkSoundness(ctx.db)
    expect(sound.result).toBe('ok')
    expect(sound.checked).toContain(
      engineOf(ctx.db) === 'sqlite' ? 'integrity_check' : '`bt_index_check` of all',
    )
    // A counter that missed a letter (as a lost trigger update would leave it).
    await ctx.db
      .updateTable('state_letter_stats')
      .set({ written: 1 })
      .where('state_iso3', '=', 'SEN')
      .execute()
    expect((await checkSoundness(ctx.db)).result).toBe(
      "SEN's counters differ from its letters: written 1 kept, 2 counted",
    )
    // Counters without any letter behind them.
    await ctx.db
      .updateTable('state_letter_stats')
      .set({ written: 2 })
      .where('state_iso3', '=', 'SEN')
      .execute()
    await sql`insert into state_letter_stats (state_iso3, written) values ('FRA', 3)`.execute(ctx.db)
    expect((await checkSoundness(ctx.db)).result).toBe(
      "FRA's counters differ from its letters: written 3 kept, 0 counted",
    )
  })
})
