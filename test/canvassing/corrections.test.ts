import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import {
  addEngagement,
  recordSupporterAnswer,
  setPosition,
} from '../../src/canvassing/engagements.service.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Corrections (issue 18, item 5): engagements, positions and "mark delivered" edited or withdrawn,
// the version before kept with who, when and why, audited, and coverage falling back.

const { app, ctx } = await buildTestApp()
const nadia = await signInOrganizer(app, ctx, { name: 'Nadia Organizer' })
const viewer = await signInOrganizer(app, ctx, { name: 'Vera Viewer', role: 'viewer' })
const actor = actorOf(nadia.organizer)

const post = (url: string, payload: Record<string, unknown>, session = nadia) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie },
    payload: { ...payload, _csrf: session.csrfToken },
  })
const api = (method: 'PATCH' | 'POST' | 'GET', url: string, payload?: Record<string, unknown>) =>
  app.inject({ method, url, headers: nadia.apiHeaders, ...(payload ? { payload } : {}) })
const stateOf = async (iso3: string) =>
  (await getCoverage(ctx, 'organizers')).states.find((s) => s.iso3 === iso3)!

async function csvRow(iso3: string): Promise<Record<string, string> | undefined> {
  const res = await app.inject({
    method: 'GET',
    url: '/organizers/coverage.csv',
    headers: { cookie: nadia.cookie },
  })
  const rows = parse(res.rawPayload, { bom: true, columns: true }) as Record<string, string>[]
  return rows.find((r) => r.ISO3 === iso3)
}

async function dashboardMapLabel(name: string): Promise<string | undefined> {
  const res = await app.inject({ method: 'GET', url: '/organizers', headers: { cookie: nadia.cookie } })
  // The map's tooltip and the status class of the state's shape, as the page draws them.
  return new RegExp(`${name}: ([A-Za-z ]+)`).exec(res.body)?.[1]
}

describe('withdrawing a mistaken engagement', () => {
  it('is kept with who, when and why, audited, and the state it alone canvassed is no longer canvassed', async () => {
    const logged = await addEngagement(ctx, actor, 'NPL', {
      kind: 'call',
      occurredOn: '2026-05-20',
      text: 'Called the mission (in fact it was Nepal’s neighbour).',
    })
    expect(await stateOf('NPL')).toMatchObject({
      canvassed: true,
      status: 'contacted',
      canvassedOn: '2026-05-20',
    })
    expect((await csvRow('NPL'))?.Canvassed).toBe('yes')
    expect(await dashboardMapLabel('Nepal')).toBe('Contacted')
    const totalBefore = (await getCoverage(ctx, 'organizers')).totals.canvassed

    const res = await post(`/organizers/states/npl/engagements/${logged.id}/withdraw`, {
      reason: 'Logged against the wrong state',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/states/npl?saved=withdrawn#engagements')

    expect(await stateOf('NPL')).toMatchObject({
      canvassed: false,
      status: 'not_contacted',
      canvassedOn: null,
    })
    expect((await getCoverage(ctx, 'organizers')).totals.canvassed).toBe(totalBefore - 1)
    expect(await csvRow('NPL')).toMatchObject({
      Canvassed: 'no',
      Status: 'Not contacted',
      'First contact': '',
    })
    expect(await dashboardMapLabel('Nepal')).toBe('Not contacted')
    const publicApi = (await app.inject({ method: 'GET', url: '/api/coverage' })).json()
    expect(JSON.stringify(publicApi)).toContain('NPL')
    const nepal = (publicApi.states as { iso3: string; status: string }[]).find((s) => s.iso3 === 'NPL')
    expect(nepal?.status).toBe('not_contacted')

    // Never deleted: the row is there, marked, and its history holds the version withdrawn.
    const row = await ctx.db
      .selectFrom('engagement')
      .selectAll()
      .where('id', '=', logged.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      withdrawn_by: nadia.organizer.id,
      withdrawn_reason: 'Logged against the wrong state',
    })
    expect(row.withdrawn_at).toBe(ctx.clock.nowIso())
    const history = await ctx.db
      .selectFrom('engagement_revision')
      .selectAll()
      .where('engagement_id', '=', logged.id)
      .execute()
    expect(history).toEqual([
      expect.objectContaining({
        change: 'withdraw',
        kind: 'call',
        occurred_on: '2026-05-20',
        reason: 'Logged against the wrong state',
        actor_label: 'Nadia Organizer',
        organizer_id: nadia.organizer.id,
      }),
    ])
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'NPL' })
    expect(event).toMatchObject({ action: 'engagement.withdraw', actor_label: 'Nadia Organizer' })
    expect(JSON.parse(event!.details)).toMatchObject({
      engagementId: logged.id,
      reason: 'Logged against the wrong state',
    })

    // The desk still shows it, struck out, with the reason.
    const desk = await app.inject({
      method: 'GET',
      url: '/organizers/states/npl',
      headers: { cookie: nadia.cookie },
    })
    expect(desk.body).toContain('desk-entry--withdrawn')
    expect(desk.body).toContain('Logged against the wrong state')

    // A second withdrawal is refused (409), and so is a withdrawal without a reason (422, field named).
    expect(
      (await api('POST', `/api/engagements/${logged.id}/withdraw`, { reason: 'again' })).statusCode,
    ).toBe(409)
  })

  it('asks for a reason, checks the state, and is for organizers with canvassing.edit only', async () => {
    const logged = await addEngagement(ctx, actor, 'BTN', {
      kind: 'meeting',
      occurredOn: '2026-05-21',
      text: '',
    })
    const noReason = await post(`/organizers/states/btn/engagements/${logged.id}/withdraw`, { reason: '  ' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.body).toContain('Say why it is corrected')
    const apiNoReason = await api('POST', `/api/engagements/${logged.id}/withdraw`, { reason: '' })
    expect(apiNoReason.statusCode).toBe(400)
    expect(apiNoReason.json().field).toBe('reason')
    // Another state's path does not reach it.
    expect(
      (await post(`/organizers/states/npl/engagements/${logged.id}/withdraw`, { reason: 'x' })).statusCode,
    ).toBe(404)
    expect(
      (await post(`/organizers/states/btn/engagements/${logged.id}/withdraw`, { reason: 'x' }, viewer))
        .statusCode,
    ).toBe(403)
    expect((await api('POST', '/api/engagements/99999999/withdraw', { reason: 'x' })).statusCode).toBe(404)
    expect((await stateOf('BTN')).status).toBe('engaged')
    expect(
      await ctx.db
        .selectFrom('engagement_revision')
        .selectAll()
        .where('engagement_id', '=', logged.id)
        .execute(),
    ).toEqual([])
  })
})

