import { describe, expect, it } from 'vitest'
import {
  addEngagement,
  currentPosition,
  getResponsiveness,
  listEngagements,
  positionHistory,
  setPosition,
} from '../../src/canvassing/engagements.service.js'
import { type AppError, NotFoundError, ValidationError } from '../../src/lib/errors.js'
import { type Actor, listAuditEvents, SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { createTestContext } from '../helpers/test-context.js'

// The test clock stands at 2026-06-01T12:00Z.
const ctx = await createTestContext()

async function organizer(name: string): Promise<Actor> {
  const now = ctx.clock.nowIso()
  const row = await ctx.db
    .insertInto('organizer')
    .values({
      email: `${name.toLowerCase().replace(/\W+/g, '.')}@campaign.example`,
      name,
      role: 'organizer',
      password_hash: 'not-a-real-hash',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { kind: 'organizer', id: row.id, name }
}

const amara = await organizer('Amara Diallo')

/** The field errors the call was refused with (and that it was refused with a ValidationError). */
async function fieldErrors(call: Promise<unknown>): Promise<Record<string, string>> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return (error as ValidationError).errors
}

async function rowCount(table: 'engagement' | 'state_position' | 'audit_event'): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('engagements', () => {
  it('records a meeting with its author, audits it in the same change, and lists it', async () => {
    const added = await addEngagement(ctx, amara, 'fra', {
      kind: 'meeting',
      occurredOn: '2026-05-28',
      text: '  Met the legal adviser;\r\nshe asked for the draft statute.  ',
    })
    expect(added).toMatchObject({
      iso3: 'FRA',
      kind: 'meeting',
      occurredOn: '2026-05-28',
      text: 'Met the legal adviser;\nshe asked for the draft statute.',
      source: 'organizer',
      author: 'Amara Diallo',
      letterReference: null,
      createdAt: '2026-06-01T12:00:00.000Z',
    })
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA' })
    expect(audit).toMatchObject({
      action: 'engagement.add',
      organizer_id: amara.kind === 'organizer' ? amara.id : -1,
      actor_label: 'Amara Diallo',
      at: '2026-06-01T12:00:00.000Z',
      summary: 'Meeting, France, 2026-05-28',
    })
    expect(JSON.parse(audit!.details)).toMatchObject({ engagementId: added.id, kind: 'meeting' })
  })

  it('lists a state newest first, and says who logged each entry', async () => {
    await addEngagement(ctx, amara, 'GHA', { kind: 'call', occurredOn: '2026-04-02', text: 'First call' })
    await addEngagement(ctx, SHELL_ACTOR, 'GHA', {
      kind: 'note',
      occurredOn: '2026-05-20',
      text: 'Later note',
    })
    await addEngagement(ctx, amara, 'GHA', { kind: 'acknowledgement', occurredOn: '2026-05-20' })
    const list = await listEngagements(ctx, 'GHA')
    expect(list.map((e) => [e.occurredOn, e.kind, e.author])).toEqual([
      ['2026-05-20', 'acknowledgement', 'Amara Diallo'],
      ['2026-05-20', 'note', 'Command line'],
      ['2026-04-02', 'call', 'Amara Diallo'],
    ])
    const audit = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'GHA' })
    expect(audit.map((a) => a.actor_label)).toEqual(['Amara Diallo', 'shell', 'Amara Diallo'])
  })

  it('reports every field at fault at once, and records nothing', async () => {
    const before = [await rowCount('engagement'), await rowCount('audit_event')]
    expect(await fieldErrors(addEngagement(ctx, amara, 'FRA', {}))).toEqual({
      kind: 'Choose what happened from the list.',
      occurredOn: 'The date it happened is required (YYYY-MM-DD).',
    })
    const errors = await fieldErrors(
      addEngagement(ctx, amara, 'FRA', { kind: 'lunch', occurredOn: '2026-06-02', text: 'x'.repeat(4001) }),
    )
    expect(Object.keys(errors).sort()).toEqual(['kind', 'occurredOn', 'text'])
    expect(errors.occurredOn).toBe('The date it happened cannot be in the future (today is 2026-06-01).')
    expect(errors.text).toBe('The description can be at most 4,000 characters (it has 4,001).')
    expect(before).toEqual([await rowCount('engagement'), await rowCount('audit_event')])
  })

  it('answers garbage with field errors, never a crash', async () => {
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      'meeting',
      ['meeting', '2026-05-01'],
      { kind: 7, occurredOn: 20260501, text: 12 },
      { kind: ['meeting'], occurredOn: ['2026-05-01'], text: ['a', 'b'] },
      { kind: { $ne: null }, occurredOn: { toString: 1 }, text: { length: 3 } },
      { kind: 'meeting', occurredOn: '2026-02-30' },
      { kind: 'meeting', occurredOn: '2026-5-1' },
      { kind: 'meeting', occurredOn: '01/05/2026' },
      { kind: 'meeting', occurredOn: '2026-05-01T10:00:00Z' },
      { kind: '__proto__', occurredOn: '2026-05-01' },
      { kind: 'note', occurredOn: '2026-05-01', text: '   ' },
      { kind: 'note', occurredOn: '2026-05-01', text: 'abc\u202edef' },
      { kind: 'note', occurredOn: '2026-05-01', text: 'bell\u0007' },
      { kind: 'note', occurredOn: '2026-05-01', text: 'é'.repeat(1_000_000) },
    ]
    for (const input of garbage) {
      const error = await addEngagement(ctx, amara, 'FRA', input).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error, JSON.stringify(input)?.slice(0, 80)).toBeInstanceOf(ValidationError)
      expect((error as AppError).statusCode).toBe(400)
    }
    const bidi = await fieldErrors(
      addEngagement(ctx, amara, 'FRA', { kind: 'note', occurredOn: '2026-05-01', text: 'abc\u2066def' }),
    )
    expect(bidi).toEqual({
      text: 'The description contains invisible text-direction characters; please type it again.',
    })
  })

  it('keeps markup as typed: pages escape it where they show it', async () => {
    const text = '<script>alert("x")</script> & <b>bold</b>'
    const added = await addEngagement(ctx, amara, 'KEN', { kind: 'note', occurredOn: '2026-05-01', text })
    expect(added.text).toBe(text)
  })

  it('refuses a state the directory does not have with a 404, whatever the input', async () => {
    for (const iso3 of ['ZZZ', '', 'FR', 'FRANCE', '../FRA', 42 as unknown as string]) {
      await expect(
        addEngagement(ctx, amara, iso3, { kind: 'meeting', occurredOn: '2026-05-01' }),
      ).rejects.toThrow(NotFoundError)
      await expect(listEngagements(ctx, iso3)).rejects.toThrow(NotFoundError)
    }
    // Observers are in the directory and may be canvassed.
    const holySee = await addEngagement(ctx, amara, 'VAT', { kind: 'call', occurredOn: '2026-05-01' })
    expect(holySee.iso3).toBe('VAT')
  })
})

