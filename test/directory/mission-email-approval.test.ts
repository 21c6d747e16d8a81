import { describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { importBlueBook } from '../../src/directory/bluebook-import.js'
import { findCurrentMission } from '../../src/directory/directory.repository.js'
import { confirmUpload, uploadBlueBook } from '../../src/directory/directory-upload.service.js'
import { missionDetailsFromRow } from '../../src/directory/mission-details.js'
import { formValuesOf } from '../../src/directory/mission-edit-input.js'
import { listPendingEmailChanges } from '../../src/directory/mission-email-changes.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { actorOf } from '../../src/organizers/organizers.service.js'
import { confirmedLetter, FRANCE_EMAIL, pass } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'

// Finding 4 of issue 12: a mission's e-mail address is where supporters' letters go. The review
// uploaded its own Blue Book and the Bahamas mission became evil@attacker.example. A new address
// now waits for a second admin, or (single admin) for a delay during which every admin is told.

const EVIL = 'evil@attacker.example'

async function emailsOf(ctx: AppContext, iso3: string): Promise<string[]> {
  const row = await findCurrentMission(ctx.db, iso3)
  return missionDetailsFromRow(row!).emails
}

/** A Blue Book listing missions (entity name -> e-mail), as someone could write and upload it. */
function blueBookOf(emails: Record<string, string>): string {
  return JSON.stringify({
    countries: Object.entries(emails).map(([name, email]) => ({
      MC_EntityBB: name,
      MC_Address: `Permanent Mission of ${name} to the United Nations\r\n231 East 46th Street\r\nNew York, NY 10017`,
      MC_Telephone: '212-421-6925',
      MC_eMail: email,
      MC_UNCorrespondenceLanguage: 'English',
      MC_Category: '1',
    })),
    bluebooks: [],
  })
}

/** A Blue Book of one mission. */
const bahamasBlueBook = (email: string) => blueBookOf({ Bahamas: email })

/** Sends the edit form of a mission with new e-mail addresses, as `who`. */
async function proposeByEdit(
  app: Awaited<ReturnType<typeof buildMailTestApp>>['app'],
  ctx: AppContext,
  who: OrganizerSession,
  iso3: string,
  emails: string,
) {
  const row = await findCurrentMission(ctx.db, iso3)
  return app.inject({
    method: 'POST',
    url: `/organizers/directory/${iso3.toLowerCase()}/edit`,
    headers: { cookie: who.cookie },
    payload: { _csrf: who.csrfToken, ...formValuesOf(missionDetailsFromRow(row!), row!.version), emails },
  })
}

function decide(
  app: Awaited<ReturnType<typeof buildMailTestApp>>['app'],
  who: OrganizerSession,
  id: number,
  decision: 'approve' | 'reject',
) {
  return app.inject({
    method: 'POST',
    url: `/organizers/directory/email-changes/${id}/${decision}`,
    headers: { cookie: who.cookie },
    payload: { _csrf: who.csrfToken },
  })
}

type MailApp = Awaited<ReturnType<typeof buildMailTestApp>>

/** Where a letter to `state` written now is e-mailed: every address the SMTP server was told to deliver to. */
async function recipientsOfALetter({ ctx, smtp, transport }: MailApp, state = 'FRA'): Promise<string[]> {
  smtp.reset()
  await confirmedLetter(ctx, transport, { state })
  await pass(ctx, transport)
  return smtp.messages.flatMap((m) => m.envelope.to)
}

describe('a campaign with two admins', async () => {
  const mail = await buildMailTestApp()
  const { app, ctx, clock, transport } = mail
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  const ada = await signInOrganizer(app, ctx, { role: 'admin', name: 'Ada Admin' })
  const ben = await signInOrganizer(app, ctx, { role: 'admin', name: 'Ben Admin' })
  const olu = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })
  const lettersTo = () => recipientsOfALetter(mail)

  it('keeps an edited address pending: letters go on to the approved one', async () => {
    const edited = await proposeByEdit(app, ctx, ada, 'FRA', EVIL)
    expect(edited.statusCode).toBe(303)
    expect(edited.headers.location).toBe('/organizers/directory?pending=fra')
    expect(await emailsOf(ctx, 'FRA')).toEqual([FRANCE_EMAIL])
    expect(await listPendingEmailChanges(ctx)).toMatchObject([
      { iso3: 'FRA', from: [FRANCE_EMAIL], to: [EVIL], source: 'edit', proposedBy: 'Ada Admin' },
    ])

    const recipients = await lettersTo()
    expect(recipients).toContain(FRANCE_EMAIL)
    expect(recipients).not.toContain(EVIL)
  })

  it('shows the change on the directory page, with approve and reject for admins only', async () => {
    const forAda = await app.inject({
      method: 'GET',
      url: '/organizers/directory',
      headers: { cookie: ada.cookie },
    })
    expect(forAda.body).toContain('E-mail addresses awaiting approval')
    expect(forAda.body).toContain(EVIL)
    expect(forAda.body).toContain('You proposed it: another admin approves it.')
    const forOlu = await app.inject({
      method: 'GET',
      url: '/organizers/directory',
      headers: { cookie: olu.cookie },
    })
    expect(forOlu.body).toContain(EVIL)
    expect(forOlu.body).not.toContain('/email-changes/')
  })

  it('refuses the proposer’s own approval, and an organizer’s', async () => {
    const [change] = await listPendingEmailChanges(ctx)
    const own = await decide(app, ada, change!.id, 'approve')
    expect(own.statusCode).toBe(403)
    expect(own.body).toContain('another admin must approve it')
    expect((await decide(app, olu, change!.id, 'approve')).statusCode).toBe(403)
    expect(await emailsOf(ctx, 'FRA')).toEqual([FRANCE_EMAIL])
  })

  it('applies it once a second admin approves: the next letter goes to the new address', async () => {
    const [change] = await listPendingEmailChanges(ctx)
    const approved = await decide(app, ben, change!.id, 'approve')
    expect(approved.statusCode).toBe(303)
    expect(await emailsOf(ctx, 'FRA')).toEqual([EVIL])
    expect(await listPendingEmailChanges(ctx)).toEqual([])
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA', limit: 1 })
    expect(event).toMatchObject({ action: 'mission.email_approve', actor_label: 'Ben Admin' })
    expect(event?.summary).toContain('proposed by Ada Admin')

    const recipients = await lettersTo()
    expect(recipients).toContain(EVIL)
    // A second decision on the same change is refused.
    expect((await decide(app, ben, change!.id, 'reject')).statusCode).toBe(409)
  })

  it('keeps an imported address pending, from the shell and from the browser, and says so', async () => {
    await setMission(ctx, 'BHS', { emails: ['bahamas@un.int'] })
    const shell = await importBlueBook(ctx, bahamasBlueBook(EVIL), {
      source: 'evil-bluebook.json',
      sourceDate: '2026-05-30',
    })
    expect(shell.counts.pendingEmails).toBe(1)
    expect(shell.pendingEmails).toEqual([
      { iso3: 'BHS', name: 'Bahamas', from: ['bahamas@un.int'], to: [EVIL] },
    ])
    expect(await emailsOf(ctx, 'BHS')).toEqual(['bahamas@un.int'])

    // The review's way in: an organizer uploads a Blue Book and confirms it.
    const id = await uploadBlueBook(ctx, olu.organizer.id, {
      file: { fileName: 'bahamas.json', content: Buffer.from(bahamasBlueBook('other@attacker.example')) },
      sourceDate: '2026-05-31',
    })
    const confirmed = await confirmUpload(ctx, actorOf(olu.organizer), id)
    expect(confirmed.outcome).toBe('applied')
    expect(await emailsOf(ctx, 'BHS')).toEqual(['bahamas@un.int'])
    // The newer proposal replaces the older one: one open change per mission.
    expect(await listPendingEmailChanges(ctx)).toMatchObject([
      { iso3: 'BHS', to: ['other@attacker.example'], source: 'import', proposedBy: 'Olu Organizer' },
    ])
    const [change] = await listPendingEmailChanges(ctx)
    expect((await decide(app, ben, change!.id, 'reject')).statusCode).toBe(303)
    expect(await emailsOf(ctx, 'BHS')).toEqual(['bahamas@un.int'])
  })

  it('never applies a change by itself where two admins can decide', async () => {
    await proposeByEdit(app, ctx, olu, 'FRA', 'later@example.org')
    await pass(ctx, transport)
    clock.advance(30 * 24 * 3_600_000)
    await pass(ctx, transport)
    expect(await emailsOf(ctx, 'FRA')).toEqual([EVIL])
  })
})

