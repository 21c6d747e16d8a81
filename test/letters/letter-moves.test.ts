/**
 * The outbox moves a letter by id at every handover (moveLetterById) without reading it first:
 * the update itself names the states that may become the new one. It must refuse what the state
 * table refuses, exactly as changeLetterStatus does, and leave an erased letter alone.
 */
import { describe, expect, it } from 'vitest'
import { changeLetterStatus, findLetterRowByPublicId, moveLetterById } from '../../src/letters/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { ConflictError } from '../../src/lib/errors.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { createTestContext } from '../helpers/test-context.js'

const ctx = await createTestContext()
await setMission(ctx, 'FRA', FRANCE)
const now = ctx.clock.nowIso()

async function letterIn(status: 'draft' | 'queued') {
  const { id } = await createLetter(ctx, {
    state: 'FRA',
    language: 'en',
    supporter: { name: 'Moved Along', city: 'Lyon', country: 'FR', email: 'moved@example.org' },
  })
  let row = (await findLetterRowByPublicId(ctx.db, id))!
  if (status === 'queued') {
    row = await changeLetterStatus(ctx.db, row, 'awaiting_confirmation', {}, now)
    row = await changeLetterStatus(ctx.db, row, 'queued', {}, now)
  }
  return row
}

describe('moving a letter by id', () => {
  it('moves a queued letter to sending, then to sent with its Message-ID', async () => {
    const letter = await letterIn('queued')
    await moveLetterById(ctx.db, letter.id, 'sending', {}, now)
    expect((await findLetterRowByPublicId(ctx.db, letter.public_id))!.status).toBe('sending')
    await moveLetterById(ctx.db, letter.id, 'sent', { sent_at: now, message_id: '<m@x>' }, now)
    const sent = (await findLetterRowByPublicId(ctx.db, letter.public_id))!
    expect(sent).toMatchObject({ status: 'sent', sent_at: now, message_id: '<m@x>' })
  })

  it('refuses what the state table refuses, with the same reason, and changes nothing', async () => {
    const draft = await letterIn('draft')
    const viaRow = await changeLetterStatus(ctx.db, draft, 'sent', {}, now).catch((e: unknown) => e)
    const viaId = await moveLetterById(ctx.db, draft.id, 'sent', {}, now).catch((e: unknown) => e)
    expect(viaId).toBeInstanceOf(ConflictError)
    expect((viaId as Error).message).toBe((viaRow as Error).message)
    expect((await findLetterRowByPublicId(ctx.db, draft.public_id))!.status).toBe('draft')
  })

  it('leaves a letter that no longer exists alone', async () => {
    const letter = await letterIn('queued')
    await ctx.db.deleteFrom('letter').where('id', '=', letter.id).execute()
    await expect(moveLetterById(ctx.db, letter.id, 'sending', {}, now)).resolves.toBeUndefined()
  })
})
