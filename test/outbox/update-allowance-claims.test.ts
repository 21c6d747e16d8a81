/**
 * Two claims at once share one minute's allowance of updates. On PostgreSQL a claim runs READ
 * COMMITTED (claim.ts): without the allowance's own lock, two claims could both count the same
 * room and each take it. Each round queues more updates than the allowance and claims twice at
 * once; together the two claims never take more than UPDATES_PER_MINUTE.
 */
import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { claimBatch } from '../../src/outbox/claim.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'

const PER_MINUTE = 3
const ROUNDS = 12
const clock = manualClock(TEST_NOW)
const ctx = await createTestContext({ clock, env: { UPDATES_PER_MINUTE: String(PER_MINUTE) } })

describe('claims side by side', () => {
  it(`never take more than UPDATES_PER_MINUTE updates together (${ROUNDS} rounds)`, async () => {
    const taken: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      for (let n = 0; n < 2 * PER_MINUTE + 2; n++) {
        const member = await insertMember(ctx)
        await ctx.outbox.queue(ctx.db, {
          kind: 'member_update',
          memberId: member.id,
          recipients: [member.email as string],
        })
      }
      const [a, b] = await Promise.all([claimBatch(ctx, 10), claimBatch(ctx, 10)])
      const claimed = [...a.claimed, ...b.claimed]
      taken.push(claimed.length)
      // Sent now: the next round starts once they have left the rolling minute.
      await ctx.db
        .updateTable('outbox_message')
        .set({ status: 'sent', sent_at: clock.nowIso() })
        .where(
          'id',
          'in',
          claimed.map((c) => c.message.id),
        )
        .execute()
      clock.advance(61_000)
    }
    expect(taken).toEqual(Array(ROUNDS).fill(PER_MINUTE))
  })
})