describe('positions', () => {
  it('starts unknown, then the latest record is current, with its history and audit', async () => {
    expect(await currentPosition(ctx, 'BRA')).toBeNull()
    await setPosition(ctx, amara, 'BRA', { position: 'undecided', notedOn: '2026-05-02', note: '' })
    const now = await setPosition(ctx, SHELL_ACTOR, 'bra', {
      position: 'supportive',
      notedOn: '2026-05-30',
      note: 'Said so in the Fifth Committee.',
    })
    expect(now).toMatchObject({ iso3: 'BRA', position: 'supportive', author: 'Command line' })
    expect(await currentPosition(ctx, 'BRA')).toEqual(now)
    const history = await positionHistory(ctx, 'BRA')
    expect(history.map((p) => [p.position, p.author])).toEqual([
      ['supportive', 'Command line'],
      ['undecided', 'Amara Diallo'],
    ])
    const audit = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'BRA' })
    expect(audit.map((a) => [a.action, a.actor_label, a.summary])).toEqual([
      ['position.set', 'shell', 'Position of Brazil: Undecided → Supportive'],
      ['position.set', 'Amara Diallo', 'Position of Brazil: Unknown → Undecided'],
    ])
  })

  it('reports every field at fault, and records nothing', async () => {
    const before = [await rowCount('state_position'), await rowCount('audit_event')]
    const errors = await fieldErrors(
      setPosition(ctx, amara, 'BRA', { position: 'maybe', notedOn: '2099-01-01', note: 'n'.repeat(2001) }),
    )
    expect(Object.keys(errors).sort()).toEqual(['note', 'notedOn', 'position'])
    for (const input of [null, [], 5, { position: ['supportive'], notedOn: 1, note: {} }]) {
      await expect(setPosition(ctx, amara, 'BRA', input)).rejects.toThrow(ValidationError)
    }
    await expect(
      setPosition(ctx, amara, 'XXX', { position: 'supportive', notedOn: '2026-05-01' }),
    ).rejects.toThrow(NotFoundError)
    expect(before).toEqual([await rowCount('state_position'), await rowCount('audit_event')])
  })
})

describe('responsiveness', () => {
  it('is empty while no writer was asked', async () => {
    expect(await getResponsiveness(ctx)).toEqual([])
  })
})
