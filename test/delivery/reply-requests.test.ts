import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { getResponsiveness, listEngagements } from '../../src/canvassing/engagements.service.js'
import { queueReplyRequests } from '../../src/canvassing/reply-requests.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'
import {
  confirmedLetter,
  FRANCE_EMAIL,
  letterAwaitingConfirmation,
  pass,
  transportFor,
} from './delivery-helpers.js'

const DAY = 86_400_000
const LINK = /http:\/\/localhost:3000\/replies\/([A-Za-z0-9_-]{43})\?answer=(replied|acknowledged|no_reply)/g

const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({
  clock,
  env: { SMTP_URL: smtp.url, MISSION_DAILY_CAP: '1000' },
})
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeAll(() => setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))
beforeEach(() => {
  smtp.reset()
  clock.set(TEST_NOW)
})

/** A letter to France (or `state`) delivered now (and the writer's copy sent): its public id and writer. */
async function deliveredLetter(name?: string, state?: string) {
  const letter = await confirmedLetter(ctx, transport, {
    ...(name ? { name } : {}),
    ...(state ? { state } : {}),
  })
  await pass(ctx, transport)
  await pass(ctx, transport)
  const row = await letterRow(letter.id)
  expect(row.status).toBe('sent')
  return { ...letter, reference: row.reference, letterId: row.id }
}

async function letterRow(publicId: string) {
  return ctx.db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirstOrThrow()
}

async function replyRequestsOf(letterId: number) {
  return ctx.db
    .selectFrom('outbox_message')
    .selectAll()
    .where('letter_id', '=', letterId)
    .where('kind', '=', 'reply_request')
    .execute()
}

async function engagementsOf(letterId: number) {
  return ctx.db.selectFrom('engagement').selectAll().where('letter_id', '=', letterId).execute()
}

/** The question reaches the writer 14 days on; its links, as the writer reads them. */
async function askedLetter(name?: string, state?: string) {
  const letter = await deliveredLetter(name, state)
  clock.advance(14 * DAY)
  await pass(ctx, transport)
  const mail = smtp.messages.find(
    (m) => m.envelope.to.includes(letter.email) && /answer/.test(m.parsed.subject),
  )
  if (!mail) throw new Error('no reply request arrived')
  const links = [...mail.parsed.text.matchAll(LINK)]
  return { ...letter, mail, token: links[0]![1]!, links }
}

function form(token: string, body: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/replies/${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body,
  })
}

