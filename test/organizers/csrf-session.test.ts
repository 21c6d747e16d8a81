import { describe, expect, it } from 'vitest'
import { issueSetupLinkIfNeeded } from '../../src/organizers/organizer-accounts.service.js'
import {
  csrfFieldOf,
  nextCookie,
  openForm,
  sendAccountForm,
  signInOrganizer,
} from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const PASSWORD = 'correct horse battery staple'
type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/** `cookie` with its session replaced by the one in `other`: the same browser, another session. */
function withSessionOf(cookie: string, other: string): string {
  const isSession = (pair: string) => pair.startsWith('cb_organizer=')
  const pairs = cookie.split('; ')
  return [...other.split('; ').filter(isSession), ...pairs.filter((pair) => !isSession(pair))].join('; ')
}

/** An admin creates an invitation: a change any admin may make, 200 when allowed. */
const invite = (app: App, cookie: string, csrf: string) =>
  app.inject({
    method: 'POST',
    url: '/organizers/team/invite',
    headers: { cookie },
    payload: { _csrf: csrf, role: 'organizer' },
  })

/** The sign-in form, filled in and sent: the Cookie header the browser holds afterwards. */
async function signInThroughForm(app: App, email: string, cookie = '') {
  const login = await openForm(app, '/organizers/login', cookie)
  const response = await app.inject({
    method: 'POST',
    url: '/organizers/login',
    headers: { cookie: login.cookie },
    payload: { _csrf: login.csrf, email, password: PASSWORD },
  })
  expect(response.statusCode).toBe(303)
  return { login, cookie: nextCookie(login.cookie, response), response }
}

describe('CSRF tokens belong to a session', async () => {
  const { app, ctx } = await buildTestApp()

  it('refuses a token of session A sent with session B’s cookie', async () => {
    const a = await signInOrganizer(app, ctx, { role: 'admin' })
    const b = await signInOrganizer(app, ctx, { role: 'admin' })
    const crossed = await invite(app, withSessionOf(a.cookie, b.cookie), a.csrfToken)
    expect(crossed.statusCode).toBe(403)
    expect(crossed.body).toContain('CSRF token')
    expect((await invite(app, b.cookie, b.csrfToken)).statusCode).toBe(200)
  })

  it('refuses a cookie-and-token pair planted by someone else (cookie tossing)', async () => {
    const victim = await signInOrganizer(app, ctx, { role: 'admin' })
    // The attacker's own visit gives a pre-session cookie and a token that fit together.
    const attacker = await openForm(app, '/organizers/login')
    const planted = withSessionOf(attacker.cookie, victim.cookie)
    expect((await invite(app, planted, attacker.csrf)).statusCode).toBe(403)
  })

  it('rotates at sign-in: the sign-in page’s token and a token of an ended session are refused', async () => {
    const { organizer } = await signInOrganizer(app, ctx, { role: 'admin' })
    const first = await signInThroughForm(app, organizer.email)
    // The pre-session secret is dropped with the answer that starts the session.
    expect(first.response.cookies.find((c) => c.name === 'cb_csrf')?.value).toBe('')
    expect((await invite(app, first.cookie, first.login.csrf)).statusCode).toBe(403)

    const team = await openForm(app, '/organizers/team', first.cookie)
    const oldToken = team.csrf
    expect((await invite(app, first.cookie, oldToken)).statusCode).toBe(200)

    const out = await app.inject({
      method: 'POST',
      url: '/organizers/logout',
      headers: { cookie: first.cookie },
      payload: { _csrf: oldToken },
    })
    expect(out.statusCode).toBe(303)
    const second = await signInThroughForm(app, organizer.email, nextCookie(first.cookie, out))
    expect((await invite(app, second.cookie, oldToken)).statusCode).toBe(403)
    const fresh = csrfFieldOf(
      (await app.inject({ method: 'GET', url: '/organizers/team', headers: { cookie: second.cookie } })).body,
    )
    expect((await invite(app, second.cookie, fresh ?? '')).statusCode).toBe(200)
  })

  it('still protects the sign-in form before any session exists (login CSRF)', async () => {
    const { organizer } = await signInOrganizer(app, ctx)
    const mine = await openForm(app, '/organizers/login')
    const theirs = await openForm(app, '/organizers/login')
    const attempt = (cookie: string, csrf: string | undefined) =>
      app.inject({
        method: 'POST',
        url: '/organizers/login',
        headers: { cookie },
        payload: { ...(csrf ? { _csrf: csrf } : {}), email: organizer.email, password: PASSWORD },
      })
    expect((await attempt(mine.cookie, undefined)).statusCode).toBe(403)
    expect((await attempt(mine.cookie, theirs.csrf)).statusCode).toBe(403)
    expect((await attempt('', mine.csrf)).statusCode).toBe(403)
    expect((await attempt(mine.cookie, mine.csrf)).statusCode).toBe(303)
  })
})

describe('organizers’ cookies on https', () => {
  it('are __Host- cookies: Secure, Path=/, no Domain; the unprefixed names are not read', async () => {
    const { app, ctx } = await buildTestApp({ env: { PUBLIC_URL: 'https://letters.example.org' } })
    const link = new URL((await issueSetupLinkIfNeeded(ctx))!.url).pathname
    const form = await openForm(app, link)
    const preSession = form.page.cookies.find((c) => c.name === '__Host-cb_csrf')
    expect(preSession).toMatchObject({ secure: true, path: '/', httpOnly: true })
    expect(preSession?.domain).toBeUndefined()
    expect(form.page.cookies.map((c) => c.name)).toEqual(['__Host-cb_csrf'])

    const created = await sendAccountForm(app, link, form, {
      name: 'Ana',
      email: 'ana@example.org',
      password: PASSWORD,
    })
    expect(created.statusCode).toBe(303)
    const session = created.cookies.find((c) => c.name === '__Host-cb_organizer')
    expect(session).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' })
    expect(session?.domain).toBeUndefined()
    expect(created.cookies.find((c) => c.name === 'cb_organizer')).toBeUndefined()

    const cookie = nextCookie(form.cookie, created)
    const team = await openForm(app, '/organizers/team', cookie)
    expect(team.page.statusCode).toBe(200)
    expect((await invite(app, team.cookie, team.csrf)).statusCode).toBe(200)

    const unprefixed = await app.inject({
      method: 'GET',
      url: '/organizers/team',
      headers: { cookie: `cb_organizer=${session?.value}` },
    })
    expect(unprefixed.statusCode).toBe(303)
  })
})
