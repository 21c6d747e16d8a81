import { describe, expect, it } from 'vitest'
import {
  addEngagement,
  recordSupporterAnswer,
  setPosition,
} from '../../src/canvassing/engagements.service.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfPagesText, pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
await setMission(ctx, 'FRA', FRANCE)
const chloe = await signInOrganizer(app, ctx, { name: 'Chloé Organizer', role: 'coordinator' })
const actor = actorOf(chloe.organizer)

const dossier = (iso3: string, cookie = chloe.cookie) =>
  app.inject({
    method: 'GET',
    url: `/organizers/states/${iso3}/dossier.pdf`,
    headers: cookie ? { cookie } : {},
  })

describe('GET /organizers/states/:iso3/dossier.pdf', () => {
  it('holds the mission, the position, the engagements and the latest letters with their writers', async () => {
    await addEngagement(ctx, actor, 'FRA', {
      kind: 'meeting',
      occurredOn: '2026-05-12',
      text: 'Met the legal adviser, who asked for the draft statute.',
    })
    await setPosition(ctx, actor, 'FRA', {
      position: 'supportive',
      notedOn: '2026-05-20',
      note: 'Confirmed by e-mail.',
    })
    const letter = await createLetter(ctx, {
      state: 'FRA',
      supporter: {
        name: 'Łukasz Wiśniewski',
        organization: 'Amis de la Cour',
        addressLines: ['ul. Świętokrzyska 14/7'],
        city: 'Warszawa',
        country: 'PL',
      },
    })
    await markLetterPrinted(ctx, letter.id)

    const res = await dossier('fra')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="code-blue-dossier-fra-2026-06-01.pdf"',
    )
    expect(res.headers['cache-control']).toBe('private, no-store')
    const text = await pdfText(res.rawPayload)
    expect(text).toContain('Permanent Mission of France')
    expect(text).toContain('Jérôme Bonnafont')
    expect(text).toContain('france@un.int')
    expect(text).toContain('Engaged')
    expect(text).toContain('Supportive')
    expect(text).toContain('Met the legal adviser, who asked for the draft statute.')
    expect(text).toContain('Confirmed by e-mail.')
    expect(text).toContain('Chloé Organizer')
    expect(text).toContain(letter.reference)
    expect(text).toContain('Łukasz Wiśniewski, Amis de la Cour')
    expect(text).toContain('Printed, not yet delivered')
    expect(text).toMatch(/Page 1 of [12]/)
  })

  it("counts supporters' answers under the letters instead of listing them in the timeline", async () => {
    for (const [name, answer] of [
      ['Ana Ruiz', 'replied'],
      ['Ben Ode', 'no_reply'],
      ['Cleo Tan', 'no_reply'],
    ] as const) {
      const letter = await createLetter(ctx, {
        state: 'NZL',
        supporter: { name, addressLines: ['1 Queen Street'], city: 'Auckland', country: 'NZ' },
      })
      const row = await ctx.db
        .updateTable('letter')
        .set({
          reply_requested_at: '2026-05-20T09:00:00.000Z',
          reply_answer: answer,
          reply_answered_at: '2026-05-21T09:00:00.000Z',
        })
        .where('public_id', '=', letter.id)
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordSupporterAnswer(ctx, ctx.db, { letterId: row.id, iso3: 'NZL', answer })
    }
    await addEngagement(ctx, actor, 'NZL', {
      kind: 'call',
      occurredOn: '2026-05-25',
      text: 'Called the political coordinator.',
    })
    const text = await pdfText((await dossier('nzl')).rawPayload)
    expect(text).toContain('3 writers asked, 3 answered: 1 replied, 0 acknowledged, 2 no reply yet')
    expect(text).toContain('Call · Chloé Organizer')
    expect(text).not.toContain('Supporter (letter')
    // The state page lists them, as the log's entries.
    const page = await app.inject({
      method: 'GET',
      url: '/organizers/states/nzl',
      headers: { cookie: chloe.cookie },
    })
    expect(page.body).toContain('Supporter (letter CB-')
    expect(page.body).toContain('3 writers asked, 3 answered: 1 replied, 0 acknowledged, 2 no reply yet')
  })

  it('wraps long texts and runs onto numbered pages', async () => {
    const long = Array.from(
      { length: 60 },
      (_, i) => `Sentence ${i + 1} of a long account of the meeting.`,
    ).join(' ')
    for (let i = 0; i < 12; i++) {
      await addEngagement(ctx, actor, 'DEU', {
        kind: 'note',
        occurredOn: '2026-05-01',
        text: `${long}\nEnd of note ${i + 1}.`,
      })
    }
    await addEngagement(ctx, actor, 'DEU', {
      kind: 'note',
      occurredOn: '2026-05-02',
      text: `https://example.org/${'x'.repeat(300)}`,
    })
    const pages = await pdfPagesText((await dossier('deu')).rawPayload)
    expect(pages.length).toBeGreaterThan(2)
    for (const [i, page] of pages.entries()) expect(page).toContain(`Page ${i + 1} of ${pages.length}`)
    const text = pages.join(' ').replace(/\s+/g, ' ')
    for (let i = 1; i <= 12; i++) expect(text).toContain(`End of note ${i}.`)
    expect(text).toContain('Sentence 60 of a long account')
  })

  it('sends strangers to sign in, and answers 404 for an unknown state', async () => {
    const stranger = await dossier('fra', '')
    expect(stranger.statusCode).toBe(303)
    expect(stranger.headers.location).toMatch(/^\/organizers\/login\?next=/)
    expect((await dossier('zzz')).statusCode).toBe(404)
  })

  it('keeps an old organizers’ meeting in the timeline however many supporters answered since', async () => {
    await addEngagement(ctx, actor, 'GHA', {
      kind: 'meeting',
      occurredOn: '2026-01-15',
      text: 'First meeting with the Ghanaian deputy, long before the letters.',
    })
    const now = ctx.clock.nowIso()
    await ctx.db
      .insertInto('engagement')
      .values(
        Array.from({ length: 600 }, () => ({
          state_iso3: 'GHA',
          kind: 'no_reply_yet' as const,
          occurred_on: '2026-05-30',
          text: '',
          source: 'supporter' as const,
          created_at: now,
        })),
      )
      .execute()
    const text = await pdfText((await dossier('gha')).rawPayload)
    expect(text).toContain('First meeting with the Ghanaian deputy')
    expect(text).not.toContain('are left out')
  })
})
