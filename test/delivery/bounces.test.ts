import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import type { OutboxMessageRow } from '../../src/db/schema.js'
import { readBounces } from '../../src/delivery/bounce-mailbox.js'
import { missionDetailsFromRow } from '../../src/directory/mission-details.js'
import { formValuesOf } from '../../src/directory/mission-edit-input.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { bounceAddressFor } from '../../src/outbox/bounce-address.js'
import { approvePendingEmails, FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { findDovecot, startTestImapServer } from '../helpers/imap-server.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { confirmedLetter, FRANCE_EMAIL, pass } from './delivery-helpers.js'

// Issue 16, item 5: every message goes out with a bounce address of its own (VERP); the
// delivery status notifications that come back, even days later, are read from a real IMAP server
// (Debian's dovecot, started here); a hard bounce stops e-mail to the mission's address until it
// is corrected or confirmed.

const GHANA_EMAIL = 'ghana@un.int'
const BOUNCE_DOMAIN = 'bounce.codeblue.example'

const dovecot = findDovecot()
const imap = dovecot.path ? await startTestImapServer(dovecot.path) : null
afterAll(() => imap?.stop())

const { app, ctx, smtp, transport } = await buildMailTestApp({
  MAIL_FROM: 'Code Blue letters <letters@codeblue.example>',
  BOUNCE_ADDRESS: `bounces@${BOUNCE_DOMAIN}`,
  BOUNCE_SECRET: 'a-test-secret-of-at-least-32-characters',
  ...(imap ? { BOUNCE_IMAP_URL: imap.url } : {}),
})

beforeAll(async () => {
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  await setMission(ctx, 'GHA', {
    addressLines: ['19 East 47th Street', 'New York, NY 10017'],
    emails: [GHANA_EMAIL],
  })
})

/** The latest letter e-mailed to `iso3`'s mission, once the outbox sent it. */
async function missionMessageTo(iso3: string): Promise<OutboxMessageRow> {
  await confirmedLetter(ctx, transport, { state: iso3 })
  await pass(ctx, transport)
  return ctx.db
    .selectFrom('outbox_message')
    .selectAll()
    .where('kind', '=', 'mission_letter')
    .where('state_iso3', '=', iso3)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
}

let reports = 0

/** A delivery status notification as Postfix writes one, to `to`, about `message`. */
function dsn(
  message: OutboxMessageRow,
  to: string,
  failure: { recipient: string; action: 'failed' | 'delayed'; status: string; diagnostic: string },
): string {
  reports++
  return [
    'Return-Path: <>',
    `Delivered-To: ${to}`,
    `X-Original-To: ${to}`,
    'From: MAILER-DAEMON@mx.un.int (Mail Delivery System)',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <report-${reports}-${Date.now()}@mx.un.int>`,
    'Date: Mon, 1 Jun 2026 12:30:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"',
    '',
    '--REPORT',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.un.int. Your message could not be delivered.',
    '',
    '--REPORT',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.un.int',
    'Arrival-Date: Mon, 1 Jun 2026 12:00:01 +0000',
    '',
    `Final-Recipient: rfc822; ${failure.recipient}`,
    `Original-Recipient: rfc822;${failure.recipient}`,
    `Action: ${failure.action}`,
    `Status: ${failure.status}`,
    `Diagnostic-Code: smtp; ${failure.diagnostic}`,
    '',
    '--REPORT',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Code Blue letters <letters@codeblue.example>',
    `To: ${failure.recipient}`,
    `Message-ID: ${message.message_id}`,
    'Subject: A letter',
    '',
    '--REPORT--',
    '',
  ].join('\r\n')
}

const bouncesOf = (id: number) =>
  ctx.db.selectFrom('bounce').selectAll().where('outbox_id', '=', id).execute()
const failing = (email: string) =>
  ctx.db.selectFrom('mission_email_failure').selectAll().where('email', '=', email).executeTakeFirst()

async function newLetterTo(c: AppContext, state: string) {
  return createLetter(c, {
    state,
    language: 'en',
    supporter: {
      name: 'Amina Diallo',
      city: 'Dakar',
      country: 'SN',
      email: `amina${Date.now()}@example.org`,
    },
  })
}

describe('a bounce address per message (VERP)', () => {
  it('sends a mission letter with its own signed bounce address as the envelope sender', async () => {
    const message = await missionMessageTo('FRA')
    const [letter] = smtp.messages.filter((m) => m.envelope.to.includes(FRANCE_EMAIL))
    expect(letter?.envelope.from).toMatch(
      new RegExp(`^bounces\\+${message.id}-[0-9a-f]{20}@${BOUNCE_DOMAIN}$`),
    )
    expect(letter?.envelope.from).toBe(bounceAddressFor(ctx.config, message))
    // The envelope's recipients are the message's; the From header stays the campaign's.
    expect(letter?.envelope.to).toEqual([FRANCE_EMAIL])
    expect(letter?.parsed.from).toBe('letters@codeblue.example')
    // The writer's copy has an address of its own.
    const others = smtp.messages.filter((m) => m !== letter).map((m) => m.envelope.from)
    expect(others.length).toBeGreaterThan(0)
    for (const from of others) {
      expect(from).toMatch(/^bounces\+\d+-[0-9a-f]{20}@bounce\.codeblue\.example$/)
      expect(from).not.toBe(letter?.envelope.from)
    }
  })
})

describe.skipIf(!imap)(`bounces read from a real IMAP server${imap ? '' : ` (${dovecot.reason})`}`, () => {
  let france: OutboxMessageRow
  let ghana: OutboxMessageRow
  let franceReport: string

  beforeAll(async () => {
    france = await missionMessageTo('FRA')
    ghana = await missionMessageTo('GHA')
  })

  it('records a hard bounce that came later, and flags the mission address', async () => {
    franceReport = dsn(france, bounceAddressFor(ctx.config, france) ?? '', {
      recipient: FRANCE_EMAIL,
      action: 'failed',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <france@un.int>: Recipient address rejected: User unknown',
    })
    await imap!.append(franceReport)
    expect(await readBounces(ctx)).toEqual({ read: 1, recorded: 1, ignored: 0, failed: 0 })
    expect(await bouncesOf(france.id)).toMatchObject([
      { email: FRANCE_EMAIL, kind: 'hard', status: '5.1.1', received_at: expect.any(String) },
    ])
    expect((await bouncesOf(france.id))[0]?.diagnostic).toContain('User unknown')
    expect(await failing(FRANCE_EMAIL)).toMatchObject({ state_iso3: 'FRA' })
    expect((await failing(FRANCE_EMAIL))?.last_response).toMatch(/^bounced later: 5\.1\.1/)
    // Read, and marked so: the next reading skips it.
    expect(await imap!.messages()).toEqual([{ uid: expect.any(Number), seen: true }])
    expect(await readBounces(ctx)).toEqual({ read: 0, recorded: 0, ignored: 0, failed: 0 })
  })

  it('says so on the state page and in the directory list, to everyone', async () => {
    const page = await app.inject({ url: '/states/fra' })
    expect(page.body).toContain(
      'E-mail to this mission is bouncing: letters to it are printed and posted until the campaign corrects its address.',
    )
    const list = await app.inject({ url: '/states' })
    const row = list.body.slice(
      list.body.indexOf('href="/states/fra"'),
      list.body.indexOf('</tr>', list.body.indexOf('href="/states/fra"')),
    )
    expect(row).toContain('badge--bouncing')
    expect(row).toContain('E-mail bouncing')
    const french = await app.inject({ url: '/states/fra?lang=fr' })
    expect(french.body).toContain('Les e-mails adressés à cette mission nous reviennent sans avoir été remis')
    // Ghana's e-mail works: no note.
    expect((await app.inject({ url: '/states/gha' })).body).not.toContain('bouncing')
  })

  it('offers a new letter to that state print only, and refuses its e-mail request naming the reason', async () => {
    const form = await app.inject({ url: '/write/fra' })
    expect(form.body).not.toContain('name="delivery" value="email"')
    expect(form.body).toContain('name="delivery" value="print"')
    expect(form.body).toContain(
      'E-mail to this mission is bouncing, so this letter can only be printed and posted',
    )

    const letter = await newLetterTo(ctx, 'FRA')
    const api = await app.inject({ method: 'POST', url: `/api/letters/${letter.id}/send`, payload: {} })
    expect(api.statusCode).toBe(409)
    expect(api.json()).toMatchObject({ code: 'mission_email_bouncing' })
    expect(api.json().message).toContain('E-mail to the mission of France is bouncing')

    const page = await app.inject({
      method: 'POST',
      url: `/letters/${letter.id}/send`,
      payload: { email: 'amina@example.org' },
    })
    expect(page.statusCode).toBe(422)
    expect(page.body).toContain(
      'E-mail to this mission is bouncing, and the campaign is checking its address.',
    )
    expect(page.body).not.toContain('id="send-email"')
  })

  it('records a report read twice once', async () => {
    await imap!.markAllUnseen()
    await imap!.append(franceReport) // the same report delivered again
    expect(await readBounces(ctx)).toEqual({ read: 2, recorded: 0, ignored: 2, failed: 0 })
    expect(await bouncesOf(france.id)).toHaveLength(1)
  })

  it('ignores a forged bounce whose token is wrong, even with the right Message-ID inside', async () => {
    const good = bounceAddressFor(ctx.config, ghana) ?? ''
    const forged = good.replace(/-[0-9a-f]{20}@/, '-0123456789abcdef0123@')
    await imap!.append(
      dsn(ghana, forged, {
        recipient: GHANA_EMAIL,
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550 5.1.1 no such user',
      }),
    )
    expect(await readBounces(ctx)).toMatchObject({ read: 1, recorded: 0, ignored: 1 })
    expect(await bouncesOf(ghana.id)).toEqual([])
    expect(await failing(GHANA_EMAIL)).toBeUndefined()
  })

  it('records a soft bounce (4.x.x) without stopping e-mail to the mission', async () => {
    await imap!.append(
      dsn(ghana, bounceAddressFor(ctx.config, ghana) ?? '', {
        recipient: GHANA_EMAIL,
        action: 'delayed',
        status: '4.4.1',
        diagnostic: '421 4.4.1 connection timed out',
      }),
    )
    expect(await readBounces(ctx)).toMatchObject({ read: 1, recorded: 1 })
    expect(await bouncesOf(ghana.id)).toMatchObject([{ kind: 'soft', status: '4.4.1' }])
    expect(await failing(GHANA_EMAIL)).toBeUndefined()
    expect((await app.inject({ url: '/write/gha' })).body).toContain('name="delivery" value="email"')
  })

  it('clears the flag when the mission address is corrected, in the audit log', async () => {
    const olu = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })
    const row = await ctx.db
      .selectFrom('mission_version')
      .selectAll()
      .where('state_iso3', '=', 'FRA')
      .where('valid_until', 'is', null)
      .executeTakeFirstOrThrow()
    const edited = await app.inject({
      method: 'POST',
      url: '/organizers/directory/fra/edit',
      headers: { cookie: olu.cookie },
      payload: {
        _csrf: olu.csrfToken,
        ...formValuesOf(missionDetailsFromRow(row), row.version),
        emails: 'mission.france@un.int',
      },
    })
    expect(edited.statusCode).toBe(303)
    // Still flagged while the new address waits for an admin.
    expect(await failing(FRANCE_EMAIL)).toBeDefined()
    expect(await approvePendingEmails(ctx)).toBe(1)
    expect(await failing(FRANCE_EMAIL)).toBeUndefined()
    const [cleared] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA' }).then(
      (events) => events.filter((e) => e.action === 'mission.email_failure_clear'),
    )
    expect(cleared?.summary).toContain(FRANCE_EMAIL)
    expect(JSON.parse(cleared?.details ?? '{}')).toMatchObject({
      email: FRANCE_EMAIL,
      now: ['mission.france@un.int'],
    })
    // Letters are e-mailed again, to the corrected address.
    expect((await app.inject({ url: '/states/fra' })).body).not.toContain('is bouncing')
    expect((await app.inject({ url: '/write/fra' })).body).toContain('name="delivery" value="email"')
  })

  it('clears the flag when an organizer confirms the address with the mission, in the audit log', async () => {
    await imap!.append(
      dsn(ghana, bounceAddressFor(ctx.config, ghana) ?? '', {
        recipient: GHANA_EMAIL,
        action: 'failed',
        status: '5.2.1',
        diagnostic: '550 5.2.1 mailbox disabled',
      }),
    )
    expect(await readBounces(ctx)).toMatchObject({ recorded: 1 })
    expect(await failing(GHANA_EMAIL)).toBeDefined()

    const olu = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })
    const outbox = await app.inject({ url: '/organizers/outbox', headers: { cookie: olu.cookie } })
    expect(outbox.body).toContain(GHANA_EMAIL)
    expect(outbox.body).toContain('Letters printed and posted')
    expect(outbox.body).toContain('The mission confirmed this address')
    const confirmed = await app.inject({
      method: 'POST',
      url: '/organizers/outbox/failing/confirm',
      headers: { cookie: olu.cookie },
      payload: { _csrf: olu.csrfToken, email: GHANA_EMAIL },
    })
    expect(confirmed.statusCode).toBe(303)
    expect(await failing(GHANA_EMAIL)).toBeUndefined()
    const events = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'GHA' })
    expect(events.find((e) => e.action === 'mission.email_confirm')).toMatchObject({
      actor_label: 'Olu Organizer',
    })
    expect((await app.inject({ url: '/write/gha' })).body).toContain('name="delivery" value="email"')
  })
})
