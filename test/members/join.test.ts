import { describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { countLettersOfAddress } from '../../src/letters/letters-per-address.js'
import { hashToken } from '../../src/lib/tokens.js'
import { CONSENT_TEXT, CONSENT_VERSION } from '../../src/members/consent.js'
import { pass } from '../delivery/delivery-helpers.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const DAY = 86_400_000
const LINK = /http:\/\/localhost:3000\/join\/confirm\/([A-Za-z0-9_-]{43})/

const { smtp, clock, app, ctx, transport } = await buildMailTestApp()

function formBody(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return body.toString()
}

function post(url: string, fields: Record<string, string | string[]>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody(fields),
  })
}

const person = (email: string, more: Record<string, string | string[]> = {}) => ({
  kind: 'individual',
  name: 'Amina Diallo',
  email,
  country: 'sn',
  helps: ['letters', 'research'],
  consent: 'yes',
  ...more,
})

async function memberOf(email: string) {
  return ctx.db.selectFrom('member').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
}

/** Sends what the outbox holds; the confirmation e-mail to `email`, as its owner reads it. */
async function mailTo(email: string) {
  await pass(ctx, transport)
  const mail = smtp.messages.findLast((m) => m.envelope.to.includes(email))
  if (!mail) throw new Error(`no e-mail reached ${email}`)
  return mail
}

async function tokenMailedTo(email: string): Promise<string> {
  const token = LINK.exec((await mailTo(email)).parsed.text)?.[1]
  if (!token) throw new Error('the e-mail has no confirmation link')
  return token
}

