import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'
import {
  confirmedLetter,
  FRANCE_EMAIL,
  letterAwaitingConfirmation,
  letterStatus,
  pass,
  transportFor,
} from './delivery-helpers.js'

const DAY = 86_400_000

describe('asking for e-mail delivery, and the confirmation page', async () => {
  const clock = manualClock(TEST_NOW)
  const { app, ctx } = await buildTestApp({ clock })
  beforeAll(() => setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))

  it("answers 202 and keeps addresses out of the letter's JSON", async () => {
    const letter = await createLetter(ctx, {
      state: 'FRA',
      language: 'en',
      supporter: { name: 'Ada Obi', email: 'ada@example.org' },
    })
    const res = await app.inject({ method: 'POST', url: `/api/letters/${letter.id}/send`, payload: {} })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toMatchObject({
      status: 'awaiting_confirmation',
      expiresAt: '2026-06-08T12:00:00.000Z',
    })
    const view = await app.inject({ method: 'GET', url: `/api/letters/${letter.id}` })
    expect(view.json()).toMatchObject({
      status: 'awaiting_confirmation',
      delivery: { channel: 'email', confirmedAt: null },
    })
    expect(view.body).not.toContain('ada@example.org')
    expect(view.body).not.toContain(FRANCE_EMAIL)
  })

  it('shows the letter on the confirmation page and sends it only when the button is pressed', async () => {
    const { id, token } = await letterAwaitingConfirmation(ctx)
    const page = await app.inject({ method: 'GET', url: `/confirm/${token}` })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Send my letter')
    expect(page.body).toContain('H.E. Mr. Jérôme Bonnafont')
    expect(await letterStatus(ctx, id)).toBe('awaiting_confirmation')
    const confirm = await app.inject({ method: 'POST', url: `/confirm/${token}` })
    expect(confirm.statusCode).toBe(303)
    expect(confirm.headers.location).toBe(`/letters/${id}`)
    expect(await letterStatus(ctx, id)).toBe('queued')
    // The link is spent, and no copy of it is kept.
    const again = await app.inject({ method: 'GET', url: `/confirm/${token}` })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('already been confirmed')
    const payloads = await ctx.db
      .selectFrom('outbox_message')
      .innerJoin('letter', 'letter.id', 'outbox_message.letter_id')
      .select('payload')
      .where('letter.public_id', '=', id)
      .execute()
    expect(payloads.every((p) => p.payload === null)).toBe(true)
    const preview = await app.inject({ method: 'GET', url: `/letters/${id}` })
    expect(preview.body).toContain('Confirmed, and in the queue')
  })

  it('refuses an expired link and an unknown one with a clear page', async () => {
    const { token } = await letterAwaitingConfirmation(ctx)
    clock.advance(7 * DAY + 1)
    const expired = await app.inject({ method: 'GET', url: `/confirm/${token}` })
    expect(expired.statusCode).toBe(410)
    expect(expired.body).toContain('This confirmation link has expired')
    expect((await app.inject({ method: 'POST', url: `/confirm/${token}` })).statusCode).toBe(410)
    const unknown = await app.inject({ method: 'GET', url: `/confirm/${'x'.repeat(43)}` })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.body).toContain('This confirmation link is not valid')
    expect((await app.inject({ method: 'GET', url: '/confirm/short' })).statusCode).toBe(400)
    clock.set(TEST_NOW)
  })

  it('e-mails one letter per writer and mission, and tells a stranger nothing about who wrote', async () => {
    const first = await letterAwaitingConfirmation(ctx, { email: 'once@example.org' })
    const second = await letterAwaitingConfirmation(ctx, { email: 'once@example.org' })
    expect(second.id).not.toBe(first.id)
    await app.inject({ method: 'POST', url: `/confirm/${first.token}` })
    expect(await letterStatus(ctx, first.id)).toBe('queued')
    // Asking again from the same address answers as for anyone: the link goes to the address.
    const third = await createLetter(ctx, {
      state: 'FRA',
      supporter: { name: 'Someone', email: 'once@example.org' },
    })
    expect(
      (await app.inject({ method: 'POST', url: `/api/letters/${third.id}/send`, payload: {} })).statusCode,
    ).toBe(202)
    // Only the owner of the address, confirming, learns that this mission already has their letter.
    const refused = await app.inject({ method: 'POST', url: `/confirm/${second.token}` })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('You have already e-mailed a letter to the mission of France')
    expect(await letterStatus(ctx, second.id)).toBe('awaiting_confirmation')
  })

  it('takes a second attempt from the same browser to the draft it wrote', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/write/fra',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'template=supporter&language=en&supporter.name=Brow+Ser',
    })
    const cookie = res.cookies.find((c) => c.name === 'draft_fra')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    const again = await app.inject({
      method: 'GET',
      url: '/write/fra',
      cookies: { draft_fra: cookie!.value },
    })
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(`${res.headers.location}/edit`)
    const fresh = await app.inject({
      method: 'GET',
      url: '/write/fra?new=1',
      cookies: { draft_fra: cookie!.value },
    })
    expect(fresh.statusCode).toBe(200)
    const stranger = await app.inject({
      method: 'GET',
      url: '/write/fra',
      cookies: { draft_fra: 'A'.repeat(22) },
    })
    expect(stranger.statusCode).toBe(200)
  })

  it('offers only the PDF for a mission without an e-mail address', async () => {
    // Chad's mission without an address (the seed gives it one): the state this test is about.
    await setMission(ctx, 'TCD', { emails: [] })
    const letter = await createLetter(ctx, {
      state: 'TCD',
      language: 'fr',
      supporter: { name: 'Sans Adresse', email: 'sans@example.org' },
    })
    const res = await app.inject({ method: 'POST', url: `/api/letters/${letter.id}/send`, payload: {} })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.channel).toContain('no e-mail address on file')
    const page = await app.inject({ method: 'GET', url: `/letters/${letter.id}` })
    expect(page.body).toContain('can only be printed')
    expect(page.body).not.toContain('Send me the confirmation link')
  })

  it('does not queue a letter to a mission that lost its e-mail address before the writer confirmed', async () => {
    const { id, token } = await letterAwaitingConfirmation(ctx)
    await setMission(ctx, 'FRA', { emails: [] })
    const res = await app.inject({ method: 'POST', url: `/confirm/${token}` })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('no longer has an e-mail address')
    expect(await letterStatus(ctx, id)).toBe('awaiting_confirmation')
    await setMission(ctx, 'FRA', { emails: [FRANCE_EMAIL] })
  })

  it('asks for an address when the letter has none, with the message by the field', async () => {
    const letter = await createLetter(ctx, { state: 'FRA', language: 'en', supporter: { name: 'No Mail' } })
    const api = await app.inject({
      method: 'POST',
      url: `/api/letters/${letter.id}/send`,
      payload: { email: 'not an address' },
    })
    expect(api.statusCode).toBe(400)
    expect(api.json().errors.email).toContain('does not look like an e-mail address')
    const page = await app.inject({
      method: 'POST',
      url: `/letters/${letter.id}/send`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=',
    })
    expect(page.statusCode).toBe(422)
    expect(page.body).toContain('id="send-email-error"')
  })
})

