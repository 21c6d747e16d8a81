import { describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { createTestContext } from '../helpers/test-context.js'

// The per-state letter counts are kept by triggers (migrations 0004, 0005): they must follow
// every kind of letter change and never make one fail.

describe('letter counts per state', async () => {
  const ctx = await createTestContext()
  const write = (state = 'GHA') =>
    createLetter(ctx, {
      state,
      language: 'en',
      supporter: { name: 'Ama Owusu', city: 'Accra', country: 'GH' },
    })
  const stats = (state = 'GHA') =>
    ctx.db.selectFrom('state_letter_stats').selectAll().where('state_iso3', '=', state).executeTakeFirst()

  it('follow a letter without a channel through any status (NULL-safe flags)', async () => {
    const letter = await write()
    for (const status of ['queued', 'sent', 'failed', 'uncertain'] as const) {
      await ctx.db
        .updateTable('letter')
        .set({ status, sent_at: status === 'sent' ? '2026-05-02T10:00:00.000Z' : null })
        .where('public_id', '=', letter.id)
        .execute()
    }
    expect(await stats()).toMatchObject({ written: 1, emailed: 0, delivered: 0, failed: 0 })
  })

  it('count a printed letter handed over, and forget a deleted letter', async () => {
    await write('KEN')
    const letter = await write('KEN')
    await ctx.db
      .updateTable('letter')
      .set({ printed_at: '2026-05-01T09:00:00.000Z', printed_delivered_at: '2026-05-03T09:00:00.000Z' })
      .where('public_id', '=', letter.id)
      .execute()
    expect(await stats('KEN')).toMatchObject({
      written: 2,
      printed: 1,
      delivered: 1,
      first_delivered_at: '2026-05-03T09:00:00.000Z',
    })
    await ctx.db.deleteFrom('letter').where('public_id', '=', letter.id).execute()
    expect(await stats('KEN')).toMatchObject({ written: 1, printed: 0, delivered: 0 })
    const direct = await ctx.db
      .selectFrom('letter')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state_iso3', '=', 'KEN')
      .executeTakeFirstOrThrow()
    expect(Number(direct.n)).toBe(1)
  })

  it('count the replies writers reported, as the letters say (migration 0006)', async () => {
    const letters = [await write('SEN'), await write('SEN'), await write('SEN')]
    const set = (
      id: string,
      values: {
        reply_requested_at?: string | null
        reply_answer?: 'replied' | 'acknowledged' | 'no_reply' | null
      },
    ) => ctx.db.updateTable('letter').set(values).where('public_id', '=', id).execute()
    for (const letter of letters) await set(letter.id, { reply_requested_at: '2026-05-20T08:00:00.000Z' })
    await set(letters[0]!.id, { reply_answer: 'no_reply' })
    await set(letters[0]!.id, { reply_answer: 'replied' })
    await set(letters[1]!.id, { reply_answer: 'acknowledged' })
    expect(await stats('SEN')).toMatchObject({
      reply_asked: 3,
      reply_replied: 1,
      reply_acknowledged: 1,
      reply_no_reply: 0,
    })
  })
})
