import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { issueSetupLinkIfNeeded } from '../../src/organizers/organizer-accounts.service.js'
import { csrfFieldOf, openForm, sendAccountForm, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const PASSWORD = 'a long enough passphrase'

describe('the first admin', () => {
  it('is created once from the setup link, which the server issues only while nobody has an account', async () => {
    const clock = manualClock(TEST_NOW)
    const { app, ctx } = await buildTestApp({ clock })
    const path = (url: string) => new URL(url).pathname
    // A start, then another more than two minutes later: the first start's link has ended.
    const earlier = await issueSetupLinkIfNeeded(ctx)
    clock.advance(3 * 60_000)
    // Two instances starting together each print a link: both work, until one is used.
    const first = await issueSetupLinkIfNeeded(ctx)
    const second = await issueSetupLinkIfNeeded(ctx)
    expect(earlier && first && second).toBeTruthy()
    expect((await app.inject({ method: 'GET', url: path(earlier!.url) })).statusCode).toBe(410)
    expect((await app.inject({ method: 'GET', url: path(first!.url) })).statusCode).toBe(200)

    const form = await openForm(app, path(second!.url))
    expect(form.page.statusCode).toBe(200)
    expect(form.page.body).toContain('first admin')
    const body = {
      name: 'Amina Admin',
      email: 'Amina@Example.org',
      password: PASSWORD,
      passwordAgain: PASSWORD,
    }

    const forged = await app.inject({
      method: 'POST',
      url: path(second!.url),
      headers: { cookie: form.cookie },
      payload: body,
    })
    expect(forged.statusCode).toBe(403)

    const created = await app.inject({
      method: 'POST',
      url: path(second!.url),
      headers: { cookie: form.cookie },
      payload: { ...body, _csrf: form.csrf },
    })
    expect(created.statusCode).toBe(303)
    expect(created.headers.location).toBe('/organizers')
    const session = created.cookies.find((c) => c.name === 'cb_organizer')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(session?.secure).toBeFalsy()

    const again = await app.inject({
      method: 'POST',
      url: path(second!.url),
      headers: { cookie: form.cookie },
      payload: { ...body, _csrf: form.csrf },
    })
    expect(again.statusCode).toBe(409)
    expect(await issueSetupLinkIfNeeded(ctx)).toBeNull()
    // The other instance's link ended when the first admin was made: no second admin from it.
    expect((await app.inject({ method: 'GET', url: path(first!.url) })).statusCode).toBe(410)

    const row = await ctx.db.selectFrom('organizer').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ email: 'amina@example.org', role: 'admin' })
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(row.password_hash).not.toContain(PASSWORD)
  })

  it('re-renders the form naming each field at fault, and keeps the link usable', async () => {
    const { app, ctx } = await buildTestApp()
    const link = new URL((await issueSetupLinkIfNeeded(ctx))!.url).pathname
    const form = await openForm(app, link)
    const response = await app.inject({
      method: 'POST',
      url: link,
      headers: { cookie: form.cookie },
      payload: {
        _csrf: form.csrf,
        name: '<script>alert(1)</script>',
        email: 'nope',
        password: 'short',
        passwordAgain: 'x',
      },
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('id="email-error"')
    expect(response.body).toContain('id="password-error"')
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect((await app.inject({ method: 'GET', url: link })).statusCode).toBe(200)
  })

  it('marks the session cookie Secure when the site is served over https', async () => {
    const { app, ctx } = await buildTestApp({ env: { PUBLIC_URL: 'https://letters.example.org' } })
    const link = new URL((await issueSetupLinkIfNeeded(ctx))!.url).pathname
    const form = await openForm(app, link)
    // On https the organizers' cookies are __Host- cookies (csrf-session.test.ts has the details).
    expect(form.page.cookies.find((c) => c.name === '__Host-cb_csrf')?.secure).toBe(true)
    const created = await sendAccountForm(app, link, form, {
      name: 'Ana',
      email: 'ana@example.org',
      password: PASSWORD,
    })
    expect(created.cookies.find((c) => c.name === '__Host-cb_organizer')?.secure).toBe(true)
  })
})

describe('signing in and out', () => {
  it('signs in with the right password only, then out', async () => {
    const { app, ctx } = await buildTestApp()
    const link = new URL((await issueSetupLinkIfNeeded(ctx))!.url).pathname
    const setup = await openForm(app, link)
    await sendAccountForm(app, link, setup, { name: 'Ben', email: 'ben@example.org', password: PASSWORD })

    const login = await openForm(app, '/organizers/login?next=/organizers/audit')
    const wrong = await app.inject({
      method: 'POST',
      url: '/organizers/login',
      headers: { cookie: login.cookie },
      payload: {
        _csrf: login.csrf,
        email: 'ben@example.org',
        password: 'not the password',
        next: '/organizers/audit',
      },
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.cookies.find((c) => c.name === 'cb_organizer')).toBeUndefined()
    expect(wrong.body).toContain('That did not work')

    const noCsrf = await app.inject({
      method: 'POST',
      url: '/organizers/login',
      headers: { cookie: login.cookie },
      payload: { email: 'ben@example.org', password: PASSWORD },
    })
    expect(noCsrf.statusCode).toBe(403)

    const right = await app.inject({
      method: 'POST',
      url: '/organizers/login',
      headers: { cookie: login.cookie },
      payload: { _csrf: login.csrf, email: 'BEN@example.org', password: PASSWORD, next: '/organizers/audit' },
    })
    expect(right.statusCode).toBe(303)
    expect(right.headers.location).toBe('/organizers/audit')
    const session = `cb_organizer=${right.cookies.find((c) => c.name === 'cb_organizer')?.value}`

    const audit = await app.inject({ method: 'GET', url: '/organizers/audit', headers: { cookie: session } })
    expect(audit.statusCode).toBe(200)
    expect(audit.headers['cache-control']).toContain('no-store')

    const out = await app.inject({
      method: 'POST',
      url: '/organizers/logout',
      headers: { cookie: session },
      // The sign-out form of a signed-in page: the sign-in page's token ended with the new session.
      payload: { _csrf: csrfFieldOf(audit.body) },
    })
    expect(out.statusCode).toBe(303)
    const after = await app.inject({ method: 'GET', url: '/organizers/audit', headers: { cookie: session } })
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toBe('/organizers/login?next=%2Forganizers%2Faudit')
  })

  it('keeps the organizers’ bar on an error page', async () => {
    const { app, ctx } = await buildTestApp()
    const { cookie } = await signInOrganizer(app, ctx, { name: 'Nadia Noor' })
    const missing = await app.inject({ method: 'GET', url: '/organizers/nowhere', headers: { cookie } })
    expect(missing.statusCode).toBe(404)
    expect(missing.body).toContain('Nadia Noor')
    expect(missing.body).toContain('action="/organizers/logout"')
    const stranger = await app.inject({ method: 'GET', url: '/no-such-page' })
    expect(stranger.body).not.toContain('action="/organizers/logout"')
  })

  it('never sends a signed-in organizer off the site', async () => {
    const { app, ctx } = await buildTestApp()
    const { organizer } = await signInOrganizer(app, ctx)
    const login = await openForm(app, '/organizers/login')
    const response = await app.inject({
      method: 'POST',
      url: '/organizers/login',
      headers: { cookie: login.cookie },
      payload: {
        _csrf: login.csrf,
        email: organizer.email,
        password: 'correct horse battery staple',
        next: '//evil.example/x',
      },
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/organizers')
  })

  it('limits sign-in attempts per client', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '3' } })
    const login = await openForm(app, '/organizers/login')
    const attempt = () =>
      app.inject({
        method: 'POST',
        url: '/organizers/login',
        headers: { cookie: login.cookie },
        payload: { _csrf: login.csrf, email: 'who@example.org', password: 'guess guess guess' },
      })
    const codes = [] as number[]
    for (let i = 0; i < 4; i++) codes.push((await attempt()).statusCode)
    expect(codes).toEqual([401, 401, 401, 429])
  })
})

