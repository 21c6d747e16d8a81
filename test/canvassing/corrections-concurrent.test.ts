import { describe, expect, it } from 'vitest'
import { addEngagement, setPosition } from '../../src/canvassing/engagements.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Two organizers correcting the same entry at the same moment (issue 18, item 5): each change is
// applied to the version the other left, so neither is lost; the history holds every version
// replaced, one after the other; the audit log one event per change. On PostgreSQL the requests
// run side by side (SERIALIZABLE, run again on a conflict); on SQLite one after the other.

const { app, ctx } = await buildTestApp()
const nadia = await signInOrganizer(app, ctx, { name: 'Nadia Organizer' })
const omar = await signInOrganizer(app, ctx, { name: 'Omar Organizer' })
const actor = actorOf(nadia.organizer)
const ROUNDS = 4

const call = (session: typeof nadia, method: 'PATCH' | 'POST', url: string, payload: object) =>
  app.inject({ method, url, headers: session.apiHeaders, payload })

/** A correction form of the state's desk, sent as the browser sends it (every field, and `revision`). */
const form = (session: typeof nadia, url: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: session.csrfToken }).toString(),
  })

/** The revision a desk's correction form carries for an entry, read from the page as a browser would. */
async function revisionInForm(session: typeof nadia, iso3: string, action: string): Promise<string> {
  const page = await app.inject({ url: `/organizers/states/${iso3}`, headers: { cookie: session.cookie } })
  const at = page.body.indexOf(`action="/organizers/states/${iso3}/${action}"`)
  expect(at, action).toBeGreaterThan(-1)
  return /name="revision" value="(\d+)"/.exec(page.body.slice(at, at + 400))![1]!
}

async function engagementRevisions(id: number) {
  return ctx.db
    .selectFrom('engagement_revision')
    .selectAll()
    .where('engagement_id', '=', id)
    .orderBy('id')
    .execute()
}

async function positionRevisions(id: number) {
  return ctx.db
    .selectFrom('state_position_revision')
    .selectAll()
    .where('position_id', '=', id)
    .orderBy('id')
    .execute()
}

describe('two organizers correcting the same engagement at once', () => {
  it('applies both edits, one on top of the other, and keeps both versions they replaced', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const logged = await addEngagement(ctx, actor, 'CHL', {
        kind: 'call',
        occurredOn: '2026-05-10',
        text: `Called the mission (round ${round}).`,
      })
      const [a, b] = await Promise.all([
        call(nadia, 'PATCH', `/api/engagements/${logged.id}`, {
          text: `Called the deputy (round ${round}).`,
          reason: 'Who we spoke to',
        }),
        call(omar, 'PATCH', `/api/engagements/${logged.id}`, { kind: 'meeting', reason: 'It was a meeting' }),
      ])
      expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([200, 200])
      const row = await ctx.db
        .selectFrom('engagement')
        .selectAll()
        .where('id', '=', logged.id)
        .executeTakeFirstOrThrow()
      // Each change on top of the other: neither lost.
      expect(row).toMatchObject({ kind: 'meeting', text: `Called the deputy (round ${round}).` })
      const history = await engagementRevisions(logged.id)
      expect(history).toHaveLength(2)
      // The first version replaced is the one logged; the second, the first change's result.
      expect(history[0]).toMatchObject({ kind: 'call', text: `Called the mission (round ${round}).` })
      const second = history[1]!
      const firstChange = history[0]!.reason
      expect(second).toMatchObject(
        firstChange === 'Who we spoke to'
          ? { kind: 'call', text: `Called the deputy (round ${round}).`, reason: 'It was a meeting' }
          : { kind: 'meeting', text: `Called the mission (round ${round}).`, reason: 'Who we spoke to' },
      )
      const events = (await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'CHL' })).filter(
        (e) => e.action === 'engagement.edit' && JSON.parse(e.details).engagementId === logged.id,
      )
      expect(events.map((e) => e.actor_label).sort()).toEqual(['Nadia Organizer', 'Omar Organizer'])
    }
  })

  it('withdraws once when both withdraw (the other told 409), and an edit racing a withdrawal never revives it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const logged = await addEngagement(ctx, actor, 'URY', {
        kind: 'call',
        occurredOn: '2026-05-11',
        text: `Called (round ${round}).`,
      })
      const both = await Promise.all([
        call(nadia, 'POST', `/api/engagements/${logged.id}/withdraw`, { reason: 'Wrong state' }),
        call(omar, 'POST', `/api/engagements/${logged.id}/withdraw`, { reason: 'Logged twice' }),
      ])
      expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409])
      expect(await engagementRevisions(logged.id)).toHaveLength(1)

      const other = await addEngagement(ctx, actor, 'URY', {
        kind: 'call',
        occurredOn: '2026-05-12',
        text: `Called again (round ${round}).`,
      })
      const [edit, withdraw] = await Promise.all([
        call(nadia, 'PATCH', `/api/engagements/${other.id}`, { text: 'Edited.', reason: 'Typo' }),
        call(omar, 'POST', `/api/engagements/${other.id}/withdraw`, { reason: 'Wrong state' }),
      ])
      expect(withdraw.statusCode).toBe(200)
      // The edit came first (both kept) or after the withdrawal (refused, nothing changed).
      expect([200, 409]).toContain(edit.statusCode)
      const row = await ctx.db
        .selectFrom('engagement')
        .selectAll()
        .where('id', '=', other.id)
        .executeTakeFirstOrThrow()
      expect(row.withdrawn_reason).toBe('Wrong state')
      expect(row.text).toBe(edit.statusCode === 200 ? 'Edited.' : `Called again (round ${round}).`)
      const history = await engagementRevisions(other.id)
      expect(history.map((h) => h.change)).toEqual(
        edit.statusCode === 200 ? ['edit', 'withdraw'] : ['withdraw'],
      )
    }
  })
})