describe('protecting missions: the daily cap and the digest', async () => {
  const smtp = await startTestSmtpServer()
  afterAll(() => smtp.stop())
  const toFrance = () => smtp.messages.filter((m) => m.envelope.to.includes(FRANCE_EMAIL))

  /** A fresh service on `env`, France with an address, and three letters confirmed on 1 June. */
  async function threeConfirmedLetters(env: Record<string, string>) {
    smtp.reset()
    const clock = manualClock(TEST_NOW)
    const { ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, ...env } })
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
    const transport = transportFor(ctx)
    const letters = []
    for (let i = 0; i < 3; i++) letters.push(await confirmedLetter(ctx, transport))
    return { ctx, clock, transport, letters }
  }

  it('sends a mission no more than MISSION_DAILY_CAP letters a day; the rest go the next day', async () => {
    const { ctx, clock, transport, letters } = await threeConfirmedLetters({ MISSION_DAILY_CAP: '2' })
    await pass(ctx, transport)
    expect(toFrance()).toHaveLength(2)
    expect(await letterStatus(ctx, letters[2]!.id)).toBe('queued')
    clock.set('2026-06-02T00:00:01.000Z')
    await pass(ctx, transport)
    expect(toFrance()).toHaveLength(3)
    expect(await letterStatus(ctx, letters[2]!.id)).toBe('sent')
    transport.close()
  })

  it('in digest mode, sends one e-mail a day per mission with all its letters in one PDF', async () => {
    const { ctx, clock, transport, letters } = await threeConfirmedLetters({ DELIVERY_MODE: 'digest' })
    await pass(ctx, transport)
    expect(toFrance()).toHaveLength(0)
    clock.set('2026-06-02T00:00:01.000Z')
    await pass(ctx, transport)
    const digests = toFrance()
    expect(digests).toHaveLength(1)
    expect(digests[0]?.parsed.subject).toBe(
      '3 letters from Code Blue supporters to the Permanent Mission (2026-06-01)',
    )
    expect(digests[0]?.parsed.attachments).toHaveLength(1)
    for (const letter of letters) expect(await letterStatus(ctx, letter.id)).toBe('sent')
    transport.close()
  })
})

