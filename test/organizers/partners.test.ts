import { describe, expect, it } from 'vitest'
import type { OrganizerRole } from '../../src/db/schema.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { can } from '../../src/organizers/permissions.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 14, item 3: organizers keep the list of partners (name, source code, website) in the
// browser, on /organizers/partners: coordinators and admins (permission partners.manage).

const { app, ctx } = await buildTestApp()
const sessions = {} as Record<OrganizerRole, OrganizerSession>
for (const role of ['viewer', 'organizer', 'coordinator', 'admin'] as const)
  sessions[role] = await signInOrganizer(app, ctx, { role, name: `Pat ${role}` })

const get = (role: OrganizerRole, url: string) =>
  app.inject({ method: 'GET', url, headers: { cookie: sessions[role].cookie } })
const post = (
  role: OrganizerRole,
  url: string,
  fields: Record<string, string>,
  csrf = sessions[role].csrfToken,
) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: sessions[role].cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  })

const partners = () => ctx.db.selectFrom('partner').selectAll().orderBy('id').execute()
const partnerByCode = (code: string) =>
  ctx.db.selectFrom('partner').selectAll().where('code', '=', code).executeTakeFirst()

describe('who manages partners', () => {
  it('coordinators and admins; viewers and organizers are refused, page and forms alike', async () => {
    expect(can('coordinator', 'partners.manage')).toBe(true)
    expect(can('admin', 'partners.manage')).toBe(true)
    for (const role of ['viewer', 'organizer'] as const) {
      const page = await get(role, '/organizers/partners')
      expect(page.statusCode, role).toBe(403)
      expect(page.body).toContain('partners.manage')
      const add = await post(role, '/organizers/partners', { name: 'Refused', code: 'refused' })
      expect(add.statusCode, role).toBe(403)
      // Not offered in the organizers' bar either.
      expect((await get(role, '/organizers')).body).not.toContain('href="/organizers/partners"')
    }
    expect(await partnerByCode('refused')).toBeUndefined()
    expect((await get('coordinator', '/organizers')).body).toContain('href="/organizers/partners"')
    expect((await get('coordinator', '/organizers/partners')).statusCode).toBe(200)
  })

  it('strangers are sent to sign in', async () => {
    const res = await app.inject({ method: 'GET', url: '/organizers/partners' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/login?next=%2Forganizers%2Fpartners')
  })

  it('a change without its CSRF token, or with another session’s, is refused (403) and changes nothing', async () => {
    for (const csrf of ['', 'forged.token', sessions.coordinator.csrfToken]) {
      const res = await post('admin', '/organizers/partners', { name: 'Forged', code: 'forged' }, csrf)
      expect(res.statusCode, csrf).toBe(403)
      expect(res.body).toMatch(/csrf/i)
    }
    expect(await partnerByCode('forged')).toBeUndefined()
  })

  it('a form from another site is refused (same-origin check)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/organizers/partners',
      headers: {
        cookie: sessions.admin.cookie,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        _csrf: sessions.admin.csrfToken,
        name: 'Evil',
        code: 'evil',
      }).toString(),
    })
    expect(res.statusCode).toBe(403)
    expect(await partnerByCode('evil')).toBeUndefined()
  })
})