describe('a campaign with a single admin', async () => {
  const { app, ctx, smtp, clock, transport } = await buildMailTestApp({
    MISSION_EMAIL_CHANGE_DELAY_HOURS: '72',
  })
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  const sam = await signInOrganizer(app, ctx, { role: 'admin', name: 'Sam Admin' })
  const olu = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })

  it('e-mails the admin, and applies the change only after the delay', async () => {
    expect((await proposeByEdit(app, ctx, olu, 'FRA', 'new@france.example')).statusCode).toBe(303)
    await pass(ctx, transport)
    const notice = smtp.messages.find((m) => m.envelope.to.includes(sam.organizer.email))
    expect(notice?.parsed.subject).toBe('Approve or reject: new e-mail addresses for the mission of France')
    expect(notice?.parsed.text).toContain('new@france.example')
    expect(notice?.parsed.text).toContain('takes effect on 4 June 2026')

    clock.advance(71 * 3_600_000)
    await pass(ctx, transport)
    expect(await emailsOf(ctx, 'FRA')).toEqual([FRANCE_EMAIL])

    clock.advance(2 * 3_600_000)
    await pass(ctx, transport)
    expect(await emailsOf(ctx, 'FRA')).toEqual(['new@france.example'])
    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA', limit: 1 })
    expect(event?.action).toBe('mission.email_approve')
    expect(event?.summary).toContain('after the delay, no admin objected')
  })

  it('lets the single admin reject a change during the delay', async () => {
    await proposeByEdit(app, ctx, sam, 'FRA', EVIL)
    await pass(ctx, transport)
    const [change] = await listPendingEmailChanges(ctx)
    expect((await decide(app, sam, change!.id, 'approve')).statusCode).toBe(403)
    expect((await decide(app, sam, change!.id, 'reject')).statusCode).toBe(303)
    clock.advance(100 * 3_600_000)
    await pass(ctx, transport)
    expect(await emailsOf(ctx, 'FRA')).toEqual(['new@france.example'])
  })
})

