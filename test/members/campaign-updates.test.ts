import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { NewMemberRow } from '../../src/db/schema.js'
import { manualClock } from '../../src/lib/clock.js'
import { FRANCE_EMAIL, letterAwaitingConfirmation, pass, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const MINUTE = 60_000
const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, UPDATES_PER_MINUTE: '2' } })
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeEach(() => smtp.reset())

const member = (over: Partial<NewMemberRow> = {}) => insertMember(ctx, over)

let organizer: OrganizerSession
const post = (url: string, fields: Record<string, string> = {}, session = organizer) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
  })

/** Drafts an update through the form: its id. */
async function draft(fields: Record<string, string>): Promise<number> {
  const response = await post('/organizers/updates', fields)
  expect(response.statusCode, response.body).toBe(303)
  return Number(/\/organizers\/updates\/(\d+)\?done=created$/.exec(response.headers.location ?? '')?.[1])
}

async function messagesOf(updateId: number) {
  return ctx.db
    .selectFrom('outbox_message')
    .selectAll()
    .where('update_id', '=', updateId)
    .orderBy('id')
    .execute()
}

/** Passes of the outbox until nothing more goes in this minute; what the SMTP server received. */
async function sendAllDue() {
  await pass(ctx, transport)
  return smtp.messages
}

beforeAll(async () => {
  organizer = await signInOrganizer(app, ctx, { name: 'Nia Organizer', role: 'coordinator' })
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
})