describe('editing an engagement', () => {
  it('keeps the version before with the reason; coverage follows the new kind and day', async () => {
    const logged = await addEngagement(ctx, actor, 'LAO', {
      kind: 'meeting',
      occurredOn: '2026-05-10',
      text: 'Met the Ambassador.',
    })
    expect((await stateOf('LAO')).status).toBe('engaged')
    const res = await api('PATCH', `/api/engagements/${logged.id}`, {
      kind: 'call',
      occurredOn: '2026-05-12',
      reason: 'It was a phone call, two days later',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().revisions).toEqual([
      expect.objectContaining({
        change: 'edit',
        by: 'Nadia Organizer',
        reason: 'It was a phone call, two days later',
        before: { kind: 'meeting', occurredOn: '2026-05-10', text: 'Met the Ambassador.' },
      }),
    ])
    expect(await stateOf('LAO')).toMatchObject({ status: 'contacted', canvassedOn: '2026-05-12' })
    const row = await ctx.db
      .selectFrom('engagement')
      .selectAll()
      .where('id', '=', logged.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ kind: 'call', occurred_on: '2026-05-12', text: 'Met the Ambassador.' })
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'LAO' })
    expect(event?.action).toBe('engagement.edit')
    expect(JSON.parse(event!.details)).toMatchObject({
      before: { kind: 'meeting', occurredOn: '2026-05-10' },
      after: { kind: 'call', occurredOn: '2026-05-12' },
    })
    // Bad input names its field, changes nothing.
    const future = await api('PATCH', `/api/engagements/${logged.id}`, {
      occurredOn: '2027-01-01',
      reason: 'typo',
    })
    expect(future.statusCode).toBe(400)
    expect(future.json().field).toBe('occurredOn')
    const same = await api('PATCH', `/api/engagements/${logged.id}`, { kind: 'call', reason: 'nothing' })
    expect(same.statusCode).toBe(400)
    const history = await api('GET', `/api/engagements/${logged.id}/history`)
    expect(history.json().revisions).toHaveLength(1)
  })
})

