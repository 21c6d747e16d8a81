import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/connection.js'
import { migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { createTestContext } from '../helpers/test-context.js'

// Migration 0019 (asks) on a database of 0018 of the run's engine holding letters: every letter
// goes into the first ask, which starts on the first letter's day and aims at 193 states; the
// per-ask counters match a recount, follow later writes, and the migration undoes cleanly.

const ctx = await createTestContext()
const db: Database = ctx.db

async function insertLetter(n: number, state: string, createdAt: string): Promise<number> {
  const mission = await db
    .selectFrom('mission_version')
    .select('id')
    .where('state_iso3', '=', state)
    .where('valid_until', 'is', null)
    .executeTakeFirstOrThrow()
  const row = await db
    .insertInto('letter')
    .values({
      public_id: `pub-0019-${n}`,
      reference: `CB-0019${String(n).padStart(2, '0')}`,
      state_iso3: state,
      template_id: 'supporter-en',
      language: 'en',
      paper_size: 'a4',
      status: 'draft',
      supporter_name: 'A. Writer',
      supporter_organization: null,
      supporter_role: null,
      supporter_address_lines: '[]',
      supporter_city: null,
      supporter_country: null,
      supporter_email: null,
      personal_note: null,
      addressee: '{}',
      document: '{}',
      mission_version_id: mission.id,
      printed_at: null,
      channel: null,
      confirm_token_hash: null,
      confirm_expires_at: null,
      confirm_requested_at: null,
      reminded_at: null,
      confirmed_at: null,
      sent_at: null,
      message_id: null,
      outbox_id: null,
      printed_delivered_at: null,
      printed_delivered_by: null,
      reply_token_hash: null,
      reply_requested_at: null,
      reply_answer: null,
      reply_answered_at: null,
      personal_data_removed_at: null,
      draft_token_hash: null,
      source: null,
      created_at: createdAt,
      updated_at: createdAt,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

const recount = async () =>
  (
    await db
      .selectFrom('letter')
      .select(['ask_id', 'state_iso3', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['ask_id', 'state_iso3'])
      .orderBy('ask_id')
      .orderBy('state_iso3')
      .execute()
  ).map((r) => ({ ask_id: r.ask_id, state_iso3: r.state_iso3, written: Number(r.n) }))

const counters = async () =>
  (
    await db
      .selectFrom('ask_letter_stats')
      .selectAll()
      .where('written', '>', 0)
      .orderBy('ask_id')
      .orderBy('state_iso3')
      .execute()
  ).map((r) => ({ ...r, written: Number(r.written) }))

describe('migration 0019 on a database of 0018 with letters in it, on the run’s engine', () => {
  const ids: number[] = []

  beforeAll(async () => {
    await migrateTo(db, '0018-outbox-workers')
    ids.push(await insertLetter(1, 'FRA', '2026-03-04T09:00:00.000Z'))
    ids.push(await insertLetter(2, 'FRA', '2026-02-11T15:30:00.000Z'))
    ids.push(await insertLetter(3, 'KEN', '2026-05-20T08:00:00.000Z'))
    await migrateToLatest(db)
  })
  afterAll(async () => {
    if (ids.length > 0) await db.deleteFrom('letter').where('id', 'in', ids).execute()
  })

  it('makes the first ask, aimed at all 193 member states from the first letter’s day', async () => {
    const asks = await db.selectFrom('ask').selectAll().execute()
    expect(asks).toHaveLength(1)
    expect(asks[0]).toMatchObject({
      target_kind: 'all_members',
      goal_states_canvassed: 193,
      goal_supportive_states: null,
      goal_letters: null,
      starts_on: '2026-02-11',
      ends_on: null,
    })
  })

  it('puts every existing letter in the first ask, and counts them per state', async () => {
    const [ask] = await db.selectFrom('ask').select('id').execute()
    const letters = await db.selectFrom('letter').select(['id', 'ask_id']).where('id', 'in', ids).execute()
    expect(letters.map((l) => l.ask_id)).toEqual([ask!.id, ask!.id, ask!.id])
    expect(await counters()).toEqual([
      { ask_id: ask!.id, state_iso3: 'FRA', written: 2 },
      { ask_id: ask!.id, state_iso3: 'KEN', written: 1 },
    ])
  })

  it('keeps the counters in step as letters are written, moved and deleted', async () => {
    const [first] = await db.selectFrom('ask').select('id').execute()
    const second = await db
      .insertInto('ask')
      .values({
        title: 'The Council',
        purpose: 'p',
        target_kind: 'security_council',
        target_council_on: '2026-06-01',
        target_group: null,
        starts_on: '2026-06-01',
        created_at: '2026-06-01T00:00:00.000Z',
        updated_at: '2026-06-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const added = await insertLetter(4, 'USA', '2026-06-01T10:00:00.000Z')
    ids.push(added)
    await db.updateTable('letter').set({ ask_id: second.id }).where('id', '=', added).execute()
    await db
      .updateTable('letter')
      .set({ ask_id: second.id, state_iso3: 'GBR' })
      .where('id', '=', ids[0]!)
      .execute()
    await db.deleteFrom('letter').where('id', '=', ids[2]!).execute()
    ids.splice(2, 1)
    expect(await counters()).toEqual(await recount())
    expect(await counters()).toEqual([
      { ask_id: first!.id, state_iso3: 'FRA', written: 1 },
      { ask_id: second.id, state_iso3: 'GBR', written: 1 },
      { ask_id: second.id, state_iso3: 'USA', written: 1 },
    ])
    await db.deleteFrom('ask_letter_stats').execute()
    await db.deleteFrom('letter').where('id', 'in', ids).execute()
    ids.length = 0
    await db.deleteFrom('ask').where('id', '=', second.id).execute()
  })

  it('can be undone to 0018 and done again', async () => {
    await migrateTo(db, '0018-outbox-workers')
    const tables = (await db.introspection.getTables()).map((t) => t.name)
    expect(tables).not.toContain('ask')
    expect(tables).not.toContain('ask_letter_stats')
    const letter = (await db.introspection.getTables()).find((t) => t.name === 'letter')!
    expect(letter.columns.map((c) => c.name)).not.toContain('ask_id')
    await migrateToLatest(db)
    expect(await db.selectFrom('ask').select('target_kind').execute()).toEqual([
      { target_kind: 'all_members' },
    ])
  })
})