describe('without SMTP_URL', async () => {
  it('writes every message as an .eml file, never dropping one', async () => {
    const { ctx } = await buildTestApp()
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
    const transport = transportFor(ctx)
    expect(transport.kind).toBe('file')
    const { id } = await confirmedLetter(ctx, transport)
    await pass(ctx, transport)
    expect(await letterStatus(ctx, id)).toBe('sent')
    const files = fs.readdirSync(ctx.config.mail.outboxDir).filter((f) => f.endsWith('.eml'))
    expect(files.length).toBeGreaterThanOrEqual(2)
    const all = files.map((f) => fs.readFileSync(`${ctx.config.mail.outboxDir}/${f}`, 'utf8')).join('\n')
    expect(all).toContain(`To: ${FRANCE_EMAIL}`)
    expect(all).toContain('Content-Type: application/pdf')
  })
})

describe('rate limits', async () => {
  it('limits confirmation requests per address and hour', async () => {
    const { app, ctx } = await buildTestApp({ env: { RATE_LIMIT_SENDS: '2' } })
    await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
    const letter = await createLetter(ctx, {
      state: 'FRA',
      language: 'en',
      supporter: { name: 'Eager', email: 'eager@example.org' },
    })
    const codes: number[] = []
    for (let i = 0; i < 3; i++) {
      codes.push(
        (await app.inject({ method: 'POST', url: `/api/letters/${letter.id}/send`, payload: {} })).statusCode,
      )
    }
    expect(codes).toEqual([202, 202, 429])
  })

  it('limits letters written per address and hour', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LETTERS: '1' } })
    const body = { state: 'TCD', supporter: { name: 'Writer' } }
    expect((await app.inject({ method: 'POST', url: '/api/letters', payload: body })).statusCode).toBe(201)
    const limited = await app.inject({ method: 'POST', url: '/api/letters', payload: body })
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBeDefined()
  })

  it('limits saves of a draft per address and hour, as it limits writing', async () => {
    const { app, ctx } = await buildTestApp({ env: { RATE_LIMIT_LETTERS: '2' } })
    const letter = await createLetter(ctx, { state: 'TCD', supporter: { name: 'Writer' } })
    const save = () =>
      app.inject({
        method: 'POST',
        url: `/letters/${letter.id}/edit`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          template: 'supporter',
          language: 'en',
          'supporter.name': 'Writer',
        }).toString(),
      })
    const codes = [(await save()).statusCode, (await save()).statusCode, (await save()).statusCode]
    expect(codes).toEqual([303, 303, 429])
  })
})