describe('the join form', () => {
  it('is public, in plain HTML, with the consent box unticked and its wording', async () => {
    const page = await app.inject({ url: '/join' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('name="kind" value="individual"')
    expect(page.body).toContain('name="org_name"')
    expect(page.body).toMatch(/<input type="checkbox" id="consent" name="consent" value="yes">/)
    expect(page.body).toContain(CONSENT_TEXT)
    expect(page.body).toContain('value="documentation"')
    expect(page.body).toContain('<option value="SN">Senegal</option>')
  })

  it("lists the countries by their names in the page's language, in its order", async () => {
    const page = await app.inject({ url: '/join?lang=fr' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<option value="SN">Sénégal</option>')
    const select = page.body.slice(page.body.indexOf('<select id="country"'), page.body.indexOf('</select>'))
    const names = [...select.matchAll(/<option value="[A-Z]{2}">([^<]+)<\/option>/g)].map(([, name]) =>
      (name ?? '').replace(/&#x27;/g, "'"),
    )
    expect(names.length).toBeGreaterThan(240)
    expect(names).toEqual([...names].sort(new Intl.Collator('fr', { sensitivity: 'base' }).compare))
  })

  it('asks an individual to confirm: pending, consent stored with its version and date', async () => {
    const res = await post('/join', person('Amina.Diallo@Example.org', { org_name: 'Ignored Org' }))
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/join/check-inbox')
    const member = await memberOf('amina.diallo@example.org')
    expect(member).toMatchObject({
      kind: 'individual',
      status: 'pending',
      name: 'Amina Diallo',
      country: 'SN',
      organization_name: null,
      helps: '["letters","research"]',
      source: 'join_form',
      consent_updates: 1,
      consent_version: CONSENT_VERSION,
      consent_at: TEST_NOW,
      confirmed_at: null,
      confirm_expires_at: new Date(Date.parse(TEST_NOW) + 7 * DAY).toISOString(),
    })
    expect(member.public_id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const queued = await ctx.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('member_id', '=', member.id)
      .execute()
    expect(queued).toMatchObject([{ kind: 'member_confirmation', status: 'queued', letter_id: null }])
    const page = await app.inject({ url: res.headers.location as string })
    expect(page.body).toContain('Check your inbox')
  })

  it('takes an organization, ignoring the individual fields; unticked consent is stored as 0', async () => {
    const res = await post('/join', {
      kind: 'organization',
      name: 'Typed by mistake',
      email: 'not-used@example.org',
      org_name: 'Juristes sans frontières',
      org_kind: 'professional',
      org_country: 'FR',
      org_website: 'juristes.example.org/about',
      org_contact: 'Claire Martin',
      org_email: 'contact@juristes.example.org',
      helps: 'research',
    })
    expect(res.statusCode).toBe(303)
    const member = await memberOf('contact@juristes.example.org')
    expect(member).toMatchObject({
      kind: 'organization',
      name: 'Claire Martin',
      organization_name: 'Juristes sans frontières',
      organization_kind: 'professional',
      country: 'FR',
      website: 'https://juristes.example.org/about',
      helps: '["research"]',
      consent_updates: 0,
      consent_version: CONSENT_VERSION,
      consent_at: null,
    })
    const stray = await ctx.db
      .selectFrom('member')
      .select('id')
      .where('email', '=', 'not-used@example.org')
      .execute()
    expect(stray).toEqual([])
  })
})

describe('bad input', () => {
  async function refused(fields: Record<string, string | string[]>, expected: string[]) {
    const before = await ctx.db.selectFrom('member').select(ctx.db.fn.countAll<number>().as('n')).execute()
    const res = await post('/join', fields)
    expect(res.statusCode, JSON.stringify(fields).slice(0, 200)).toBe(422)
    for (const field of expected) {
      expect(res.body, field).toContain(`id="${field}-error"`)
      expect(res.body, field).toContain(`<a href="#${field}">`)
    }
    const after = await ctx.db.selectFrom('member').select(ctx.db.fn.countAll<number>().as('n')).execute()
    expect(after).toEqual(before)
    return res
  }

  it('names every field at fault, in the set that was filled in when no kind is chosen', async () => {
    const empty = await refused({}, ['kind'])
    expect(empty.body).not.toContain('id="name-error"')
    const person = await refused({ name: 'Forgot The Choice', email: 'nope' }, ['kind', 'email', 'country'])
    expect(person.body).not.toContain('id="org_name-error"')
    await refused({ kind: 'individual' }, ['name', 'email', 'country'])
    const org = await refused({ kind: 'organization', name: 'ignored' }, [
      'org_name',
      'org_kind',
      'org_country',
      'org_contact',
      'org_email',
    ])
    expect(org.body).not.toContain('id="name-error"')
    expect(org.body).toContain('Choose the country where the organization is based.')
  })

  it('refuses wrong types, unknown ways to help, an invalid country and a bad consent value', async () => {
    await refused(
      person('x@example.org', {
        name: ['two', 'names'],
        email: 'not an address',
        country: 'XX',
        helps: ['letters', 'spying'],
        consent: 'maybe',
      }),
      ['name', 'email', 'country', 'helps', 'consent'],
    )
  })

  it('refuses invisible direction characters, line breaks and huge values', async () => {
    const res = await refused(person(`${'a'.repeat(300)}@example.org`, { name: 'Evil\u202Egnp.exe' }), [
      'name',
      'email',
    ])
    expect(res.body).toContain('invisible text-direction characters')
    await refused(person('y@example.org', { name: 'x'.repeat(10_000) }), ['name'])
    await refused(person('y@example.org', { name: 'Two\nlines' }), ['name'])
  })

  it('refuses a website that is not http(s), and an unknown kind of organization', async () => {
    const org = {
      kind: 'organization',
      org_name: 'Org',
      org_kind: 'cult',
      org_country: 'KE',
      org_contact: 'Someone',
      org_email: 'someone@example.org',
    }
    const res = await refused({ ...org, org_website: 'javascript:alert(1)' }, ['org_kind', 'org_website'])
    expect(res.body).toContain('starting with https://')
    await refused({ ...org, org_kind: 'ngo', org_website: 'ftp://files.example.org' }, ['org_website'])
    await refused({ ...org, org_kind: 'ngo', org_website: 'https://user:pw@example.org' }, ['org_website'])
  })

  it('answers JSON with wrong types the same way, never with a 500', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/join',
      payload: { kind: 'individual', name: 5, email: ['a@example.org'], country: { code: 'KE' }, helps: 7 },
    })
    expect(res.statusCode).toBe(422)
    for (const field of ['name', 'email', 'country', 'helps'])
      expect(res.body).toContain(`id="${field}-error"`)
    const notAnObject = await app.inject({ method: 'POST', url: '/join', payload: [1, 2] })
    expect(notAnObject.statusCode).toBe(422)
  })

  it('keeps what was typed, escaped, when the form comes back', async () => {
    const res = await refused(person('bad', { name: '<img src=x onerror=alert(1)>' }), ['email'])
    expect(res.body).toContain('id="name" name="name" value="&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"')
    expect(res.body).not.toContain('<img src=x')
    expect(res.body).toMatch(/value="letters"[^>]* checked/)
  })
})

describe('double opt-in', () => {
  it('e-mails a link; opening it records nothing; the button confirms; the link then says so', async () => {
    await post('/join', person('confirm.me@example.org', { name: 'Kofi <b>Mensah</b>' }))
    const mail = await mailTo('confirm.me@example.org')
    expect(mail.parsed.subject).toBe('Please confirm that you are joining Code Blue')
    expect(mail.parsed.text).toContain('Hello Kofi <b>Mensah</b>,')
    expect(mail.parsed.html).toContain('Hello Kofi &lt;b&gt;Mensah&lt;/b&gt;,')
    expect(mail.parsed.html).not.toContain('<b>Mensah')
    expect(mail.parsed.text).toContain("the campaign's updates will come to this address")
    const token = LINK.exec(mail.parsed.text)?.[1] as string
    expect(token).toBeTruthy()
    // The outbox keeps no copy of the link once the mail server has it.
    const member = await memberOf('confirm.me@example.org')
    const sent = await ctx.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('member_id', '=', member.id)
      .execute()
    expect(sent).toMatchObject([{ status: 'sent', payload: null }])
    expect(member.confirm_token_hash).toBe(hashToken(token))

    const page = await app.inject({ url: `/join/confirm/${token}` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.headers['referrer-policy']).toBe('same-origin')
    expect(page.body).toContain(`action="/join/confirm/${token}"`)
    expect(page.body).toContain('Kofi &lt;b&gt;Mensah&lt;/b&gt;')
    expect(page.body).toContain('Research and legal analysis')
    expect((await memberOf('confirm.me@example.org')).status).toBe('pending')

    clock.advance(3600_000)
    const confirmed = await post(`/join/confirm/${token}`, {})
    expect(confirmed.statusCode).toBe(303)
    expect(confirmed.headers.location).toBe(`/members/${member.public_id}?welcome=1`)
    expect(await memberOf('confirm.me@example.org')).toMatchObject({
      status: 'active',
      confirmed_at: new Date(Date.parse(TEST_NOW) + 3600_000).toISOString(),
      consent_at: TEST_NOW,
    })
    const welcome = await app.inject({ url: confirmed.headers.location as string })
    expect(welcome.statusCode).toBe(200)
    expect(welcome.body).toContain('You are a member of Code Blue')
    expect(welcome.body).toContain('Kofi &lt;b&gt;Mensah&lt;/b&gt;')

    expect((await post(`/join/confirm/${token}`, {})).statusCode).toBe(409)
    const again = await app.inject({ url: `/join/confirm/${token}` })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('already confirmed')
  })

  it('answers 410 for an expired link, and 404 for one it never sent', async () => {
    await post('/join', person('late@example.org'))
    const token = await tokenMailedTo('late@example.org')
    clock.advance(7 * DAY)
    const page = await app.inject({ url: `/join/confirm/${token}` })
    expect(page.statusCode).toBe(410)
    expect(page.body).toContain('has expired')
    expect(page.body).toContain('href="/join"')
    expect((await post(`/join/confirm/${token}`, {})).statusCode).toBe(410)
    expect((await memberOf('late@example.org')).status).toBe('pending')
    for (const wrong of ['x'.repeat(43), 'short', token.slice(0, 42)]) {
      expect((await app.inject({ url: `/join/confirm/${wrong}` })).statusCode).toBe(404)
      expect((await post(`/join/confirm/${wrong}`, {})).statusCode).toBe(404)
    }
  })

  it('sends a new link when a pending address joins again, changing nothing else', async () => {
    await post('/join', person('twice@example.org', { name: 'First Name' }))
    const first = await tokenMailedTo('twice@example.org')
    const res = await post('/join', person('TWICE@example.org', { name: 'Someone Else', helps: 'events' }))
    expect(res.headers.location).toBe('/join/check-inbox')
    const second = await tokenMailedTo('twice@example.org')
    expect(second).not.toBe(first)
    const rows = await ctx.db
      .selectFrom('member')
      .selectAll()
      .where('email', '=', 'twice@example.org')
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ name: 'First Name', helps: '["letters","research"]', status: 'pending' })
    expect((await app.inject({ url: `/join/confirm/${first}` })).statusCode).toBe(404)
    expect((await post(`/join/confirm/${second}`, {})).statusCode).toBe(303)
  })

  it('tells whoever types a member’s address nothing, and e-mails the member a note instead', async () => {
    await post('/join', person('member@example.org', { name: 'Real Member' }))
    await post(`/join/confirm/${await tokenMailedTo('member@example.org')}`, {})
    const before = await memberOf('member@example.org')
    smtp.reset()
    const res = await post(
      '/join',
      person('member@example.org', { name: 'Impostor', country: 'US', consent: '' }),
    )
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/join/check-inbox')
    expect(await memberOf('member@example.org')).toEqual(before)
    const note = await mailTo('member@example.org')
    expect(note.parsed.subject).toBe('About your Code Blue membership')
    expect(note.parsed.text).toContain('Hello Real Member,')
    expect(note.parsed.text).toContain(`http://localhost:3000/members/${before.public_id}`)
    expect(note.parsed.text).not.toMatch(LINK)
    expect(note.parsed.text).not.toContain('Impostor')
  })
})

describe('the member’s page', () => {
  it('counts the letters written from the member’s address in any case, and 404s for unknown links', async () => {
    await post('/join', person('writer@example.org', { name: 'Writer' }))
    await post(`/join/confirm/${await tokenMailedTo('writer@example.org')}`, {})
    // Recognised whatever case the address was typed in, letter by letter.
    for (const [state, email] of [
      ['FRA', 'writer@example.org'],
      ['KEN', 'Writer@Example.ORG'],
    ])
      await createLetter(ctx, { state, language: 'en', supporter: { name: 'Writer', email } })
    expect(await countLettersOfAddress(ctx, 'Writer@Example.org')).toBe(2)
    const member = await memberOf('writer@example.org')
    const page = await app.inject({ url: `/members/${member.public_id}` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['x-robots-tag']).toBe('noindex')
    expect(page.body).toMatch(/<strong class="member-letters">2<\/strong>/)
    expect(page.body).toContain('Writing to ambassadors at the UN and to governments')
    expect(page.body).not.toContain('writer@example.org')
    for (const url of ['/members/AAAAAAAAAAAAAAAAAAAAAA', '/members/nope', `/members/${member.public_id}x`])
      expect((await app.inject({ url })).statusCode, url).toBe(404)
  })
})

describe('the privacy page', () => {
  it('says what is kept, for how long, and links to erasure', async () => {
    const page = await app.inject({ url: '/privacy' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(
      `removed ${ctx.config.members.retentionDays} days after the letter has been delivered`,
    )
    expect(page.body).toContain('href="/privacy/erase"')
    const home = await app.inject({ url: '/join' })
    expect(home.body).toContain('<a href="/privacy">Privacy')
    expect(home.body).toContain('<a href="/join">Join</a>')
  })
})

describe('limits', () => {
  it('limits join requests per client like e-mail confirmations', async () => {
    const limited = await buildTestApp({ clock, env: { RATE_LIMIT_SENDS: '2' } })
    const send = () =>
      limited.app.inject({
        method: 'POST',
        url: '/join',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody(person('limit@example.org')),
      })
    expect((await send()).statusCode).toBe(303)
    expect((await send()).statusCode).toBe(303)
    expect((await send()).statusCode).toBe(429)
  })
})