describe('partners: add, edit, remove', () => {
  it('adds a partner (code lowered, website kept), lists it with its links, and audits it', async () => {
    const res = await post('coordinator', '/organizers/partners', {
      name: 'Amnesty International Kenya',
      code: ' Amnesty-KE ',
      website: 'https://www.amnestykenya.org/',
    })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe('/organizers/partners?done=added')
    const row = await partnerByCode('amnesty-ke')
    expect(row).toMatchObject({
      name: 'Amnesty International Kenya',
      website: 'https://www.amnestykenya.org/',
    })

    const page = await get('coordinator', '/organizers/partners?done=added')
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.body).toContain('The partner is added.')
    expect(page.body).toContain('<th scope="row">Amnesty International Kenya</th>')
    expect(page.body).toContain('http://localhost:3000/write/suggest?source&#x3D;amnesty-ke')
    expect(page.body).toContain('http://localhost:3000/join?source&#x3D;amnesty-ke')

    const [event] = await listAuditEvents(ctx.db, { subjectType: 'partner', subjectId: String(row?.id) })
    expect(event).toMatchObject({ action: 'partner.add', actor_label: 'Pat coordinator' })
    expect(event?.summary).toContain('amnesty-ke')
  })

  it('a website is optional', async () => {
    const res = await post('admin', '/organizers/partners', {
      name: 'Newsletter, January 2027',
      code: 'newsletter-2027-01',
    })
    expect(res.statusCode, res.body).toBe(303)
    expect((await partnerByCode('newsletter-2027-01'))?.website).toBeNull()
  })

  it('refuses a code already used (409), naming the field and the partner that has it', async () => {
    const before = await partners()
    const res = await post('admin', '/organizers/partners', { name: 'Someone else', code: 'AMNESTY-KE' })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('id="code-error"')
    expect(res.body).toContain('already used by the partner “Amnesty International Kenya”')
    // The form comes back with what was typed.
    expect(res.body).toContain('value="Someone else"')
    expect(await partners()).toEqual(before)
  })

  it('refuses bad input (422) with a message naming each field: name, code, website', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ name: '', code: 'empty-name' }, 'name', /Give the partner’s name/],
      [{ name: 'Bad code', code: 'amnesty ke' }, 'code', /The code can have only lowercase letters/],
      [{ name: 'Bad code', code: '-amnesty' }, 'code', /The code can have only/],
      [{ name: 'Bad code', code: 'x'.repeat(65) }, 'code', /at most 64 characters/],
      [{ name: 'No code', code: '' }, 'code', /Give the code/],
      [
        { name: 'Bad URL', code: 'bad-url-1', website: 'javascript:alert(1)' },
        'website',
        /https:\/\/ or http:\/\//,
      ],
      [
        { name: 'Bad URL', code: 'bad-url-2', website: 'ftp://files.example.org' },
        'website',
        /https:\/\/ or http:\/\//,
      ],
      [
        { name: 'Bad URL', code: 'bad-url-3', website: 'https://localhost' },
        'website',
        /https:\/\/ or http:\/\//,
      ],
      [
        { name: 'Bad URL', code: 'bad-url-4', website: 'https://user:pw@example.org' },
        'website',
        /user name or password/,
      ],
      [{ name: 'Line\nbreak', code: 'line-break' }, 'name', /one line/],
    ]
    const before = await partners()
    for (const [fields, field, message] of cases) {
      const res = await post('admin', '/organizers/partners', fields)
      expect(res.statusCode, JSON.stringify(fields)).toBe(422)
      expect(res.body, JSON.stringify(fields)).toContain(`id="${field}-error"`)
      expect(res.body, JSON.stringify(fields)).toMatch(message)
      expect(res.body).toContain(`href="#${field}"`)
    }
    expect(await partners()).toEqual(before)
  })

  it('edits a partner: name, code and website, audited with before and after', async () => {
    const row = await partnerByCode('newsletter-2027-01')
    const form = await get('admin', `/organizers/partners/${row?.id}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="newsletter-2027-01"')
    const res = await post('admin', `/organizers/partners/${row?.id}`, {
      name: 'Newsletter, February 2027',
      code: 'newsletter-2027-02',
      website: 'news.example.org',
    })
    expect(res.statusCode, res.body).toBe(303)
    expect(await partnerByCode('newsletter-2027-02')).toMatchObject({
      id: row?.id,
      name: 'Newsletter, February 2027',
      website: 'https://news.example.org/',
    })
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'partner', subjectId: String(row?.id) })
    expect(event?.action).toBe('partner.edit')
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({
      before: { code: 'newsletter-2027-01' },
      after: { code: 'newsletter-2027-02' },
    })
    // Keeping its own code is no conflict.
    const same = await post('admin', `/organizers/partners/${row?.id}`, {
      name: 'Newsletter',
      code: 'newsletter-2027-02',
    })
    expect(same.statusCode).toBe(303)
  })

  it('an edit to another partner’s code is refused (409); bad input (422); an unknown partner is a 404', async () => {
    const row = await partnerByCode('newsletter-2027-02')
    const taken = await post('admin', `/organizers/partners/${row?.id}`, {
      name: 'Newsletter',
      code: 'amnesty-ke',
    })
    expect(taken.statusCode).toBe(409)
    expect(taken.body).toContain('id="code-error"')
    const bad = await post('admin', `/organizers/partners/${row?.id}`, {
      name: 'Newsletter',
      code: 'x',
      website: 'mailto:x@example.org',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="website-error"')
    expect((await partnerByCode('newsletter-2027-02'))?.name).toBe('Newsletter')
    expect((await get('admin', '/organizers/partners/9999')).statusCode).toBe(404)
    expect((await post('admin', '/organizers/partners/9999', { name: 'X', code: 'x' })).statusCode).toBe(404)
    expect((await get('admin', '/organizers/partners/abc')).statusCode).toBe(400)
  })

  it('removes a partner, audited; the code is free again', async () => {
    const row = await partnerByCode('newsletter-2027-02')
    const res = await post('coordinator', `/organizers/partners/${row?.id}/remove`, {})
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/partners?done=removed')
    expect(await partnerByCode('newsletter-2027-02')).toBeUndefined()
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'partner', subjectId: String(row?.id) })
    expect(event).toMatchObject({ action: 'partner.remove', actor_label: 'Pat coordinator' })
    expect((await post('coordinator', `/organizers/partners/${row?.id}/remove`, {})).statusCode).toBe(404)
    const again = await post('admin', '/organizers/partners', {
      name: 'Newsletter again',
      code: 'newsletter-2027-02',
    })
    expect(again.statusCode).toBe(303)
  })

  it('shows names and codes as text, never as markup', async () => {
    await post('admin', '/organizers/partners', { name: '<img src=x onerror=alert(1)>', code: 'markup' })
    const page = await get('admin', '/organizers/partners')
    expect(page.body).not.toContain('<img src=x')
    expect(page.body).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;')
  })
})