describe('asking writers whether the mission replied', () => {
  it('asks nothing at day 13, once at day 14, and never again', async () => {
    const { letterId, email } = await deliveredLetter()
    clock.advance(13 * DAY)
    await pass(ctx, transport)
    expect(await replyRequestsOf(letterId)).toHaveLength(0)
    clock.advance(DAY - 1)
    await pass(ctx, transport)
    expect(await replyRequestsOf(letterId)).toHaveLength(0)
    clock.advance(1)
    await pass(ctx, transport)
    expect(await replyRequestsOf(letterId)).toHaveLength(1)
    clock.advance(30 * DAY)
    await pass(ctx, transport)
    await pass(ctx, transport)
    const [request, ...more] = await replyRequestsOf(letterId)
    expect(more).toHaveLength(0)
    expect(request).toMatchObject({ status: 'sent', recipients: JSON.stringify([email]), payload: null })
    const questions = smtp.messages.filter(
      (m) => m.envelope.to.includes(email) && /answer/.test(m.parsed.subject),
    )
    expect(questions).toHaveLength(1)
    const row = await ctx.db
      .selectFrom('letter')
      .select(['reply_requested_at', 'reply_token_hash'])
      .where('id', '=', letterId)
      .executeTakeFirstOrThrow()
    expect(row.reply_requested_at).toBe('2026-06-15T12:00:00.000Z')
    expect(row.reply_token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('e-mails the state, the reference, the date and three links, and nothing that tracks', async () => {
    const { mail, reference, links, email } = await askedLetter('Ada Obi')
    expect(mail.envelope.to).toEqual([email])
    expect(mail.parsed.subject).toBe(`Did the Mission of France answer your letter? (${reference})`)
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated')
    const text = mail.parsed.text
    expect(text).toContain('Hello Ada Obi,')
    expect(text).toContain(
      `On 1 June 2026 your letter ${reference} reached the mail server of the Permanent Mission of France`,
    )
    expect(text).toContain('Why we ask')
    expect(links.map((l) => l[2])).toEqual(['replied', 'acknowledged', 'no_reply'])
    expect(new Set(links.map((l) => l[1])).size).toBe(1)
    const html = mail.parsed.html ?? ''
    const hrefs = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!.replace(/&#x3D;/g, '='))
    expect(hrefs).toEqual(links.map(([url]) => url))
    expect(html).not.toMatch(/<img|<script|<iframe/i)
    expect(mail.parsed.attachments).toHaveLength(0)
  })

  it('asks no writer of a letter not delivered, or without an e-mail address', async () => {
    const printed = await createLetter(ctx, { state: 'FRA', supporter: { name: 'Paper Only' } })
    const waiting = await letterAwaitingConfirmation(ctx)
    const failed = await confirmedLetter(ctx, transport)
    smtp.respondWith({ code: 550, message: 'No such mailbox' }, 1)
    await pass(ctx, transport)
    expect((await letterRow(failed.id)).status).toBe('failed')
    await ctx.db.deleteFrom('mission_email_failure').execute()
    // A delivered letter whose writer's address is gone (erased on request, say).
    const erased = await deliveredLetter()
    await ctx.db
      .updateTable('letter')
      .set({ supporter_email: null })
      .where('id', '=', erased.letterId)
      .execute()
    clock.advance(40 * DAY)
    await pass(ctx, transport)
    for (const id of [printed.id, waiting.id, failed.id, erased.id]) {
      const row = await letterRow(id)
      expect(row.reply_requested_at, id).toBeNull()
      expect(await replyRequestsOf(row.id)).toHaveLength(0)
    }
  })

  it('does not ask about a letter delivered more than 45 days ago (too late to be useful)', async () => {
    const { letterId } = await deliveredLetter()
    const longAgo = new Date(Date.parse(TEST_NOW) - 45 * DAY - 1).toISOString()
    await ctx.db.updateTable('letter').set({ sent_at: longAgo }).where('id', '=', letterId).execute()
    expect(await queueReplyRequests(ctx)).toBe(0)
    expect(await replyRequestsOf(letterId)).toHaveLength(0)
  })

  it('queues at most a batch per call', async () => {
    const letters = [await deliveredLetter(), await deliveredLetter(), await deliveredLetter()]
    clock.advance(15 * DAY)
    expect(await queueReplyRequests(ctx, 2)).toBe(2)
    expect(await queueReplyRequests(ctx, 2)).toBe(1)
    expect(await queueReplyRequests(ctx, 2)).toBe(0)
    for (const { letterId } of letters) expect(await replyRequestsOf(letterId)).toHaveLength(1)
  })
})

describe('the answer page', () => {
  it('shows the question with three buttons, the link chosen in the e-mail highlighted, and records nothing', async () => {
    const { token, reference, letterId, id } = await askedLetter()
    const page = await app.inject({ method: 'GET', url: `/replies/${token}?answer=acknowledged` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.headers['referrer-policy']).toBe('same-origin')
    expect(page.body).toContain('Did the Mission of France reply?')
    expect(page.body).toContain(reference)
    expect(page.body).toContain('1 June 2026')
    expect(page.body.match(new RegExp(`<form method="post" action="/replies/${token}">`, 'g'))).toHaveLength(
      3,
    )
    expect(page.body).toContain('<button type="submit">It only acknowledged receipt</button>')
    expect(page.body).toContain(
      '<button type="submit" class="button--secondary">The Mission replied</button>',
    )
    expect(page.body).toContain('Nothing is recorded until you press a button')
    // Opened three times, as a mail scanner opens every link: still no answer.
    for (const answer of ['replied', 'acknowledged', 'no_reply'])
      await app.inject({ method: 'GET', url: `/replies/${token}?answer=${answer}` })
    expect(await engagementsOf(letterId)).toHaveLength(0)
    expect((await letterRow(id)).reply_answer).toBeNull()
  })

  it('records the answer as a supporter engagement, thanks the writer, and lets them change it', async () => {
    const { token, letterId, reference, id } = await askedLetter()
    const first = await form(token, 'answer=replied')
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe(`/replies/${token}?thanks=1`)
    expect(await engagementsOf(letterId)).toEqual([
      expect.objectContaining({
        state_iso3: 'FRA',
        kind: 'reply_received',
        source: 'supporter',
        organizer_id: null,
        occurred_on: '2026-06-15',
      }),
    ])
    expect(await letterRow(id)).toMatchObject({
      reply_answer: 'replied',
      reply_answered_at: '2026-06-15T12:00:00.000Z',
    })
    const thanks = await app.inject({ method: 'GET', url: first.headers.location as string })
    expect(thanks.body).toContain('Your answer is recorded')
    expect(thanks.body).toContain('You told us: <strong>The Mission replied</strong>')

    clock.advance(DAY)
    expect((await form(token, 'answer=no_reply')).statusCode).toBe(303)
    const [only, ...more] = await engagementsOf(letterId)
    expect(more).toHaveLength(0)
    expect(only).toMatchObject({ kind: 'no_reply_yet', source: 'supporter', occurred_on: '2026-06-16' })
    expect(await letterRow(id)).toMatchObject({ reply_answer: 'no_reply' })
    const listed = (await listEngagements(ctx, 'FRA')).find((e) => e.id === only!.id)
    expect(listed).toMatchObject({ author: 'Supporter', letterReference: reference, source: 'supporter' })
  })

  it('refuses an answer that is not one of the three with 422, naming the field', async () => {
    const { token, letterId } = await askedLetter()
    for (const body of ['answer=maybe', '', 'answer=', 'answer=replied&answer=no_reply', 'other=1']) {
      const res = await form(token, body)
      expect(res.statusCode, body).toBe(422)
      expect(res.body).toContain('id="answer-error"')
      expect(res.body).toContain('Choose one of the three answers')
    }
    for (const payload of ['[1,2]', '{"answer":["replied"]}', '{"answer":7}', 'null']) {
      const res = await app.inject({
        method: 'POST',
        url: `/replies/${token}`,
        headers: { 'content-type': 'application/json' },
        payload,
      })
      expect(res.statusCode, payload).toBeLessThan(500)
    }
    expect(await engagementsOf(letterId)).toHaveLength(0)
  })

  it('answers a link we did not send with a 404 page', async () => {
    for (const token of ['x'.repeat(43), 'short', '%3Cscript%3E', 'a'.repeat(100)]) {
      const get = await app.inject({ method: 'GET', url: `/replies/${token}` })
      expect(get.statusCode, token).toBe(404)
      expect(get.body).toContain('This link is not valid')
      expect((await form(token, 'answer=replied')).statusCode).toBe(404)
    }
    // Longer than any token: Fastify refuses it before routing (414 URI Too Long).
    expect((await app.inject({ method: 'GET', url: `/replies/${'a'.repeat(101)}` })).statusCode).toBe(414)
  })

  it('takes answers only from this site', async () => {
    const { token, letterId } = await askedLetter()
    const res = await form(token, 'answer=replied', { origin: 'https://elsewhere.example' })
    expect(res.statusCode).toBe(403)
    expect(await engagementsOf(letterId)).toHaveLength(0)
  })

  it('escapes markup in what it shows, on the page and in the e-mail', async () => {
    const { token, mail, letterId } = await askedLetter('<script>alert("x")</script> Ada')
    expect(mail.parsed.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada')
    expect(mail.parsed.html).not.toContain('<script>alert')
    // The page shows no writer's name; the state's name comes from the directory, as an import
    // may have brought it.
    const row = await ctx.db
      .selectFrom('letter')
      .select('addressee')
      .where('id', '=', letterId)
      .executeTakeFirstOrThrow()
    const addressee = { ...JSON.parse(row.addressee), stateName: 'France <img src=x onerror=alert(1)>' }
    await ctx.db
      .updateTable('letter')
      .set({ addressee: JSON.stringify(addressee) })
      .where('id', '=', letterId)
      .execute()
    const page = await app.inject({ method: 'GET', url: `/replies/${token}` })
    expect(page.body).toContain('France &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;')
    expect(page.body).not.toContain('<img')
    expect(page.body).not.toContain('alert("x")')
  })
})

describe('the replies table', () => {
  it('counts per state who was asked and what they answered', async () => {
    const before = (await getResponsiveness(ctx)).find((r) => r.iso3 === 'FRA')
    const asked = [await askedLetter(), await askedLetter(), await askedLetter()]
    await form(asked[0]!.token, 'answer=replied')
    await form(asked[1]!.token, 'answer=acknowledged')
    await form(asked[1]!.token, 'answer=no_reply')
    const france = (await getResponsiveness(ctx)).find((r) => r.iso3 === 'FRA')
    const delta = (key: 'asked' | 'answered' | 'replied' | 'acknowledged' | 'noReply') =>
      (france?.[key] ?? 0) - (before?.[key] ?? 0)
    expect(france?.name).toBe('France')
    expect([
      delta('asked'),
      delta('answered'),
      delta('replied'),
      delta('acknowledged'),
      delta('noReply'),
    ]).toEqual([3, 2, 1, 0, 1])
    expect(france!.replyRate).toBe((france!.replied + france!.acknowledged) / france!.answered)
  })
})

describe('an answer an organizer withdrew', () => {
  it('stops counting everywhere (status, replies table, CSV), and a new answer counts again, the withdrawn one kept', async () => {
    await setMission(ctx, 'GHA', { emails: ['ghana.mission@example.org'] })
    const ghana = async () => ({
      status: (await getCoverage(ctx, 'organizers')).states.find((s) => s.iso3 === 'GHA')?.status,
      table: (await getResponsiveness(ctx)).find((r) => r.iso3 === 'GHA'),
      csv: (
        parse(
          (await app.inject({ url: '/organizers/coverage.csv', headers: { cookie: organizer.cookie } }))
            .rawPayload,
          { bom: true, columns: true },
        ) as Record<string, string>[]
      ).find((r) => r.ISO3 === 'GHA'),
    })
    const { token, letterId } = await askedLetter(undefined, 'GHA')
    // Signed in once the clock has moved on 14 days (a session does not last that long).
    const organizer = await signInOrganizer(app, ctx, { name: 'Wale Organizer' })
    expect((await form(token, 'answer=replied')).statusCode).toBe(303)
    const answered = await ghana()
    expect(answered.status).toBe('replied')
    expect(answered.table).toMatchObject({ asked: 1, answered: 1, replied: 1, replyRate: 1 })
    expect(answered.csv).toMatchObject({ Status: 'Replied', Replied: '1' })

    const [answer] = await engagementsOf(letterId)
    const withdrawn = await app.inject({
      method: 'POST',
      url: `/api/engagements/${answer!.id}/withdraw`,
      headers: organizer.apiHeaders,
      payload: { reason: 'The writer told us they clicked the wrong button' },
    })
    expect(withdrawn.statusCode).toBe(200)
    const after = await ghana()
    expect(after.status).toBe('contacted')
    expect(after.table).toMatchObject({ asked: 1, answered: 0, replied: 0, replyRate: null })
    expect(after.csv).toMatchObject({ Status: 'Contacted', Replied: '0' })
    // The writer's page asks again, as if they had never answered.
    const page = await app.inject({ url: `/replies/${token}` })
    expect(page.body).not.toContain('You told us')

    clock.advance(DAY)
    expect((await form(token, 'answer=acknowledged')).statusCode).toBe(303)
    const again = await ghana()
    expect(again.status).toBe('replied')
    expect(again.table).toMatchObject({ asked: 1, answered: 1, replied: 0, acknowledged: 1 })
    expect(again.csv).toMatchObject({ Status: 'Replied', Acknowledged: '1', Replied: '0' })
    const rows = await engagementsOf(letterId)
    expect(rows.map((r) => [r.kind, r.withdrawn_at !== null])).toEqual([
      ['reply_received', true],
      ['acknowledgement', false],
    ])
    // Answering once more changes the answer that counts, never the withdrawn one.
    expect((await form(token, 'answer=no_reply')).statusCode).toBe(303)
    const last = await engagementsOf(letterId)
    expect(last.map((r) => [r.kind, r.withdrawn_at !== null])).toEqual([
      ['reply_received', true],
      ['no_reply_yet', false],
    ])
    expect((await ghana()).table).toMatchObject({ answered: 1, acknowledged: 0, noReply: 1 })
  })
})
