import { describe, expect, it } from 'vitest'
import { withdrawEngagement } from '../../src/canvassing/corrections.service.js'
import { addEngagement, setPosition } from '../../src/canvassing/engagements.service.js'
import { recordMissionReply } from '../../src/canvassing/mission-replies.service.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

// The per-state dossier's hand-over version: a real PDF parser reads its text, which must hold
// none of a letter's personal data, where the organizers' own dossier holds it.

const { app, ctx } = await buildTestApp()
await setMission(ctx, 'FRA', FRANCE)
const coordinator = await signInOrganizer(app, ctx, { name: 'Chloé Coordinator', role: 'coordinator' })
const viewer = await signInOrganizer(app, ctx, { name: 'Victor Viewer', role: 'viewer' })

const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } })

const WRITER = {
  name: 'Łukasz Wiśniewski',
  organization: 'Amis de la Cour',
  addressLines: ['ul. Świętokrzyska 14/7'],
  city: 'Warszawa',
  country: 'PL',
  email: 'lukasz.wisniewski@example.org',
}
const PARAGRAPH = 'My cousin Marzena was failed by the blue helmets in Bangui.'

describe('GET /organizers/states/:iso3/dossier-handover.pdf', () => {
  it("holds the state's facts and letters by reference, and none of the writer's personal data", async () => {
    const actor = actorOf(coordinator.organizer)
    await addEngagement(ctx, actor, 'FRA', {
      kind: 'meeting',
      occurredOn: '2026-05-12',
      text: 'Met the legal adviser; Łukasz Wiśniewski came along.',
    })
    await setPosition(ctx, actor, 'FRA', {
      position: 'supportive',
      notedOn: '2026-05-20',
      note: 'Said so to Amis de la Cour.',
    })
    const letter = await createLetter(ctx, {
      state: 'FRA',
      supporter: { ...WRITER },
      personalNote: PARAGRAPH,
    })
    await markLetterPrinted(ctx, letter.id)
    const stored = await ctx.db
      .selectFrom('letter')
      .select(['reference', 'supporter_email', 'personal_note'])
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    // The letter does hold each of them: the checks below can fail.
    expect(stored.personal_note).toBe(PARAGRAPH)

    const full = await pdfText(
      (await get('/organizers/states/fra/dossier.pdf', coordinator.cookie)).rawPayload,
    )
    expect(full).toContain(WRITER.name)

    const res = await get('/organizers/states/fra/dossier-handover.pdf', viewer.cookie)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="code-blue-dossier-fra-2026-06-01-handover.pdf"',
    )
    const text = await pdfText(res.rawPayload)
    expect(text).toContain('Permanent Mission of France')
    expect(text).toContain('Supportive')
    expect(text).toContain('Meeting')
    expect(text).toContain(stored.reference)
    expect(text).toContain('hand-over version')
    expect(text).toContain("no supporter's personal data")
    const personal = [
      WRITER.name,
      'Łukasz',
      'Wiśniewski',
      WRITER.organization,
      WRITER.addressLines[0]!,
      'Świętokrzyska',
      WRITER.city,
      WRITER.email,
      'lukasz.wisniewski',
      PARAGRAPH,
      'Marzena',
      'Bangui',
    ]
    for (const fragment of personal) expect(text, fragment).not.toContain(fragment)
    // Nor the organizers' names and notes, which may quote people.
    expect(text).not.toContain('Chloé Coordinator')
    expect(text).not.toContain('legal adviser')

    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA' })
    expect(event).toMatchObject({ action: 'export.dossier_handover', actor_label: 'Victor Viewer' })
  })

  it('leaves out withdrawn entries, and answers 404 for an unknown state', async () => {
    const actor = actorOf(coordinator.organizer)
    const wrong = await addEngagement(ctx, actor, 'BEL', {
      kind: 'public_statement',
      occurredOn: '2026-05-02',
      text: '',
    })
    const before = await pdfText(
      (await get('/organizers/states/bel/dossier-handover.pdf', viewer.cookie)).rawPayload,
    )
    expect(before).toContain('Public statement')
    await app.inject({
      method: 'POST',
      url: `/api/engagements/${wrong.id}/withdraw`,
      headers: coordinator.apiHeaders,
      payload: { reason: 'It was Belarus' },
    })
    const after = await pdfText(
      (await get('/organizers/states/bel/dossier-handover.pdf', viewer.cookie)).rawPayload,
    )
    expect(after).not.toContain('Public statement')
    expect((await get('/organizers/states/zzz/dossier-handover.pdf', viewer.cookie)).statusCode).toBe(404)
  })
})

