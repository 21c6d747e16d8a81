import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { createLogger, EMAIL_PLACEHOLDER } from '../../src/lib/log.js'
import { pass, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

// The whole log of a supporter's journey, at the most talkative level, captured line by line:
// it must hold no e-mail address and no paragraph the supporter wrote.

const DAY = 86_400_000
const WRITER = {
  name: 'Ottoline Logless',
  email: 'Ottoline.Logless@private-mail.example',
  note: 'Nobody but the ambassador should read this paragraph about my sister in Goma.',
}
const ADDRESSES = [WRITER.email, 'france@un.int', 'uk-refuses@un.int']

/** A pino destination that keeps every line in memory. */
function captureStream() {
  const lines: string[] = []
  return { lines, write: (line: string) => void lines.push(line) }
}

describe('the log of a full journey', async () => {
  const captured = captureStream()
  const smtp = await startTestSmtpServer()
  const clock = manualClock(TEST_NOW)
  const { app, ctx } = await buildTestApp({
    clock,
    log: createLogger({ logLevel: 'trace' }, captured),
    env: { SMTP_URL: smtp.url, LOG_LEVEL: 'trace' },
  })
  const transport = transportFor(ctx)
  await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
  await setMission(ctx, 'GBR', { emails: ['uk-refuses@un.int'] })
  const form = (url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    })
  const linkIn = (pattern: RegExp) => {
    const mail = smtp.messages.findLast((m) => pattern.test(m.parsed.text))
    return pattern.exec(mail?.parsed.text ?? '')?.[1] ?? ''
  }

  /** Writes a letter to `iso3` through the form, asks for it to be e-mailed and confirms it. */
  async function writeAndSend(iso3: string) {
    const written = await form(`/write/${iso3.toLowerCase()}`, {
      template: 'supporter',
      language: 'en',
      'supporter.name': WRITER.name,
      'supporter.email': WRITER.email,
      'supporter.city': 'Mombasa',
      'supporter.country': 'KE',
      personalNote: WRITER.note,
    })
    expect(written.statusCode).toBe(303)
    const letterUrl = written.headers.location as string
    expect((await form(`${letterUrl}/send`, { email: WRITER.email })).statusCode).toBe(303)
    await pass(ctx, transport)
    const token = linkIn(/\/confirm\/([A-Za-z0-9_-]{43})/)
    expect((await app.inject({ method: 'GET', url: `/confirm/${token}` })).statusCode).toBe(200)
    expect((await form(`/confirm/${token}`, {})).statusCode).toBe(303)
    return letterUrl
  }

  // 1. A letter to France, delivered, and the writer's copy.
  const toFrance = await writeAndSend('FRA')
  await pass(ctx, transport)
  await app.inject({ method: 'GET', url: toFrance })
  // 2. A letter to the United Kingdom, whose mail server refuses it for good (the error path);
  //    then a temporary failure of the writer's mail, retried.
  await writeAndSend('GBR')
  smtp.respondWith(
    { code: 550, message: `5.1.1 <uk-refuses@un.int>: no such mailbox (from ${WRITER.email})` },
    1,
  )
  await pass(ctx, transport)
  // 3. Joining the campaign, confirming, and leaving it.
  const joined = await form('/join', {
    kind: 'individual',
    name: WRITER.name,
    email: WRITER.email,
    country: 'KE',
    consent: 'yes',
  })
  smtp.respondWith({ code: 451, message: `4.3.0 <${WRITER.email}>: try again later` }, 1)
  await pass(ctx, transport)
  clock.advance(DAY)
  await pass(ctx, transport)
  const joinToken = linkIn(/\/join\/confirm\/([A-Za-z0-9_-]{43})/)
  const confirmed = await form(`/join/confirm/${joinToken}`, {})
  const member = await ctx.db
    .selectFrom('member')
    .select('public_id')
    .where('email', '=', WRITER.email.toLowerCase())
    .executeTakeFirst()
  const left = await form(`/members/${member?.public_id}/unsubscribe`, {})
  // 4. Erasure: a mistyped address first (422), then the real one, the link, the button.
  const mistyped = await form('/privacy/erase', { email: `${WRITER.email}@@` })
  const asked = await form('/privacy/erase', { email: WRITER.email })
  await pass(ctx, transport)
  const eraseToken = linkIn(/\/privacy\/erase\/([A-Za-z0-9_-]{43})/)
  await app.inject({ method: 'GET', url: `/privacy/erase/${eraseToken}` })
  const erased = await form(`/privacy/erase/${eraseToken}`, {})
  // 5. A link followed with the address in its query string, and a page that does not exist.
  await app.inject({ method: 'GET', url: `/privacy/erase?email=${encodeURIComponent(WRITER.email)}` })
  await app.inject({ method: 'GET', url: `/nowhere/${encodeURIComponent(WRITER.email)}` })
  await pass(ctx, transport)
  transport.close()
  await smtp.stop()
  const log = captured.lines.join('')

  it('went through every step', () => {
    expect(joined.statusCode).toBe(303)
    expect(confirmed.statusCode).toBe(303)
    expect(left.statusCode).toBe(303)
    expect(mistyped.statusCode).toBe(422)
    expect(asked.statusCode).toBe(303)
    expect(erased.statusCode).toBe(303)
  })

  it('logged what happened: requests, deliveries, the refusal and the retry', () => {
    expect(captured.lines.length).toBeGreaterThan(30)
    expect(log).toContain('incoming request')
    expect(log).toContain('message accepted by the mail server')
    expect(log).toMatch(/"code":550[^\n]*mail server did not take the message/)
    expect(log).toMatch(/"code":451[^\n]*"retry":true/)
    // Where an address was, the placeholder now is.
    expect(log).toContain(EMAIL_PLACEHOLDER)
  })

  it('holds no e-mail address and no personal paragraph', () => {
    const lower = log.toLowerCase()
    for (const address of ADDRESSES) {
      expect(lower.includes(address.toLowerCase()), address).toBe(false)
      expect(lower.includes(encodeURIComponent(address).toLowerCase()), address).toBe(false)
    }
    expect(log).not.toMatch(/[\w.+-]+(@|%40)[\w-]+\.[a-z]{2,}/i)
    expect(log).not.toContain(WRITER.note)
    expect(log).not.toContain(WRITER.note.slice(0, 40))
  })
})

describe('the redacting logger', () => {
  it('blanks personal fields and masks addresses in messages, values and errors', () => {
    const captured = captureStream()
    const log = createLogger({ logLevel: 'info' }, captured)
    const error = Object.assign(new Error('550 5.1.1 <jo@example.org> rejected'), {
      response: '550 <JO@EXAMPLE.ORG>',
    })
    log.info(
      {
        email: 'a@example.org',
        letter: { supporter_email: 'b@example.org', personalNote: WRITER.note, document: '{...}' },
        form: { body: { personal_note: WRITER.note } },
        url: '/x?to=c%40example.org',
        version: 'pino@10.4.0',
      },
      'written for d@example.org',
    )
    log.child({ request: 1 }).error({ err: error }, 'send failed')
    const out = captured.lines.join('')
    expect(out).not.toMatch(/[a-d]@example\.org|jo@example|c%40example/i)
    expect(out).not.toContain(WRITER.note)
    expect(out).toContain('"email":"[redacted]"')
    expect(out).toContain('written for [e-mail]')
    expect(out).toContain('550 5.1.1 <[e-mail]> rejected')
    expect(out).toContain('pino@10.4.0')
  })
})