describe('positions', () => {
  it('withdrawing the latest makes the previous current again; editing keeps the version before', async () => {
    await setPosition(ctx, actor, 'MNG', { position: 'undecided', notedOn: '2026-05-01', note: '' })
    const wrong = await setPosition(ctx, actor, 'MNG', {
      position: 'opposed',
      notedOn: '2026-05-15',
      note: 'Misheard',
    })
    expect((await stateOf('MNG')).position).toBe('opposed')
    const res = await post(`/organizers/states/mng/positions/${wrong.id}/withdraw`, {
      reason: 'Misheard at the reception',
    })
    expect(res.statusCode).toBe(303)
    expect(await stateOf('MNG')).toMatchObject({ position: 'undecided', positionNotedOn: '2026-05-01' })

    const current = await ctx.db
      .selectFrom('state_position')
      .selectAll()
      .where('state_iso3', '=', 'MNG')
      .where('withdrawn_at', 'is', null)
      .executeTakeFirstOrThrow()
    const edit = await post(`/organizers/states/mng/positions/${current.id}/edit`, {
      position: 'supportive',
      notedOn: '2026-05-02',
      note: 'Said so in the Fifth Committee',
      reason: 'Recorded the wrong way round',
    })
    expect(edit.statusCode).toBe(303)
    expect(await stateOf('MNG')).toMatchObject({ position: 'supportive', positionNotedOn: '2026-05-02' })
    const revisions = await api('GET', `/api/positions/${current.id}/history`)
    expect(revisions.json().revisions).toEqual([
      expect.objectContaining({
        change: 'edit',
        before: { position: 'undecided', notedOn: '2026-05-01', note: '' },
      }),
    ])
    const withdrawn = await api('GET', `/api/positions/${wrong.id}/history`)
    expect(withdrawn.json().revisions).toEqual([
      expect.objectContaining({
        change: 'withdraw',
        reason: 'Misheard at the reception',
        before: expect.objectContaining({ position: 'opposed' }),
      }),
    ])
    const actions = (await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'MNG' })).map(
      (e) => e.action,
    )
    expect(actions.slice(0, 2)).toEqual(['position.edit', 'position.withdraw'])
  })
})

describe('undoing "mark delivered"', () => {
  it('takes the letter off the delivered count, keeps what it was, and the state it alone canvassed falls back', async () => {
    const letter = await createLetter(ctx, {
      state: 'KHM',
      supporter: { name: 'Sophea Chan', city: 'Phnom Penh', country: 'KH' },
    })
    await markLetterPrinted(ctx, letter.id)
    const marked = await post(`/organizers/states/khm/letters/${letter.id}/delivered`, {})
    expect(marked.statusCode).toBe(303)
    expect(await stateOf('KHM')).toMatchObject({
      canvassed: true,
      letters: expect.objectContaining({ delivered: 1 }),
    })
    const deliveredAt = (
      await ctx.db
        .selectFrom('letter')
        .select('printed_delivered_at')
        .where('public_id', '=', letter.id)
        .executeTakeFirstOrThrow()
    ).printed_delivered_at

    const noReason = await post(`/organizers/states/khm/letters/${letter.id}/delivery`, {
      action: 'undo',
      reason: '',
    })
    expect(noReason.statusCode).toBe(422)
    const badDay = await post(`/organizers/states/khm/letters/${letter.id}/delivery`, {
      action: 'redate',
      deliveredOn: '2026-13-01',
      reason: 'x',
    })
    expect(badDay.statusCode).toBe(422)
    expect(badDay.body).toContain('The delivery date must be a real date')

    const redated = await post(`/organizers/states/khm/letters/${letter.id}/delivery`, {
      action: 'redate',
      deliveredOn: '2026-05-05',
      reason: 'Handed over on the 5th',
    })
    expect(redated.statusCode).toBe(303)
    expect(await stateOf('KHM')).toMatchObject({
      canvassedOn: '2026-05-05',
      firstContactOn: '2026-05-05',
      lastContactOn: '2026-05-05',
    })

    const undone = await post(`/organizers/states/khm/letters/${letter.id}/delivery`, {
      action: 'undo',
      reason: 'Never left the office',
    })
    expect(undone.statusCode).toBe(303)
    expect(await stateOf('KHM')).toMatchObject({
      canvassed: false,
      canvassedOn: null,
      firstContactOn: null,
      letters: expect.objectContaining({ delivered: 0, printed: 1 }),
    })
    expect(await csvRow('KHM')).toMatchObject({ Canvassed: 'no', 'Letters delivered': '0' })
    const stats = await ctx.db
      .selectFrom('state_letter_stats')
      .selectAll()
      .where('state_iso3', '=', 'KHM')
      .executeTakeFirstOrThrow()
    expect(stats).toMatchObject({ delivered: 0, first_delivered_at: null, last_delivered_at: null })

    const history = await ctx.db.selectFrom('letter_delivery_revision').selectAll().orderBy('id').execute()
    expect(history.map((h) => [h.change, h.printed_delivered_at, h.reason, h.actor_label])).toEqual([
      ['redate', deliveredAt, 'Handed over on the 5th', 'Nadia Organizer'],
      ['undo', '2026-05-05T12:00:00.000Z', 'Never left the office', 'Nadia Organizer'],
    ])
    const actions = (await listAuditEvents(ctx.db, { subjectType: 'letter' })).map((e) => e.action)
    expect(actions.slice(0, 3)).toEqual([
      'letter.delivery_undone',
      'letter.delivery_redated',
      'letter.delivered_by_hand',
    ])
    // Nothing left to undo: 409; and it can be marked delivered again.
    expect(
      (
        await post(`/organizers/states/khm/letters/${letter.id}/delivery`, {
          action: 'undo',
          reason: 'again',
        })
      ).statusCode,
    ).toBe(409)
    expect((await post(`/organizers/states/khm/letters/${letter.id}/delivered`, {})).statusCode).toBe(303)
    expect((await stateOf('KHM')).canvassed).toBe(true)
  })
})

