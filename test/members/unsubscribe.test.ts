import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { CONSENT_VERSION } from '../../src/members/consent.js'
import { unsubscribeUrl } from '../../src/members/unsubscribe-links.js'
import { pass } from '../delivery/delivery-helpers.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const HOUR = 3_600_000
const LINK = /http:\/\/localhost:3000\/join\/confirm\/([A-Za-z0-9_-]{43})/

const { smtp, clock, app, ctx, transport } = await buildMailTestApp()

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function post(url: string, body: string, headers: Record<string, string> = FORM) {
  return app.inject({ method: 'POST', url, headers, payload: body })
}

async function member(email: string) {
  return ctx.db.selectFrom('member').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
}

/** Joins through the form and confirms from the e-mail's link, as a person would. */
async function activeMember(email: string) {
  const fields = new URLSearchParams({
    kind: 'individual',
    name: 'Nadia',
    email,
    country: 'MA',
    consent: 'yes',
  })
  expect((await post('/join', fields.toString())).statusCode).toBe(303)
  await pass(ctx, transport)
  const mail = smtp.messages.findLast((m) => m.envelope.to.includes(email))
  const token = LINK.exec(mail?.parsed.text ?? '')?.[1]
  expect((await post(`/join/confirm/${token}`, '')).statusCode).toBe(303)
  const row = await member(email)
  expect(row).toMatchObject({ status: 'active', consent_updates: 1 })
  return row
}

describe('unsubscribing', () => {
  it('has a fixed address that update e-mails point to', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://letters.example.org/' })
    expect(unsubscribeUrl(config, 'AbCdEfGhIjKlMnOpQrStUv')).toBe(
      'https://letters.example.org/members/AbCdEfGhIjKlMnOpQrStUv/unsubscribe',
    )
  })

  it('from the page: opening it changes nothing; the button does, once', async () => {
    const { public_id: id } = await activeMember('page@example.org')
    const page = await app.inject({ url: `/members/${id}/unsubscribe` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.body).toContain(`<form method="post" action="/members/${id}/unsubscribe"`)
    expect((await member('page@example.org')).status).toBe('active')

    clock.advance(HOUR)
    const res = await post(`/members/${id}/unsubscribe`, '', { ...FORM, origin: 'http://localhost:80' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/members/${id}/unsubscribe`)
    const left = await member('page@example.org')
    expect(left).toMatchObject({
      status: 'unsubscribed',
      consent_updates: 0,
      unsubscribed_at: new Date(Date.parse(TEST_NOW) + HOUR).toISOString(),
      // What was agreed to, and when, stays on record.
      consent_version: CONSENT_VERSION,
      consent_at: TEST_NOW,
    })
    const after = await app.inject({ url: `/members/${id}/unsubscribe` })
    expect(after.body).toContain('You are unsubscribed')
    expect(after.body).not.toContain('<form method="post"')

    clock.advance(HOUR)
    expect((await post(`/members/${id}/unsubscribe`, '')).statusCode).toBe(303)
    expect(await member('page@example.org')).toEqual(left)
    const own = await app.inject({ url: `/members/${id}` })
    expect(own.body).toContain('You left the campaign on 1 June 2026')
  })

  it('by the RFC 8058 one-click POST, without cookie or Origin: 200, and again 200', async () => {
    const { public_id: id } = await activeMember('oneclick@example.org')
    const res = await post(`/members/${id}/unsubscribe`, 'List-Unsubscribe=One-Click')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.body).toMatch(/^Unsubscribed/)
    expect(res.body.length).toBeLessThan(200)
    const left = await member('oneclick@example.org')
    expect(left).toMatchObject({ status: 'unsubscribed', consent_updates: 0, unsubscribed_at: TEST_NOW })
    clock.advance(HOUR)
    const again = await post(`/members/${id}/unsubscribe`, 'List-Unsubscribe=One-Click')
    expect(again.statusCode).toBe(200)
    expect(await member('oneclick@example.org')).toEqual(left)
  })

  it('by the one-click POST sent as multipart/form-data, as in RFC 8058’s example', async () => {
    const { public_id: id } = await activeMember('multipart@example.org')
    const boundary = 'XYZ123'
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`
    const res = await post(`/members/${id}/unsubscribe`, body, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    })
    expect(res.statusCode).toBe(200)
    expect((await member('multipart@example.org')).status).toBe('unsubscribed')
  })

  it('refuses a form from another site', async () => {
    const { public_id: id } = await activeMember('crosssite@example.org')
    const res = await post(`/members/${id}/unsubscribe`, '', { ...FORM, origin: 'https://evil.example' })
    expect(res.statusCode).toBe(403)
    expect((await member('crosssite@example.org')).status).toBe('active')
  })

  it('answers 404 for an unknown member, whichever way it is asked', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', 'x'.repeat(99)]) {
      expect((await app.inject({ url: `/members/${id}/unsubscribe` })).statusCode, id).toBe(404)
      expect((await post(`/members/${id}/unsubscribe`, '')).statusCode, id).toBe(404)
      expect((await post(`/members/${id}/unsubscribe`, 'List-Unsubscribe=One-Click')).statusCode, id).toBe(
        404,
      )
      expect((await app.inject({ url: `/members/${id}` })).statusCode, id).toBe(404)
    }
  })

  it('lets a former member join again, through a new confirmation', async () => {
    const { public_id: id } = await activeMember('return@example.org')
    await post(`/members/${id}/unsubscribe`, 'List-Unsubscribe=One-Click')
    clock.advance(24 * HOUR)
    const fields = new URLSearchParams({
      kind: 'individual',
      name: 'Someone Else',
      email: 'return@example.org',
      country: 'US',
      consent: 'yes',
    })
    expect((await post('/join', fields.toString())).headers.location).toBe('/join/check-inbox')
    const pending = await member('return@example.org')
    expect(pending).toMatchObject({ status: 'pending', name: 'Nadia', country: 'MA', consent_updates: 1 })
    expect(pending.consent_at).toBe(clock.nowIso())
    await pass(ctx, transport)
    const mail = smtp.messages.findLast((m) => m.envelope.to.includes('return@example.org'))
    expect(mail?.parsed.text).toContain('Hello Nadia,')
    const token = LINK.exec(mail?.parsed.text ?? '')?.[1]
    expect((await post(`/join/confirm/${token}`, '')).headers.location).toBe(`/members/${id}?welcome=1`)
    expect(await member('return@example.org')).toMatchObject({ status: 'active', public_id: id })
  })
})