describe('drafting an update', () => {
  it('refuses an empty subject, a subject on two lines, an oversized body and an unknown audience (422)', async () => {
    const response = await post('/organizers/updates', {
      subject: 'Line one\nline two',
      body: 'x'.repeat(20_001),
      kind: 'robot',
      help: 'juggling',
      country: 'XX',
    })
    expect(response.statusCode).toBe(422)
    for (const field of ['subject', 'body', 'kind', 'help', 'country'])
      expect(response.body).toContain(`id="${field}-error"`)
    expect(response.body).toContain('The subject must be on one line.')
    expect(response.body).toContain('at most 20,000 characters (it has 20,001)')
    const empty = await post('/organizers/updates', { subject: ' ', body: '' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Write a subject')
    expect(empty.body).toContain('Write the message itself.')
    expect(await ctx.db.selectFrom('campaign_update').selectAll().execute()).toHaveLength(0)
  })

  it('saves a draft, audited, and shows it with the members it would reach', async () => {
    await member({ email: 'reach-a@example.org', country: 'UG' })
    await member({
      email: 'reach-b@example.org',
      country: 'UG',
      kind: 'organization',
      organization_name: 'Org',
    })
    const id = await draft({ subject: 'Uganda news', body: 'Hello.', country: 'ug', kind: 'organization' })
    const page = await app.inject({
      method: 'GET',
      url: `/organizers/updates/${id}`,
      headers: { cookie: organizer.cookie },
    })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('would reach <strong>1</strong> member')
    expect(page.body).toContain(
      'Confirmed members who agreed to receive updates: organizations only, in Uganda.',
    )
    const audit = await ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'update.create')
      .execute()
    expect(audit).toMatchObject([
      { subject_type: 'campaign_update', subject_id: String(id), actor_label: 'Nia Organizer' },
    ])
  })
})

describe('sending an update', () => {
  it('goes only to confirmed members who agreed, after a test to the organizer alone, once, throttled', async () => {
    const ada = await member({ email: 'ada@example.org', country: 'GH' })
    const ben = await member({ email: 'ben@example.org', country: 'GH' })
    const cai = await member({ email: 'cai@example.org', country: 'GH' })
    await member({ email: 'pending@example.org', country: 'GH', status: 'pending', confirmed_at: null })
    await member({ email: 'left@example.org', country: 'GH', status: 'unsubscribed' })
    await member({ email: 'quiet@example.org', country: 'GH', consent_updates: 0 })
    await member({ email: null, country: 'GH', status: 'erased' })
    await member({ email: 'elsewhere@example.org', country: 'TZ' })
    const id = await draft({
      subject: 'Ghana: the campaign in June',
      body: 'First paragraph.\n\nSecond.',
      country: 'GH',
    })

    // Before a test: refused, and nothing queued.
    const early = await post(`/organizers/updates/${id}/send`)
    expect(early.statusCode).toBe(409)
    expect(early.body).toContain('Send yourself a test first')
    expect(await messagesOf(id)).toHaveLength(0)

    // The test: one message, to the organizer, marked, with an unsubscribe link that is nobody's.
    const tested = await post(`/organizers/updates/${id}/test`)
    expect(tested.statusCode).toBe(303)
    expect(tested.headers.location).toBe(`/organizers/updates/${id}?done=tested`)
    const [test, ...others] = await sendAllDue()
    expect(others).toHaveLength(0)
    expect(test?.envelope.to).toEqual([organizer.organizer.email])
    expect(test?.parsed.subject).toBe('[Test] Ghana: the campaign in June')
    expect(test?.parsed.text).toContain('Only you received this copy')
    const testLink = /<(http:\/\/localhost:3000\/members\/([A-Za-z0-9_-]{22})\/unsubscribe)>/.exec(
      test?.parsed.headers.get('list-unsubscribe') ?? '',
    )
    expect(testLink).not.toBeNull()
    expect(test?.parsed.text).toContain(testLink?.[1])
    const owner = await ctx.db
      .selectFrom('member')
      .select('id')
      .where('public_id', '=', testLink?.[2] ?? '')
      .execute()
    expect(owner).toHaveLength(0)

    // The send: one message per confirmed, consenting member of the audience, in one go.
    const sent = await post(`/organizers/updates/${id}/send`)
    expect(sent.statusCode).toBe(303)
    const queued = (await messagesOf(id)).filter((m) => m.member_id !== null)
    expect(queued.map((m) => m.member_id).sort()).toEqual([ada.id, ben.id, cai.id].sort())
    expect(queued.map((m) => JSON.parse(m.recipients)[0]).sort()).toEqual([
      'ada@example.org',
      'ben@example.org',
      'cai@example.org',
    ])
    expect(new Set(queued.map((m) => m.message_id)).size).toBe(3)
    for (const m of queued) expect(m.message_id).toMatch(/^<[0-9a-f]{24}@localhost>$/)
    const row = await ctx.db
      .selectFrom('campaign_update')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ sent_at: TEST_NOW, sent_by: organizer.organizer.id, recipients: 3 })

    // Twice: refused, nothing more queued.
    const again = await post(`/organizers/updates/${id}/send`)
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('already sent')
    expect(await messagesOf(id)).toHaveLength(4)
    expect((await post(`/organizers/updates/${id}/test`)).statusCode).toBe(409)

    // UPDATES_PER_MINUTE=2, and the test went out this minute: one more now, two a minute later.
    smtp.reset()
    expect((await sendAllDue()).map((m) => m.envelope.to[0])).toEqual(['ada@example.org'])
    smtp.reset()
    clock.advance(30_000)
    expect(await sendAllDue()).toHaveLength(0)
    clock.advance(30_000)
    const later = await sendAllDue()
    expect(later.map((m) => m.envelope.to[0])).toEqual(['ben@example.org', 'cai@example.org'])
    expect(later[0]?.parsed.messageId).toBe(queued.find((m) => m.member_id === ben.id)?.message_id)

    const audit = await ctx.db
      .selectFrom('audit_event')
      .select(['action', 'summary'])
      .where('subject_id', '=', String(id))
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['update.create', 'update.test', 'update.send'])
    expect(audit[2]?.summary).toBe('Sent the update “Ghana: the campaign in June” to 3 members')
    clock.advance(MINUTE)
  })

  it('carries List-Unsubscribe with the member’s own link, and one-click List-Unsubscribe-Post', async () => {
    const ada = await member({ email: 'headers@example.org', country: 'BJ' })
    const id = await draft({ subject: 'Benin', body: 'News.', country: 'BJ' })
    await post(`/organizers/updates/${id}/test`)
    await post(`/organizers/updates/${id}/send`)
    const messages = await sendAllDue()
    const mail = messages.find((m) => m.envelope.to[0] === 'headers@example.org')
    const url = `http://localhost:3000/members/${ada.public_id}/unsubscribe`
    expect(mail?.parsed.headers.get('list-unsubscribe')).toBe(`<${url}>`)
    expect(mail?.parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    expect(mail?.parsed.headers.get('precedence')).toBe('bulk')
    expect(mail?.parsed.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail?.parsed.subject).toBe('Benin')
    expect(mail?.parsed.text).toContain(url)
    expect(mail?.parsed.text).not.toContain('[Test]')
    expect(mail?.parsed.html).toContain(`href="${url}"`)
    clock.advance(MINUTE)
  })

  it('never reaches a member who unsubscribed, or withdrew consent, after it was queued', async () => {
    const stays = await member({ email: 'stays@example.org', country: 'ML' })
    const leaves = await member({ email: 'leaves@example.org', country: 'ML' })
    const withdraws = await member({ email: 'withdraws@example.org', country: 'ML' })
    const id = await draft({ subject: 'Mali', body: 'News.', country: 'ML' })
    await post(`/organizers/updates/${id}/test`)
    await pass(ctx, transport)
    clock.advance(MINUTE)
    await post(`/organizers/updates/${id}/send`)
    expect((await messagesOf(id)).filter((m) => m.member_id !== null)).toHaveLength(3)
    await ctx.db.updateTable('member').set({ status: 'unsubscribed' }).where('id', '=', leaves.id).execute()
    await ctx.db.updateTable('member').set({ consent_updates: 0 }).where('id', '=', withdraws.id).execute()
    smtp.reset()
    await sendAllDue()
    clock.advance(MINUTE)
    await sendAllDue()
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['stays@example.org'])
    const byMember = new Map((await messagesOf(id)).map((m) => [m.member_id, m]))
    expect(byMember.get(stays.id)).toMatchObject({ status: 'sent', attempts: 1 })
    expect(byMember.get(leaves.id)).toMatchObject({
      status: 'failed',
      attempts: 0,
      last_response: 'not sent: the member unsubscribed before it went out',
    })
    expect(byMember.get(withdraws.id)).toMatchObject({
      status: 'failed',
      attempts: 0,
      last_response: 'not sent: the member no longer agrees to receive updates',
    })
    const page = await app.inject({
      method: 'GET',
      url: `/organizers/updates/${id}`,
      headers: { cookie: organizer.cookie },
    })
    expect(page.body).toMatch(/Held back: the member left<\/dt><dd>2</)
    clock.advance(MINUTE)
  })

  it('lets letters and confirmations go first, whatever updates wait', async () => {
    for (let i = 0; i < 4; i++) await member({ email: `wait${i}@example.org`, country: 'SN' })
    const id = await draft({ subject: 'Senegal', body: 'News.', country: 'SN' })
    await post(`/organizers/updates/${id}/test`)
    await pass(ctx, transport)
    await post(`/organizers/updates/${id}/send`)
    clock.advance(1000)
    const letter = await letterAwaitingConfirmation(ctx, { email: 'writer@example.org' })
    smtp.reset()
    await pass(ctx, transport, { max: 1 })
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual([letter.email])
    await pass(ctx, transport)
    // The test counted: one update this minute, then the allowance is used up.
    expect(smtp.messages).toHaveLength(2)
    clock.advance(MINUTE)
  })

  it('keeps markup as text: escaped in the HTML e-mail and on the pages', async () => {
    await member({ email: 'markup@example.org', country: 'CM' })
    const subject = '<b>Bold</b> & "quoted"'
    const body = '<script>alert(1)</script>\n\n- one\n- two'
    const id = await draft({ subject, body, country: 'CM' })
    const page = await app.inject({
      method: 'GET',
      url: `/organizers/updates/${id}`,
      headers: { cookie: organizer.cookie },
    })
    expect(page.body).not.toContain('<script>alert(1)')
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page.body).toContain('&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;')
    const list = await app.inject({
      method: 'GET',
      url: '/organizers/updates',
      headers: { cookie: organizer.cookie },
    })
    expect(list.body).not.toContain('<b>Bold</b>')
    await post(`/organizers/updates/${id}/test`)
    const [mail] = await sendAllDue()
    expect(mail?.parsed.subject).toBe(`[Test] ${subject}`)
    expect(mail?.parsed.text).toContain(body)
    expect(mail?.parsed.html).not.toContain('<script>')
    expect(mail?.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(mail?.parsed.html).toContain(
      '<title>[Test] &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;</title>',
    )
    expect(mail?.parsed.html).toMatch(/>- one<\/p>\s*<p[^>]*>- two</)
    clock.advance(MINUTE)
  })

  it('sends nothing to an audience nobody matches (409), and stays a draft', async () => {
    const id = await draft({ subject: 'Iceland', body: 'News.', country: 'IS' })
    await post(`/organizers/updates/${id}/test`)
    const page = await app.inject({
      method: 'GET',
      url: `/organizers/updates/${id}`,
      headers: { cookie: organizer.cookie },
    })
    expect(page.body).toContain('there is nobody to send it to')
    const refused = await post(`/organizers/updates/${id}/send`)
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('No confirmed member who agreed to receive updates matches this audience')
    const row = await ctx.db
      .selectFrom('campaign_update')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.sent_at).toBeNull()
    await pass(ctx, transport)
    clock.advance(MINUTE)
  })

  it('never queues the same update twice for a member (unique index)', async () => {
    const one = await member({ email: 'unique@example.org', country: 'NE' })
    const id = await draft({ subject: 'Niger', body: 'News.', country: 'NE' })
    await post(`/organizers/updates/${id}/test`)
    await post(`/organizers/updates/${id}/send`)
    const [message] = (await messagesOf(id)).filter((m) => m.member_id === one.id)
    const { id: _id, message_id: _messageId, ...copy } = message!
    await expect(
      ctx.db
        .insertInto('outbox_message')
        .values({ ...copy, message_id: '<copy@localhost>' })
        .execute(),
    ).rejects.toThrow(
      /UNIQUE constraint failed|duplicate key value violates unique constraint "outbox_update_member"/,
    )
  })
})
