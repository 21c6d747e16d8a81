import { beforeAll, describe, expect, it } from 'vitest'
import { CONSENT_TEXT, CONSENT_VERSION } from '../../src/members/consent.js'
import { pass } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const LINK = /http:\/\/localhost:3000\/join\/confirm\/([A-Za-z0-9_-]{43})/

const { smtp, app, ctx, transport } = await buildMailTestApp()
beforeAll(() => setMission(ctx, 'FRA', FRANCE))

function post(url: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  })
}

const letter = (email: string, more: Record<string, string> = {}) => ({
  template: 'supporter',
  language: 'en',
  'supporter.name': 'Lucía Fernández',
  'supporter.city': 'Bogotá',
  'supporter.country': 'CO',
  'supporter.email': email,
  personalNote: 'I write from Bogotá.',
  ...more,
})

async function membersWith(email: string) {
  return ctx.db.selectFrom('member').selectAll().where('email', '=', email).execute()
}

async function lettersWith(email: string) {
  return ctx.db.selectFrom('letter').select('public_id').where('supporter_email', '=', email).execute()
}

async function mailTo(email: string) {
  await pass(ctx, transport)
  const mail = smtp.messages.findLast((m) => m.envelope.to.includes(email))
  if (!mail) throw new Error(`no e-mail reached ${email}`)
  return mail
}

describe('the offer to join on the letter form', () => {
  it('is there, unticked, with the consent wording', async () => {
    const page = await app.inject({ url: '/write/fra' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<input type="checkbox" id="joinCampaign" name="joinCampaign" value="yes">')
    expect(page.body).toContain('Join the campaign and receive updates')
    expect(page.body).toContain(CONSENT_TEXT)
  })

  it('unticked: the letter is written and nobody joins', async () => {
    const res = await post('/write/fra', letter('unticked@example.org'))
    expect(res.statusCode).toBe(303)
    expect(await lettersWith('unticked@example.org')).toHaveLength(1)
    expect(await membersWith('unticked@example.org')).toEqual([])
  })

  it('ticked: a pending membership from the letter, consent with its version, and a link to confirm', async () => {
    const res = await post('/write/fra', letter('lucia@example.org', { joinCampaign: 'yes' }))
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toMatch(/^\/letters\/[A-Za-z0-9_-]{22}$/)
    const [member] = await membersWith('lucia@example.org')
    expect(member).toMatchObject({
      kind: 'individual',
      status: 'pending',
      source: 'letter',
      name: 'Lucía Fernández',
      country: 'CO',
      helps: '[]',
      consent_updates: 1,
      consent_version: CONSENT_VERSION,
      consent_at: TEST_NOW,
    })
    const mail = await mailTo('lucia@example.org')
    expect(mail.parsed.subject).toBe('Please confirm that you are joining Code Blue')
    expect(mail.parsed.text).toContain('Along with your letter, you asked to join the Code Blue campaign.')
    const token = LINK.exec(mail.parsed.text)?.[1]
    expect(token).toBeTruthy()
    expect((await post(`/join/confirm/${token}`, {})).statusCode).toBe(303)
    expect((await membersWith('lucia@example.org'))[0]?.status).toBe('active')
  })

  it('ticked without an e-mail address: 422 naming the box, and no letter is written', async () => {
    const res = await post(
      '/write/fra',
      letter('', { 'supporter.name': 'No Address Given', joinCampaign: 'yes' }),
    )
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('id="joinCampaign-error"')
    expect(res.body).toContain('<a href="#joinCampaign">')
    expect(res.body).toMatch(/id="joinCampaign" name="joinCampaign" value="yes" checked/)
    const written = await ctx.db
      .selectFrom('letter')
      .select('id')
      .where('supporter_name', '=', 'No Address Given')
      .execute()
    expect(written).toEqual([])
  })

  it('refuses a value the box cannot send, alongside the letter’s own problems', async () => {
    const res = await post(
      '/write/fra',
      letter('bad-box@example.org', { 'supporter.name': '', joinCampaign: 'maybe' }),
    )
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('id="joinCampaign-error"')
    expect(res.body).toContain('id="name-error"')
    expect(await membersWith('bad-box@example.org')).toEqual([])
  })
})

describe('a returning supporter', () => {
  it('is recognised by address: one membership, and every letter counts toward it', async () => {
    const email = 'returning@example.org'
    await post('/write/fra', letter(email, { joinCampaign: 'yes' }))
    const firstLink = LINK.exec((await mailTo(email)).parsed.text)?.[1]
    // A second letter, still unconfirmed and ticked again: a new link, still one membership.
    await post('/write/ken', letter(email, { 'supporter.name': 'Another Name', joinCampaign: 'yes' }))
    const secondLink = LINK.exec((await mailTo(email)).parsed.text)?.[1]
    expect(secondLink).not.toBe(firstLink)
    const members = await membersWith(email)
    expect(members).toHaveLength(1)
    expect(members[0]?.name).toBe('Lucía Fernández')
    expect((await post(`/join/confirm/${secondLink}`, {})).statusCode).toBe(303)
    // A third letter, unticked: it counts all the same.
    await post('/write/gha', letter(email))
    expect(await lettersWith(email)).toHaveLength(3)
    const page = await app.inject({ url: `/members/${members[0]?.public_id}` })
    expect(page.body).toMatch(/<strong class="member-letters">3<\/strong>/)
    expect(page.body).toContain('when writing a letter')

    // Ticked again once a member: nothing changes; the owner gets a note, not a new link.
    smtp.reset()
    await post('/write/arg', letter(email, { joinCampaign: 'yes' }))
    const note = await mailTo(email)
    expect(note.parsed.subject).toBe('About your Code Blue membership')
    expect(note.parsed.text).not.toMatch(LINK)
    expect((await membersWith(email))[0]?.status).toBe('active')
  })

  it('sees markup typed into the name escaped in the e-mail and on the pages', async () => {
    const email = 'markup@example.org'
    await post(
      '/write/fra',
      letter(email, { 'supporter.name': '<script>alert(1)</script> Ana', joinCampaign: 'yes' }),
    )
    const mail = await mailTo(email)
    expect(mail.parsed.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; Ana,')
    expect(mail.parsed.html).not.toContain('<script>')
    const token = LINK.exec(mail.parsed.text)?.[1]
    const confirm = await app.inject({ url: `/join/confirm/${token}` })
    expect(confirm.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Ana')
    expect(confirm.body).not.toContain('<script>alert(1)')
  })
})
