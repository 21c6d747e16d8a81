import { describe, expect, it } from 'vitest'
import { openForm, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Values of `next` that once sent, or could send, a freshly signed-in organizer off the site: a
// browser drops tabs and newlines from a URL and reads a backslash as a slash, so "/\t/evil.com"
// is "//evil.com", another host.
const NASTY = [
  '/%09/evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r\n/evil.com',
  '/%0d%0a/evil.com',
  '//evil.com',
  '///evil.com',
  '/\\evil.com',
  '\\/evil.com',
  '/\\/evil.com',
  'https://evil.com/organizers',
  'http://evil.com/organizers/states',
  '//evil.com/organizers',
  '/organizers@evil.com',
  'javascript:alert(1)',
  'javascript://localhost:3000/organizers/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/organizers/../..//evil.com',
  '/organizers/..//evil.com',
  '/organizers/%2e%2e//evil.com',
  '/organizersevil',
  '/letters',
  'organizers',
  '',
]

const GOOD: Array<[next: string, location: string]> = [
  ['/organizers/states/FRA?x=1', '/organizers/states/FRA?x=1'],
  ['/organizers', '/organizers'],
  ['/organizers/audit', '/organizers/audit'],
  // What is sent on is the parsed URL written out again, never the raw input.
  ['/organizers/states/FRA?q=<b>', '/organizers/states/FRA?q=%3Cb%3E'],
  ['/organizers/\t/evil.com', '/organizers//evil.com'],
  ['/organizers\\audit', '/organizers/audit'],
  ['/organizers/audit#top', '/organizers/audit'],
]

describe('where sign-in sends an organizer (next)', async () => {
  const { app, ctx } = await buildTestApp()
  const { cookie, organizer } = await signInOrganizer(app, ctx)

  it('stays on this site, under /organizers, whatever next says (a signed-in visit to the sign-in page)', async () => {
    for (const next of NASTY) {
      const response = await app.inject({
        method: 'GET',
        url: `/organizers/login?next=${encodeURIComponent(next)}`,
        headers: { cookie },
      })
      expect(response.statusCode, JSON.stringify(next)).toBe(303)
      expect(response.headers.location, JSON.stringify(next)).toBe('/organizers')
    }
  })

  it('keeps a path of the organizers’ area, written out again from its parsed form', async () => {
    for (const [next, location] of GOOD) {
      const response = await app.inject({
        method: 'GET',
        url: `/organizers/login?next=${encodeURIComponent(next)}`,
        headers: { cookie },
      })
      expect(response.headers.location, JSON.stringify(next)).toBe(location)
    }
  })

  it('holds for the sign-in form itself, and its hidden field carries the checked value', async () => {
    const form = await openForm(app, `/organizers/login?next=${encodeURIComponent('/%09/evil.com')}`)
    expect(form.page.body).toContain('name="next" value="/organizers"')
    const signIn = (next: string) =>
      app.inject({
        method: 'POST',
        url: '/organizers/login',
        headers: { cookie: form.cookie },
        payload: { _csrf: form.csrf, email: organizer.email, password: 'correct horse battery staple', next },
      })
    const evil = await signIn('/%09/evil.com')
    expect(evil.statusCode).toBe(303)
    expect(evil.headers.location).toBe('/organizers')
    const good = await signIn('/organizers/states/FRA?x=1')
    expect(good.headers.location).toBe('/organizers/states/FRA?x=1')
  })
})