describe('the team', () => {
  it('lets admins invite and disable organizers, audited with their name; organizers cannot', async () => {
    const { app, ctx } = await buildTestApp()
    const admin = await signInOrganizer(app, ctx, { role: 'admin', name: 'Ada Admin' })
    const member = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })

    const refused = await app.inject({
      method: 'GET',
      url: '/organizers/team',
      headers: { cookie: member.cookie },
    })
    expect(refused.statusCode).toBe(403)

    const invited = await app.inject({
      method: 'POST',
      url: '/organizers/team/invite',
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrfToken, role: 'organizer', note: 'for <b>Kofi</b>' },
    })
    expect(invited.statusCode).toBe(200)
    expect(invited.body).toMatch(/\/organizers\/welcome\/[A-Za-z0-9_-]{43}/)
    expect(invited.body).not.toContain('<b>Kofi</b>')

    const disabled = await app.inject({
      method: 'POST',
      url: `/organizers/team/${member.organizer.id}/disable`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrfToken },
    })
    expect(disabled.statusCode).toBe(303)
    const locked = await app.inject({
      method: 'GET',
      url: '/organizers/audit',
      headers: { cookie: member.cookie },
    })
    expect(locked.statusCode).toBe(303)

    const events = await listAuditEvents(ctx.db)
    expect(events.map((e) => [e.action, e.actor_label])).toEqual(
      expect.arrayContaining([
        ['organizer.invite', 'Ada Admin'],
        ['organizer.disable', 'Ada Admin'],
      ]),
    )
    const log = await app.inject({
      method: 'GET',
      url: '/organizers/audit',
      headers: { cookie: admin.cookie },
    })
    expect(log.body).toContain('Disabled the account of Olu Organizer')
    expect(log.body).toContain('for &lt;b&gt;Kofi&lt;/b&gt;')
  })
})