describe('the corrections API in the OpenAPI document', () => {
  it('declares each route under the canvassing tag with its answers', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    for (const [path, method] of [
      ['/api/engagements/{id}', 'patch'],
      ['/api/engagements/{id}/withdraw', 'post'],
      ['/api/engagements/{id}/history', 'get'],
      ['/api/positions/{id}', 'patch'],
      ['/api/positions/{id}/withdraw', 'post'],
      ['/api/positions/{id}/history', 'get'],
    ] as const) {
      const operation = doc.paths[path]?.[method]
      expect(operation?.tags, `${method} ${path}`).toEqual(['canvassing'])
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '404']))
    }
  })
})

describe("a supporter's answer and a viewer", () => {
  it("refuses to edit a supporter's answer (409) but withdraws it; a viewer sees no correction form", async () => {
    const letter = await createLetter(ctx, { state: 'TGO', supporter: { name: 'Kossi Mensah' } })
    const row = await ctx.db
      .selectFrom('letter')
      .select('id')
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    await recordSupporterAnswer(ctx, ctx.db, { letterId: row.id, iso3: 'TGO', answer: 'replied' })
    const answer = await ctx.db
      .selectFrom('engagement')
      .selectAll()
      .where('letter_id', '=', row.id)
      .executeTakeFirstOrThrow()
    expect((await stateOf('TGO')).status).toBe('replied')
    const edit = await api('PATCH', `/api/engagements/${answer.id}`, { kind: 'call', reason: 'tidy' })
    expect(edit.statusCode).toBe(409)
    expect(
      await ctx.db
        .selectFrom('engagement_revision')
        .selectAll()
        .where('engagement_id', '=', answer.id)
        .execute(),
    ).toEqual([])
    const withdrawn = await api('POST', `/api/engagements/${answer.id}/withdraw`, {
      reason: 'The writer wrote to us: no reply came',
    })
    expect(withdrawn.statusCode).toBe(200)
    expect(await stateOf('TGO')).toMatchObject({ status: 'not_contacted', canvassed: false })

    const logged = await addEngagement(ctx, actor, 'TGO', {
      kind: 'call',
      occurredOn: '2026-05-25',
      text: 'Called.',
    })
    const asViewer = await app.inject({
      method: 'GET',
      url: '/organizers/states/tgo',
      headers: { cookie: viewer.cookie },
    })
    expect(asViewer.statusCode).toBe(200)
    expect(asViewer.body).not.toContain(`/engagements/${logged.id}/withdraw`)
    const asOrganizer = await app.inject({
      method: 'GET',
      url: '/organizers/states/tgo',
      headers: { cookie: nadia.cookie },
    })
    expect(asOrganizer.body).toContain(`/engagements/${logged.id}/withdraw`)
    expect(asOrganizer.body).toContain(`/engagements/${logged.id}/edit`)
  })
})
