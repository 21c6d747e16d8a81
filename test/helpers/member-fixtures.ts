import type { AppContext } from '../../src/context.js'
import type { NewMemberRow } from '../../src/db/schema.js'
import { newPublicId } from '../../src/lib/tokens.js'

let counter = 0

/**
 * A member row as the join form leaves it once confirmed (an individual in Kenya who consented to
 * updates); `over` changes what a case needs.
 */
export async function insertMember(ctx: Pick<AppContext, 'db'>, over: Partial<NewMemberRow> = {}) {
  counter++
  const at = '2026-05-01T10:00:00.000Z'
  return ctx.db
    .insertInto('member')
    .values({
      public_id: newPublicId(),
      kind: 'individual',
      status: 'active',
      email: `member${counter}@example.org`,
      name: `Member ${counter}`,
      country: 'KE',
      helps: JSON.stringify(['letters']),
      source: 'join_form',
      consent_updates: 1,
      consent_version: '2026-11-30',
      consent_at: at,
      confirmed_at: at,
      created_at: at,
      updated_at: at,
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}