describe('two organizers correcting the same position at once', () => {
  it('applies both edits and keeps both versions they replaced', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const noted = await setPosition(ctx, actor, 'NZL', {
        position: 'undecided',
        notedOn: '2026-05-13',
        note: `Round ${round}.`,
      })
      const [a, b] = await Promise.all([
        call(nadia, 'PATCH', `/api/positions/${noted.id}`, { position: 'supportive', reason: 'Misheard' }),
        call(omar, 'PATCH', `/api/positions/${noted.id}`, {
          note: `Round ${round}, per the PR.`,
          reason: 'Source',
        }),
      ])
      expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([200, 200])
      const row = await ctx.db
        .selectFrom('state_position')
        .selectAll()
        .where('id', '=', noted.id)
        .executeTakeFirstOrThrow()
      expect(row).toMatchObject({ position: 'supportive', note: `Round ${round}, per the PR.` })
      const history = await positionRevisions(noted.id)
      expect(history).toHaveLength(2)
      expect(history[0]).toMatchObject({ position: 'undecided', note: `Round ${round}.` })
    }
  })
})

describe('a correction made on a version someone else changed meanwhile', () => {
  it('is refused (409) on the desk, rather than undo the other change with the stale form’s values', async () => {
    const logged = await addEngagement(ctx, actor, 'PRY', {
      kind: 'call',
      occurredOn: '2026-05-14',
      text: 'Called the mision.',
    })
    const action = `engagements/${logged.id}/edit`
    // Both open the desk: their forms hold the same version (no change yet).
    const nadiaSaw = await revisionInForm(nadia, 'pry', action)
    const omarSaw = await revisionInForm(omar, 'pry', action)
    expect([nadiaSaw, omarSaw]).toEqual(['0', '0'])
    const stale = { kind: 'call', occurredOn: '2026-05-14', text: 'Called the mision.' }
    const [a, b] = await Promise.all([
      form(nadia, `/organizers/states/pry/${action}`, {
        ...stale,
        text: 'Called the mission.',
        reason: 'Typo',
        revision: nadiaSaw,
      }),
      form(omar, `/organizers/states/pry/${action}`, {
        ...stale,
        kind: 'meeting',
        reason: 'It was a meeting',
        revision: omarSaw,
      }),
    ])
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409])
    const refused = a.statusCode === 409 ? a : b
    expect(refused.body).toContain('was corrected by someone else since you opened it')
    const row = await ctx.db
      .selectFrom('engagement')
      .selectAll()
      .where('id', '=', logged.id)
      .executeTakeFirstOrThrow()
    // Exactly the change that was saved: the other did not undo it.
    expect([row.kind, row.text]).toEqual(
      a.statusCode === 303 ? ['call', 'Called the mission.'] : ['meeting', 'Called the mision.'],
    )
    expect(await engagementRevisions(logged.id)).toHaveLength(1)

    // Reloaded, the form carries the new version, and the correction goes through on top of it.
    const now = await revisionInForm(omar, 'pry', action)
    expect(now).toBe('1')
    const retried = await form(omar, `/organizers/states/pry/${action}`, {
      kind: 'meeting',
      occurredOn: row.occurred_on,
      text: 'Called the mission.',
      reason: 'It was a meeting',
      revision: now,
    })
    expect(retried.statusCode).toBe(303)
    expect(await engagementRevisions(logged.id)).toHaveLength(2)
  })

  it('is refused (409) in the API when `revision` is older than the entry, and withdrawals too', async () => {
    const noted = await setPosition(ctx, actor, 'PRY', {
      position: 'undecided',
      notedOn: '2026-05-14',
      note: '',
    })
    expect(
      (
        await call(nadia, 'PATCH', `/api/positions/${noted.id}`, {
          position: 'opposed',
          reason: 'x',
          revision: 0,
        })
      ).statusCode,
    ).toBe(200)
    const stale = await call(omar, 'PATCH', `/api/positions/${noted.id}`, {
      position: 'supportive',
      reason: 'y',
      revision: 0,
    })
    expect(stale.statusCode).toBe(409)
    const staleWithdrawal = await call(omar, 'POST', `/api/positions/${noted.id}/withdraw`, {
      reason: 'z',
      revision: 0,
    })
    expect(staleWithdrawal.statusCode).toBe(409)
    const bad = await call(omar, 'PATCH', `/api/positions/${noted.id}`, { reason: 'y', revision: -1 })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().field).toBe('revision')
    const row = await ctx.db
      .selectFrom('state_position')
      .selectAll()
      .where('id', '=', noted.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ position: 'opposed', withdrawn_at: null })
    expect(await positionRevisions(noted.id)).toHaveLength(1)
    // Without `revision`, a client is taken at its word (as before): the change goes on top.
    expect(
      (await call(omar, 'PATCH', `/api/positions/${noted.id}`, { note: 'Per the PR.', reason: 'Source' }))
        .statusCode,
    ).toBe(200)
  })
})
