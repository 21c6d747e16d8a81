import { describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { addEngagement, setPosition } from '../../src/canvassing/engagements.service.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// A position stays the organizers' until one of them publishes it (issue 18, item 4): until then
// no public surface may give it away, and a state's status is one way to give it away ("engaged"
// only because it took a position). Organizers' pages keep showing everything.

const { app, ctx } = await buildTestApp()
const nadia = await signInOrganizer(app, ctx, { name: 'Nadia Organizer' })
const actor = actorOf(nadia.organizer)

const publish = (iso3: string, published: '0' | '1') =>
  app.inject({
    method: 'POST',
    url: `/organizers/states/${iso3}/position-publication`,
    headers: { cookie: nadia.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(nadia.csrfToken)}&published=${published}`,
  })

interface PublicFigures {
  apiStatus: string
  apiEngaged: number
  apiGroupEngaged: number
  progressRowStatus: string | undefined
  progressMapLabel: string | undefined
  progressLegendEngaged: string | undefined
  homeEngaged: string | undefined
  asksSupportive: number
  askStateStatus: string
  askStateSupportive: boolean
}

/** What every public surface says about Norway (Western European and others) and the engaged states. */
async function publicFigures(): Promise<PublicFigures> {
  const coverage = (await app.inject({ url: '/api/coverage' })).json()
  const norway = coverage.states.find((s: { iso3: string }) => s.iso3 === 'NOR')
  const progress = (await app.inject({ url: '/progress' })).body
  const rowAt = progress.indexOf('href="/states/nor"', progress.indexOf('coverage-table'))
  const row = progress.slice(rowAt, progress.indexOf('</tr>', rowAt))
  const home = (await app.inject({ url: '/' })).body
  const asks = (await app.inject({ url: '/api/asks' })).json()
  const firstAsk = asks.asks[0]
  const detail = (await app.inject({ url: `/api/asks/${firstAsk.id}` })).json()
  const norwayInAsk = detail.states.find((s: { iso3: string }) => s.iso3 === 'NOR')
  return {
    apiStatus: norway.status,
    apiEngaged: coverage.totals.byStatus.engaged,
    apiGroupEngaged: coverage.groups.find((g: { group: string }) => g.group === 'western_european_others')
      .byStatus.engaged,
    progressRowStatus: /status-badge--([a-z_]+)/.exec(row)?.[1],
    progressMapLabel: /Norway: ([A-Za-z ]+),/.exec(progress)?.[1],
    progressLegendEngaged: /Engaged[^0-9]*?(\d+)/.exec(
      progress.slice(progress.indexOf('map-legend'), progress.indexOf('map-legend') + 3000),
    )?.[1],
    homeEngaged: /status-badge--engaged">[^<]*<\/span> <strong>(\d+)<\/strong>/.exec(home)?.[1],
    asksSupportive: asks.campaign.supportiveStates,
    askStateStatus: norwayInAsk.status,
    askStateSupportive: norwayInAsk.supportive,
  }
}

describe('an unpublished position on the public pages', () => {
  it('leaves a state only it made "engaged" as it would be without it, everywhere the public looks, until published', async () => {
    // Norway was called (contacted), then said it supports the proposal: engaged, for organizers.
    await addEngagement(ctx, actor, 'NOR', { kind: 'call', occurredOn: '2026-05-02', text: 'Called.' })
    await setPosition(ctx, actor, 'NOR', { position: 'supportive', notedOn: '2026-05-03', note: '' })
    // Kenya met an organizer: engaged by the meeting, whatever its (unpublished) position.
    await addEngagement(ctx, actor, 'KEN', { kind: 'meeting', occurredOn: '2026-05-04', text: 'Met.' })
    await setPosition(ctx, actor, 'KEN', { position: 'opposed', notedOn: '2026-05-04', note: '' })

    const organizers = await getCoverage(ctx, 'organizers')
    expect(organizers.states.find((s) => s.iso3 === 'NOR')).toMatchObject({
      status: 'engaged',
      position: 'supportive',
    })
    expect(organizers.totals.byStatus.engaged).toBe(2)
    const dashboard = await app.inject({ url: '/organizers', headers: { cookie: nadia.cookie } })
    expect(/Norway: ([A-Za-z ]+)/.exec(dashboard.body)?.[1]).toBe('Engaged')

    expect(await publicFigures()).toEqual({
      apiStatus: 'contacted',
      apiEngaged: 1,
      apiGroupEngaged: 0,
      progressRowStatus: 'contacted',
      progressMapLabel: 'Contacted',
      progressLegendEngaged: '1',
      homeEngaged: '1',
      asksSupportive: 0,
      askStateStatus: 'contacted',
      askStateSupportive: false,
    })
    const kenya = (await app.inject({ url: '/api/coverage' }))
      .json()
      .states.find((s: { iso3: string }) => s.iso3 === 'KEN')
    expect(kenya).toMatchObject({ status: 'engaged', position: 'unknown' })

    expect((await publish('nor', '1')).statusCode).toBe(303)
    expect(await publicFigures()).toEqual({
      apiStatus: 'engaged',
      apiEngaged: 2,
      apiGroupEngaged: 1,
      progressRowStatus: 'engaged',
      progressMapLabel: 'Engaged',
      progressLegendEngaged: '2',
      homeEngaged: '2',
      asksSupportive: 1,
      askStateStatus: 'engaged',
      askStateSupportive: true,
    })

    expect((await publish('nor', '0')).statusCode).toBe(303)
    expect((await publicFigures()).apiStatus).toBe('contacted')
    // The organizers' pages never changed.
    const after = await app.inject({ url: '/organizers', headers: { cookie: nadia.cookie } })
    expect(/Norway: ([A-Za-z ]+)/.exec(after.body)?.[1]).toBe('Engaged')
  })
})
