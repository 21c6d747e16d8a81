import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { OrganizerRole } from '../../src/db/schema.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { ROLE_PERMISSIONS } from '../../src/organizers/permissions.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { writeLetterToFrance } from '../helpers/letter-fixtures.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Least privilege (issue 12, finding 4): what each role may read, change and take away.

const { app, ctx } = await buildTestApp()
await setMission(ctx, 'FRA', FRANCE)
await writeLetterToFrance(app)
await insertMember(ctx, { name: 'Wanjiru Member', email: 'wanjiru@example.org' })
await insertMember(ctx, { name: 'Kofi Member', email: 'kofi@example.org' })
// An outbox message written as a file (no SMTP_URL): what the download serves.
fs.mkdirSync(ctx.config.mail.outboxDir, { recursive: true })
fs.writeFileSync(
  path.join(ctx.config.mail.outboxDir, 'letter-1@test.eml'),
  'Message-ID: <1@test>\r\nTo: france@un.int\r\n\r\nFrom Amina Wanjiru, Nairobi\r\n',
)

const sessions = {} as Record<OrganizerRole, OrganizerSession>
for (const role of ['viewer', 'organizer', 'coordinator', 'admin'] as const) {
  sessions[role] = await signInOrganizer(app, ctx, { role, name: `Pat ${role}` })
}

const get = (role: OrganizerRole, url: string) =>
  app.inject({ method: 'GET', url, headers: { cookie: sessions[role].cookie } })
const post = (role: OrganizerRole, url: string, payload: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: sessions[role].cookie },
    payload: { _csrf: sessions[role].csrfToken, ...payload },
  })

/** Personal data, downloaded: each needs personal_data.export, outbox.download or letters.print. */
const DOWNLOADS = [
  '/organizers/members.csv',
  '/organizers/outbox/files/letter-1@test.eml',
  '/api/letters/print',
  '/organizers/states/fra/dossier.pdf',
]

describe('a viewer', () => {
  it('reads the dashboard, the coverage CSV and a state desk', async () => {
    for (const url of ['/organizers', '/organizers/coverage.csv', '/organizers/states/fra']) {
      expect((await get('viewer', url)).statusCode, url).toBe(200)
    }
    const engagements = await app.inject({
      method: 'GET',
      url: '/api/states/fra/engagements',
      headers: { cookie: sessions.viewer.cookie },
    })
    expect(engagements.statusCode).toBe(200)
  })

  it('sees no supporter on the state desk, and is offered no change', async () => {
    const desk = await get('viewer', '/organizers/states/fra')
    expect(desk.body).not.toContain('Amina Wanjiru')
    expect(desk.body).not.toContain('dossier.pdf')
    expect(desk.body).not.toContain('action="/organizers/states/fra/engagements')
    // An organizer sees the writer's name: it is how a paper letter is found again.
    expect((await get('organizer', '/organizers/states/fra')).body).toContain('Amina Wanjiru')
  })

  it('changes nothing: every change is a 403, page or JSON', async () => {
    const today = ctx.clock.today()
    const changes = [
      post('viewer', '/organizers/states/fra/engagements', { kind: 'call', occurredOn: today, text: 'x' }),
      post('viewer', '/organizers/states/fra/position', { position: 'supportive', notedOn: today }),
      post('viewer', '/organizers/directory/fra/edit', { name: 'x' }),
      post('viewer', '/organizers/updates', { subject: 'x', body: 'y' }),
      app.inject({
        method: 'POST',
        url: '/api/states/fra/engagements',
        headers: sessions.viewer.apiHeaders,
        payload: { kind: 'call', occurredOn: today, text: 'x' },
      }),
    ]
    for (const response of await Promise.all(changes)) {
      expect(response.statusCode, response.body).toBe(403)
    }
  })

  it('reads no personal data: members, outbox, downloads, the audit log', async () => {
    for (const url of [...DOWNLOADS, '/organizers/members', '/organizers/outbox', '/organizers/audit']) {
      const response = await get('viewer', url)
      expect(response.statusCode, url).toBe(403)
      expect(response.body).not.toContain('wanjiru@example.org')
    }
  })
})