describe('approving a whole import at once', async () => {
  const mail = await buildMailTestApp()
  const { app, ctx } = mail
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  // The missions these imports give addresses to start with none (the seed's cleared): a first
  // address is a change to approve, and "no address yet" is what the tests check before approval.
  for (const iso3 of ['TCD', 'PER', 'GHA', 'BHS']) await setMission(ctx, iso3, { emails: [] })
  const ada = await signInOrganizer(app, ctx, { role: 'admin', name: 'Ada Admin' })
  const ben = await signInOrganizer(app, ctx, { role: 'admin', name: 'Ben Admin' })
  const olu = await signInOrganizer(app, ctx, { role: 'organizer', name: 'Olu Organizer' })
  const FIRST = 'bluebook-2026-05-30.json'
  const firstImport = { importFile: FIRST, importDate: '2026-05-30' }

  /** Uploads and confirms a Blue Book in the browser's way, as `who`. */
  const importAs = async (who: OrganizerSession, fileName: string, emails: Record<string, string>) => {
    const id = await uploadBlueBook(ctx, who.organizer.id, {
      file: { fileName, content: Buffer.from(blueBookOf(emails)) },
      sourceDate: '',
    })
    expect((await confirmUpload(ctx, actorOf(who.organizer), id)).outcome).toBe('applied')
  }
  const approveAll = (who: OrganizerSession, fields: Record<string, string | number>) =>
    app.inject({
      method: 'POST',
      url: '/organizers/directory/email-changes/approve-all',
      headers: { cookie: who.cookie },
      payload: { _csrf: who.csrfToken, ...fields },
    })
  const pageFor = async (who: OrganizerSession, url = '/organizers/directory') =>
    (await app.inject({ method: 'GET', url, headers: { cookie: who.cookie } })).body
  /** The newest change listed: what a page shown now offers to approve. */
  const newestPending = async () => Math.max(...(await listPendingEmailChanges(ctx)).map((c) => c.id))

  it('lists the import’s addresses with one form to approve them, minus the admin’s own', async () => {
    await importAs(ada, FIRST, { Chad: 'chad@un.int', Peru: 'peru@un.int' })
    await importAs(olu, 'bluebook-2026-05-31.json', { Ghana: 'ghana@un.int' })
    await proposeByEdit(app, ctx, ben, 'FRA', 'france.new@un.int')
    expect(await listPendingEmailChanges(ctx)).toHaveLength(4)

    const forBen = await pageFor(ben)
    expect(forBen).toContain('Approve all 3 pending addresses proposed by others')
    expect(forBen).toContain(`Approve the 2 addresses from the import of ${FIRST} (30 May 2026)`)
    expect(forBen).toContain(
      'Approve the 1 address from the import of bluebook-2026-05-31.json (31 May 2026)',
    )
    expect(forBen).toContain('1 change you proposed yourself is left out: another admin must approve it.')
    const forAda = await pageFor(ada)
    expect(forAda).toContain('Approve all 2 pending addresses proposed by others')
    expect(forAda).toContain('2 changes you proposed yourself are left out')
    expect(await pageFor(olu)).not.toContain('approve-all')
  })

  it('approves none of the admin’s own proposals, and says so', async () => {
    const response = await approveAll(ada, { through: await newestPending(), ...firstImport })
    expect(response.statusCode).toBe(303)
    const notice = await pageFor(ada, response.headers.location as string)
    expect(notice).toContain('No address was approved.')
    expect(notice).toContain(
      '2 changes you proposed yourself were left pending: another admin must approve them.',
    )
    expect(await emailsOf(ctx, 'TCD')).toEqual([])
    expect(await listPendingEmailChanges(ctx)).toHaveLength(4)
  })

  it('refuses an organizer, a form without its CSRF token, and a form without `through`', async () => {
    const through = await newestPending()
    expect((await approveAll(olu, { through })).statusCode).toBe(403)
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/organizers/directory/email-changes/approve-all',
      headers: { cookie: ben.cookie },
      payload: { through },
    })
    expect(noCsrf.statusCode).toBe(403)
    const noThrough = await approveAll(ben, {})
    expect(noThrough.statusCode).toBe(400)
    expect(noThrough.body).toContain('through')
    expect(await listPendingEmailChanges(ctx)).toHaveLength(4)
  })

  it('lets a second admin approve one import in one POST: letters then go to its addresses', async () => {
    const response = await approveAll(ben, { through: await newestPending(), ...firstImport })
    expect(response.statusCode).toBe(303)
    expect(await pageFor(ben, response.headers.location as string)).toContain(
      'Approved 2 new e-mail addresses: letters to those missions now go to them.',
    )
    expect(await emailsOf(ctx, 'TCD')).toEqual(['chad@un.int'])
    expect(await emailsOf(ctx, 'PER')).toEqual(['peru@un.int'])
    expect(await emailsOf(ctx, 'GHA')).toEqual([])
    expect(await recipientsOfALetter(mail, 'TCD')).toContain('chad@un.int')
    // One entry per change, as a single approval writes, and one for the whole batch.
    const events = await listAuditEvents(ctx.db, { limit: 3 })
    expect(events.map((e) => [e.action, e.subject_id, e.actor_label]).sort()).toEqual([
      ['mission.email_approve', 'PER', 'Ben Admin'],
      ['mission.email_approve', 'TCD', 'Ben Admin'],
      ['mission.email_approve_all', null, 'Ben Admin'],
    ])
    expect(events[0]?.action).toBe('mission.email_approve_all')
    expect(events[0]?.summary).toContain(
      `Approved 2 new mission e-mail addresses at once (the import of ${FIRST}`,
    )
  })

  it('approves all the others’ addresses the page showed, never one proposed after it', async () => {
    const through = await newestPending()
    // Proposed after the admin's page was drawn: not approved without being seen.
    await importAs(olu, 'bluebook-2026-06-01.json', { Bahamas: 'bahamas@un.int' })
    const response = await approveAll(ben, { through })
    expect(response.statusCode).toBe(303)
    const notice = await pageFor(ben, response.headers.location as string)
    expect(notice).toContain('Approved 1 new e-mail address: letters to that mission now go to it.')
    expect(notice).toContain('1 change you proposed yourself was left pending')
    expect(await emailsOf(ctx, 'GHA')).toEqual(['ghana@un.int'])
    expect(await emailsOf(ctx, 'FRA')).toEqual([FRANCE_EMAIL])
    expect(await emailsOf(ctx, 'BHS')).toEqual([])
    expect((await listPendingEmailChanges(ctx)).map((c) => c.iso3).sort()).toEqual(['BHS', 'FRA'])
  })
})