describe("the mission's replies in the dossiers", () => {
  it('lists each reply (date, channel, summary, position, file) in the full dossier, and in the hand-over without the summary, the file’s name or a writer', async () => {
    const actor = actorOf(coordinator.organizer)
    const writer = { name: 'Żaneta Kowalczyk', city: 'Kraków', country: 'PL', email: 'zaneta.k@example.org' }
    const letter = await createLetter(ctx, {
      state: 'GHA',
      supporter: writer,
      personalNote: 'For my brother.',
    })
    await markLetterPrinted(ctx, letter.id)
    const { reference } = await ctx.db
      .selectFrom('letter')
      .select('reference')
      .where('public_id', '=', letter.id)
      .executeTakeFirstOrThrow()
    const pdf = Buffer.from('%PDF-1.4\nscan\n%%EOF\n')
    const reply = await recordMissionReply(ctx, actor, {
      letters: reference,
      receivedOn: '2026-05-28',
      channel: 'note_verbale',
      summary: 'Thanks Żaneta Kowalczyk for her letter; Ghana backs the proposal.',
      position: 'committed',
      file: { fileName: 'Kowalczyk note verbale.pdf', content: pdf, truncated: false },
    })
    const mistaken = await recordMissionReply(ctx, actor, {
      letters: reference,
      receivedOn: '2026-05-29',
      channel: 'phone',
      summary: 'Logged against the wrong state.',
    })
    const engagement = await ctx.db
      .selectFrom('mission_reply')
      .select('engagement_id')
      .where('id', '=', mistaken.id)
      .executeTakeFirstOrThrow()
    await withdrawEngagement(ctx, actor, engagement.engagement_id, { reason: 'Wrong state' })
    // The state's page still lists it, marked withdrawn (its "reply received" engagement is).
    const desk = await get('/organizers/states/gha', coordinator.cookie)
    const entry = desk.body.slice(desk.body.indexOf(`id="reply-${mistaken.id}"`) - 60)
    expect(entry.slice(0, 400)).toContain('desk-entry--withdrawn')
    expect(entry.slice(0, 400)).toContain('<span class="badge">withdrawn</span>')

    const full = await pdfText(
      (await get('/organizers/states/gha/dossier.pdf', coordinator.cookie)).rawPayload,
    )
    expect(full).toContain('Replies from the mission')
    expect(full).toContain('28 May 2026')
    expect(full).toContain('Note verbale · position: Committed')
    expect(full).toContain('Ghana backs the proposal')
    expect(full).toContain(`Answers letter ${reference}`)
    expect(full).toContain('PDF attached (Kowalczyk note verbale.pdf')
    expect(full).not.toContain('Logged against the wrong state')
    expect(full).not.toContain('29 May 2026')

    const handOver = await pdfText(
      (await get('/organizers/states/gha/dossier-handover.pdf', viewer.cookie)).rawPayload,
    )
    expect(handOver).toContain('Replies from the mission')
    expect(handOver).toContain('Note verbale · position: Committed')
    expect(handOver).toContain(`Answers letter ${reference}`)
    expect(handOver).toContain('PDF attached (1 KB)')
    expect(handOver).not.toContain('29 May 2026')
    for (const fragment of ['Żaneta', 'Kowalczyk', 'Kraków', 'zaneta.k', 'backs the proposal', 'Chloé'])
      expect(handOver, fragment).not.toContain(fragment)
    expect(reply.file?.name).toBe('Kowalczyk note verbale.pdf')
  })

  it('has no replies section while none is on record', async () => {
    const text = await pdfText(
      (await get('/organizers/states/per/dossier.pdf', coordinator.cookie)).rawPayload,
    )
    expect(text).toContain('Where the state stands')
    expect(text).not.toContain('Replies from the mission')
  })
})