describe('an organizer', () => {
  it('canvasses and keeps the directory, as before', async () => {
    expect((await get('organizer', '/organizers/directory')).statusCode).toBe(200)
    expect((await get('organizer', '/organizers/outbox')).statusCode).toBe(200)
    const logged = await post('organizer', '/organizers/states/fra/engagements', {
      kind: 'call',
      occurredOn: ctx.clock.today(),
      text: 'Called the mission.',
    })
    expect(logged.statusCode).toBe(303)
  })

  it('exports no personal data, downloads no outbox message, prints no letters', async () => {
    for (const url of DOWNLOADS) {
      const response = await get('organizer', url)
      expect(response.statusCode, url).toBe(403)
      expect(response.body, url).toContain('does not allow this')
    }
  })

  it('sees no members list and sends no member updates', async () => {
    expect((await get('organizer', '/organizers/members')).statusCode).toBe(403)
    expect((await get('organizer', '/organizers/updates')).statusCode).toBe(403)
    expect((await post('organizer', '/organizers/updates', { subject: 'Hi', body: 'News' })).statusCode).toBe(
      403,
    )
    expect((await post('organizer', '/organizers/updates/1/send')).statusCode).toBe(403)
  })

  it('is not offered what it may not do', async () => {
    const page = await get('organizer', '/organizers')
    expect(page.body).not.toContain('href="/organizers/members"')
    expect(page.body).not.toContain('href="/organizers/team"')
  })
})

describe('a coordinator and an admin', () => {
  it('export and download personal data, each download written to the audit log', async () => {
    for (const role of ['coordinator', 'admin'] as const) {
      for (const url of DOWNLOADS) {
        const response = await get(role, url)
        expect(response.statusCode, `${role} ${url}`).toBe(200)
      }
    }
    const events = await listAuditEvents(ctx.db, { limit: 50 })
    const exports = events.filter((e) => e.action.startsWith('export.'))
    expect(exports.map((e) => `${e.actor_label} ${e.action}`).sort()).toEqual(
      [
        'Pat admin export.dossier',
        'Pat admin export.letters_print',
        'Pat admin export.members_csv',
        'Pat admin export.outbox_message',
        'Pat coordinator export.dossier',
        'Pat coordinator export.letters_print',
        'Pat coordinator export.members_csv',
        'Pat coordinator export.outbox_message',
      ].sort(),
    )
    const members = exports.find((e) => e.action === 'export.members_csv')
    expect(JSON.parse(members?.details ?? '{}')).toMatchObject({ rows: 2 })
    const print = exports.find((e) => e.action === 'export.letters_print')
    expect(JSON.parse(print?.details ?? '{}')).toMatchObject({ rows: 1 })
    const file = exports.find((e) => e.action === 'export.outbox_message')
    expect(file?.subject_id).toBe('letter-1@test.eml')
  })

  it('only an admin manages accounts, and invitations offer every role', async () => {
    expect((await get('coordinator', '/organizers/team')).statusCode).toBe(403)
    for (const role of ['viewer', 'coordinator']) {
      const invited = await post('admin', '/organizers/team/invite', { role })
      expect(invited.statusCode, invited.body).toBe(200)
      expect(invited.body).toContain('/organizers/welcome/')
    }
  })
})

it('the table gives each role more than the one before, and admins everything', () => {
  const [viewer, organizer, coordinator, admin] = (
    ['viewer', 'organizer', 'coordinator', 'admin'] as const
  ).map((role) => new Set(ROLE_PERMISSIONS[role]))
  for (const [smaller, larger] of [
    [viewer, organizer],
    [organizer, coordinator],
    [coordinator, admin],
  ] as const) {
    for (const permission of smaller ?? []) expect(larger?.has(permission)).toBe(true)
  }
  expect(admin?.has('accounts.manage')).toBe(true)
  expect(organizer?.has('personal_data.export')).toBe(false)
})
