import { afterAll, describe, expect, it } from 'vitest'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { reconcileInterrupted } from '../../src/outbox/index.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { confirmedLetter, FRANCE_EMAIL, letterStatus, pass, transportFor } from './delivery-helpers.js'

// Issue 18, item 6: an organizer settles an uncertain or failed e-mail from the outbox page, with
// the mission's check noted (who checked, how, what they found), audited: what
// `npm run outbox:resolve` does, in the browser.

const smtp = await startTestSmtpServer()
const { app, ctx } = await buildTestApp({ env: { SMTP_URL: smtp.url } })
await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
const organizer = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Noor Organizer' })
const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })

const get = (url: string, session: OrganizerSession = organizer) =>
  app.inject({ method: 'GET', url, headers: { cookie: session.cookie } })
const post = (fields: Record<string, string>, session: OrganizerSession = organizer) =>
  app.inject({
    method: 'POST',
    url: '/organizers/outbox/settle',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
  })

/** A letter whose hand-over to the mail server was cut off: "uncertain", never sent again by itself. */
async function uncertainLetter() {
  const { id } = await confirmedLetter(ctx, transport)
  await expect(
    pass(ctx, transport, {
      onStep: (step, m) => {
        if (step === 'accepted' && m.kind === 'mission_letter') throw new Error('killed')
      },
    }),
  ).rejects.toThrow()
  await reconcileInterrupted(ctx)
  const letter = await ctx.db
    .selectFrom('letter')
    .select(['reference', 'outbox_id'])
    .where('public_id', '=', id)
    .executeTakeFirstOrThrow()
  return { id, reference: letter.reference, outboxId: letter.outbox_id! }
}
const messageStatus = async (id: number) =>
  (await ctx.db.selectFrom('outbox_message').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status
const sentTo = (reference: string) =>
  smtp.messages.filter((m) => m.envelope.to.includes(FRANCE_EMAIL) && m.parsed.subject.includes(reference))
    .length
const check = { checkedBy: 'Noor Organizer', how: 'phone', found: 'The registry has it, received 3 December' }

describe('settling an uncertain e-mail from the outbox page', () => {
  it('offers "Settle" beside the letter, and a form that names the letter and its state', async () => {
    const { reference, outboxId } = await uncertainLetter()
    expect(await messageStatus(outboxId)).toBe('uncertain')
    const outbox = await get('/organizers/outbox')
    expect(outbox.body).toContain(`href="/organizers/outbox/settle?reference=${reference}"`)
    expect((await get('/organizers/outbox', viewer)).statusCode).toBe(403)
    const form = await get(`/organizers/outbox/settle?reference=${reference}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(`Settle the e-mail of letter ${reference}`)
    expect(form.body).toContain('<strong>uncertain</strong>')
  })

  it('refuses a form without the check, naming each field, and changes nothing', async () => {
    const { reference, outboxId } = await uncertainLetter()
    const res = await post({ reference, action: '', checkedBy: '', how: 'pigeon', found: '' })
    expect(res.statusCode).toBe(422)
    for (const field of ['action', 'checkedBy', 'how', 'found'])
      expect(res.body, field).toContain(`href="#${field}"`)
    expect(await messageStatus(outboxId)).toBe('uncertain')
    expect(await listAuditEvents(ctx.db, { subjectType: 'letter', subjectId: reference })).toEqual([])
  })

  it('refuses viewers and forms without a CSRF token', async () => {
    const { reference, outboxId } = await uncertainLetter()
    expect((await post({ reference, action: 'sent', ...check }, viewer)).statusCode).toBe(403)
    expect((await post({ reference, action: 'sent', ...check, _csrf: 'forged.token' })).statusCode).toBe(403)
    expect(await messageStatus(outboxId)).toBe('uncertain')
  })

  it('"the mission has it": message and letter become sent, nothing is sent, the check is audited', async () => {
    const { id, reference, outboxId } = await uncertainLetter()
    const before = sentTo(reference)
    const res = await post({ reference, action: 'sent', ...check })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/organizers/outbox?settled=${reference}&as=sent#attention-heading`)
    expect(await messageStatus(outboxId)).toBe('sent')
    expect(await letterStatus(ctx, id)).toBe('sent')
    await pass(ctx, transport)
    expect(sentTo(reference)).toBe(before)
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'letter', subjectId: reference })
    expect(audit).toMatchObject({ action: 'delivery.resolve_sent', actor_label: 'Noor Organizer' })
    expect(JSON.parse(audit!.details)).toMatchObject({ was: 'uncertain', check })
    const notice = await get(res.headers.location as string)
    expect(notice.body).toContain(`Letter ${reference} is recorded as delivered`)
    // Settled once: a second try is refused, naming why.
    const again = await post({ reference, action: 'resend', ...check })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('only an uncertain or failed delivery can be settled')
  })

  it('"it did not arrive": the letter is queued and sent again, once, audited', async () => {
    const { id, reference, outboxId } = await uncertainLetter()
    const before = sentTo(reference)
    const res = await post({ reference, action: 'resend', ...check, how: 'email', found: 'Not received' })
    expect(res.statusCode).toBe(303)
    expect(await messageStatus(outboxId)).toBe('queued')
    expect(await letterStatus(ctx, id)).toBe('queued')
    await pass(ctx, transport)
    expect(sentTo(reference)).toBe(before + 1)
    expect(await letterStatus(ctx, id)).toBe('sent')
    const [audit] = await listAuditEvents(ctx.db, { subjectType: 'letter', subjectId: reference })
    expect(audit?.action).toBe('delivery.resolve_resend')
    expect(JSON.parse(audit!.details).check).toMatchObject({ how: 'email', found: 'Not received' })
  })

  it('a failed e-mail (refused by the mail server) can only be sent again, not recorded as delivered', async () => {
    const { id, reference, outboxId } = await uncertainLetter()
    await ctx.db.updateTable('outbox_message').set({ status: 'failed' }).where('id', '=', outboxId).execute()
    await ctx.db.updateTable('letter').set({ status: 'failed' }).where('public_id', '=', id).execute()
    const form = await get(`/organizers/outbox/settle?reference=${reference}`)
    expect(form.body).not.toContain('value="sent"')
    const refused = await post({ reference, action: 'sent', ...check })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('cannot be recorded as delivered')
    expect(await messageStatus(outboxId)).toBe('failed')
    expect(await listAuditEvents(ctx.db, { subjectType: 'letter', subjectId: reference })).toEqual([])
  })

  it('a reference that is no letter is a 404, a malformed one a 400 naming the field', async () => {
    expect((await get('/organizers/outbox/settle?reference=CB-ZZZZZZ')).statusCode).toBe(404)
    const bad = await post({ reference: 'nonsense', action: 'sent', ...check })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('reference')
  })
})
