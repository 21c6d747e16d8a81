import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { catalogue, SITE_LANGUAGES } from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { buildTestApp } from '../helpers/test-app.js'

// The public progress page shows each ask running today with its figures and goals, in the
// page's language; an ask that ended, or has not begun, is not shown.

const { app, ctx } = await buildTestApp()

describe('/progress: the current asks', async () => {
  await createAsk(ctx, SHELL_ACTOR, {
    title: 'Council wave',
    purpose: 'The Council first.',
    targetKind: 'security_council',
    councilOn: '2026-06-01',
    goals: { statesCanvassed: 15, letters: 4 },
    startsOn: '2026-05-01',
    endsOn: '2026-07-31',
  })
  await createAsk(ctx, SHELL_ACTOR, {
    title: 'Ended wave',
    purpose: '',
    targetKind: 'mission_hosts',
    startsOn: '2026-01-01',
    endsOn: '2026-05-31',
  })
  await createAsk(ctx, SHELL_ACTOR, {
    title: 'Future wave',
    purpose: '',
    targetKind: 'all_members',
    startsOn: '2026-09-01',
  })
  for (const state of ['FRA', 'USA', 'CHN'])
    await createLetter(ctx, {
      state,
      language: 'en',
      supporter: { name: 'Ada Obi', city: 'Lagos', country: 'NG' },
    })
  await ctx.db
    .insertInto('engagement')
    .values({
      state_iso3: 'FRA',
      kind: 'meeting',
      occurred_on: '2026-05-20',
      text: '',
      source: 'organizer',
      created_at: ctx.clock.nowIso(),
    })
    .execute()

  it('shows a running ask with its figures and goals, and leaves out the others', async () => {
    const html = (await app.inject({ method: 'GET', url: '/progress?lang=en' })).body
    expect(html).toContain('<h2 id="asks-heading">The campaign&#x27;s current asks</h2>')
    expect(html).toContain('Council wave')
    expect(html).toContain('Aimed at the members of the Security Council on 1 June 2026')
    expect(html).toContain('From 1 May 2026 to 31 July 2026')
    expect(html).toContain('1 of 15 canvassed')
    expect(html).toContain('3 letters written')
    expect(html).toContain('Goal: 15 states canvassed (1 so far)')
    expect(html).toMatch(
      /Goal: 4 letters \(3 so far\)<\/span>\s*<progress class="coverage-bar" max="4" value="3"/,
    )
    expect(html).not.toContain('Ended wave')
    expect(html).not.toContain('Future wave')
    expect(html).not.toContain('Ada Obi')
  })

  it.each(SITE_LANGUAGES)('words it in %s, from the asks catalogue', async (language) => {
    const html = (await app.inject({ method: 'GET', url: `/progress?lang=${language}` })).body
    const heading = catalogue(language).get('asks.heading')!
    expect(heading).toBeTruthy()
    expect(html).toContain('Council wave')
    expect(html.replace(/&#x27;/g, "'")).toContain(heading)
    if (language !== 'en') expect(html).not.toContain('canvassed')
  })
})
