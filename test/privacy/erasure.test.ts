import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { simpleParser } from 'mailparser'
import { afterAll, describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { answerReplyRequest, queueReplyRequests } from '../../src/canvassing/reply-requests.js'
import type { AppContext } from '../../src/context.js'
import { engineOf } from '../../src/db/engine.js'
import { recordDeliveryReport } from '../../src/delivery/bounces.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { markPrintedLetterDelivered } from '../../src/letters/letter-handover.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { createTransport } from '../../src/outbox/transports.js'
import { pass, tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const LINK = /http:\/\/localhost:3000\/privacy\/erase\/([A-Za-z0-9_-]{43})/
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

// The person who asks for erasure: every value unmistakable, so a plain search finds any trace.
const PERSON = {
  name: 'Philippa Erasmus-Quill',
  email: 'Philippa.Quill@Erasure-Test.example',
  organization: 'Quillsborough Relief Trust',
  role: 'Chairwoman of the Vanishing Board',
  address: '17 Vanishing Row',
  city: 'Quillsborough',
  note: 'In Bunia I met a girl of fourteen whose complaint was never answered; this is why I write.',
}
// Someone else, who wrote to the same mission and must keep everything.
const OTHER = {
  name: 'Tobias Remainder',
  email: 'tobias.remainder@stays.example',
  address: '3 Keepsake Lane',
  city: 'Staywell',
  note: 'A paragraph that belongs to Tobias and stays where it is.',
}

const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, MISSION_DAILY_CAP: '1000' } })
const viaSmtp = transportFor(ctx)
// The person's first letter goes through the file transport, as without SMTP_URL: .eml copies.
const viaFiles = createTransport({ ...ctx.config.mail, smtpUrl: null })
afterAll(async () => {
  viaSmtp.close()
  await smtp.stop()
})
await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
await setMission(ctx, 'GBR', { emails: ['uk@un.int'] })

function post(url: string, body: string, headers: Record<string, string> = FORM) {
  return app.inject({ method: 'POST', url, headers, payload: body })
}

function supporter(who: typeof PERSON | typeof OTHER, email: string, extra: object = {}) {
  return {
    name: who.name,
    addressLines: [who.address],
    city: who.city,
    country: 'KE',
    email,
    ...extra,
  }
}

/** A letter e-mailed to the mission through `transport`, confirmed, delivered, the copy sent. */
async function emailedLetter(
  state: string,
  who: typeof PERSON | typeof OTHER,
  email: string,
  transport = viaFiles,
) {
  const letter = await createLetter(ctx, {
    state,
    language: 'en',
    supporter: supporter(who, email),
    personalNote: who.note,
  })
  await requestEmailDelivery(ctx, letter.id, {})
  await pass(ctx, transport)
  await confirmEmailDelivery(ctx, await tokenFromOutbox(ctx, letter.id))
  await pass(ctx, transport)
  return letter
}

async function letterRow(publicId: string) {
  return ctx.db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirstOrThrow()
}

async function insertPersonAsMember(email: string, name: string) {
  const now = ctx.clock.nowIso()
  return insertMember(ctx, {
    email: email.toLowerCase(),
    name,
    helps: JSON.stringify(['writing', 'contacts']),
    source: 'letter',
    consent_version: '2026-06',
    consent_at: now,
    confirmed_at: now,
    created_at: now,
    updated_at: now,
  })
}

/** Every table, every column, searched for each value (case-insensitive): where it still is. */
async function findTraces(db: AppContext['db'], values: Record<string, string>): Promise<string[]> {
  // Each engine's catalogue; PostgreSQL's columns are typed, so only its text columns are read.
  const postgres = engineOf(db) === 'postgres'
  const { rows: columns } = postgres
    ? await sql<{ table: string; name: string }>`
        select table_name as table, column_name as name from information_schema.columns
        where table_schema = 'public' and data_type = 'text'`.execute(db)
    : await sql<{ table: string; name: string }>`
        select m.name as "table", c.name as name from sqlite_master m, pragma_table_info(m.name) c
        where m.type = 'table' and m.name not like 'sqlite_%'`.execute(db)
  const found: string[] = []
  for (const { table, name: column } of columns) {
    for (const [what, value] of Object.entries(values)) {
      const { rows } = postgres
        ? await sql<{ n: number }>`
            select count(*) as n from ${sql.table(table)}
            where strpos(lower(${sql.ref(column)}), ${value.toLowerCase()}) > 0`.execute(db)
        : await sql<{ n: number }>`
            select count(*) as n from ${sql.table(table)}
            where typeof(${sql.ref(column)}) = 'text'
              and instr(lower(${sql.ref(column)}), ${value.toLowerCase()}) > 0`.execute(db)
      if (Number(rows[0]?.n) > 0) found.push(`${table}.${column}: ${what}`)
    }
  }
  return found
}

function filesContaining(text: string): string[] {
  const dir = ctx.config.mail.outboxDir
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) =>
      fs.readFileSync(path.join(dir, name), 'utf8').toLowerCase().includes(text.toLowerCase()),
    )
}

/** The erasure link as the person reads it, from the .eml the outbox wrote for them. */
async function linkFromFiles(email: string): Promise<string> {
  const dir = ctx.config.mail.outboxDir
  for (const name of fs.readdirSync(dir).sort().reverse()) {
    const mail = await simpleParser(fs.readFileSync(path.join(dir, name)))
    const to = [mail.to].flat().flatMap((a) => a?.value.map((v) => v.address) ?? [])
    if (to.includes(email) && /erase your data/i.test(mail.subject ?? '')) {
      const token = LINK.exec(mail.text ?? '')?.[1]
      if (token) return token
    }
  }
  throw new Error(`no erasure link for ${email}`)
}

const SEARCHED = {
  name: PERSON.name,
  email: PERSON.email,
  organization: PERSON.organization,
  role: PERSON.role,
  address: PERSON.address,
  city: PERSON.city,
  note: PERSON.note,
}

describe('erasure on request, end to end', async () => {
  // 1. E-mailed to France (file transport), delivered, copied to the writer, then the "did the
  //    mission reply?" question, answered.
  const toFrance = await emailedLetter('FRA', PERSON, PERSON.email)
  await pass(ctx, viaFiles)
  // 2. On paper, for an organization, to Kenya: printed and delivered by hand. Lower case address.
  const toKenya = await createLetter(ctx, {
    state: 'KEN',
    template: 'organization',
    language: 'en',
    supporter: supporter(PERSON, PERSON.email.toLowerCase(), {
      organization: PERSON.organization,
      role: PERSON.role,
    }),
    personalNote: PERSON.note,
  })
  await markLetterPrinted(ctx, toKenya.id)
  await markPrintedLetterDelivered(ctx, SHELL_ACTOR, toKenya.id)
  // 3. E-mailed to the United Kingdom over SMTP; the writer's copy is refused, naming the address.
  const refuseNext = smtp.onAccepted((message) => {
    if (message.envelope.to.includes('uk@un.int'))
      smtp.respondWith({ code: 550, message: `5.1.1 <${PERSON.email}>: mailbox unavailable` }, 1)
  })
  const toUk = await emailedLetter('GBR', PERSON, PERSON.email.toUpperCase(), viaSmtp)
  refuseNext()
  // 4. A draft, never sent.
  const draft = await createLetter(ctx, {
    state: 'ESP',
    language: 'en',
    supporter: supporter(PERSON, PERSON.email),
    personalNote: PERSON.note,
  })
  // Someone else's letter to France, delivered the same way.
  const others = await emailedLetter('FRA', OTHER, OTHER.email)
  await pass(ctx, viaFiles)

  // The membership, its confirmation e-mail (sent) and a campaign update (still waiting).
  const member = await insertPersonAsMember(PERSON.email, PERSON.name)
  const otherMember = await insertPersonAsMember(OTHER.email, OTHER.name)
  await ctx.outbox.queue(ctx.db, {
    kind: 'member_confirmation',
    memberId: member.id,
    recipients: [member.email ?? ''],
    payload: {
      name: PERSON.name,
      url: 'http://localhost:3000/join/confirm/x',
      expires: TEST_NOW,
      updates: true,
    },
  })
  await pass(ctx, viaFiles)
  const update = await ctx.outbox.queue(ctx.db, {
    kind: 'member_update',
    memberId: member.id,
    updateId: 1,
    recipients: [member.email ?? ''],
    sendDay: '2030-01-01',
  })

  // Two weeks on, the question about the letter to France, answered.
  clock.advance(14 * DAY)
  await queueReplyRequests(ctx)
  const question = await ctx.db
    .selectFrom('outbox_message')
    .select('payload')
    .where('kind', '=', 'reply_request')
    .where('letter_id', '=', (await letterRow(toFrance.id)).id)
    .executeTakeFirstOrThrow()
  const replyToken = (JSON.parse(question.payload ?? '{}') as { url: string }).url.split('/').pop() ?? ''
  await pass(ctx, viaFiles)
  await answerReplyRequest(ctx, replyToken, { answer: 'replied' })

  // Days later, each writer's copy of the letter to France comes back (a mailbox full), quoting
  // the address: a bounce recorded for each.
  for (const [who, letter] of [
    [PERSON, toFrance],
    [OTHER, others],
  ] as const) {
    const copy = await ctx.db
      .selectFrom('outbox_message')
      .select('message_id')
      .where('kind', '=', 'supporter_copy')
      .where('letter_id', '=', (await letterRow(letter.id)).id)
      .executeTakeFirstOrThrow()
    const outcome = await recordDeliveryReport(ctx, {
      reportId: `<dsn-${letter.reference}@mx.example>`,
      deliveredTo: [],
      originalMessageId: copy.message_id,
      recipients: [
        {
          email: who.email,
          action: 'failed',
          status: '5.2.2',
          diagnostic: `552 5.2.2 <${who.email}>: mailbox full`,
          kind: 'hard',
        },
      ],
    })
    expect(outcome).toBe('recorded')
  }

  const otherBefore = await letterRow(others.id)
  const otherMemberBefore = await ctx.db
    .selectFrom('member')
    .selectAll()
    .where('id', '=', otherMember.id)
    .executeTakeFirstOrThrow()
  const coverageBefore = await getCoverage(ctx, 'organizers')
  const statsBefore = await ctx.db
    .selectFrom('state_letter_stats')
    .selectAll()
    .orderBy('state_iso3')
    .execute()
  const tracesBefore = await findTraces(ctx.db, SEARCHED)
  const filesBefore = filesContaining(PERSON.email)
  const otherFilesBefore = filesContaining(OTHER.email)

  // The request, in yet another case, and the link the person receives.
  const asked = await post('/privacy/erase', `email=${encodeURIComponent(PERSON.email.toUpperCase())}`)
  await pass(ctx, viaFiles)
  const token = await linkFromFiles(PERSON.email.toLowerCase())
  const page = await app.inject({ method: 'GET', url: `/privacy/erase/${token}` })
  const erased = await post(`/privacy/erase/${token}`, '')

  it('found the person everywhere before (the scan sees what it looks for)', () => {
    expect(tracesBefore).toEqual(
      expect.arrayContaining([
        'letter.supporter_name: name',
        'letter.supporter_email: email',
        'letter.personal_note: note',
        'letter.document: note',
        'letter.document: city',
        'letter.document: organization',
        'letter.supporter_address_lines: address',
        'outbox_message.recipients: email',
        'delivery_attempt.response: email',
        'member.email: email',
        'member.name: name',
        'bounce.email: email',
        'bounce.diagnostic: email',
      ]),
    )
    expect(filesBefore.length).toBeGreaterThanOrEqual(5)
  })

  it('answers the request with the same page for every address, and shows what goes before erasing', async () => {
    expect(asked.statusCode).toBe(303)
    expect(asked.headers.location).toBe('/privacy/erase/sent')
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.headers['referrer-policy']).toBe('same-origin')
    for (const letter of [toFrance, toKenya, toUk, draft]) expect(page.body).toContain(letter.reference)
    expect(page.body).toContain(
      `<strong>${toKenya.reference}</strong> to the Permanent Mission of Kenya, delivered on 1 June 2026`,
    )
    expect(page.body).toContain(
      `<strong>${draft.reference}</strong> to the Permanent Mission of Spain, not delivered`,
    )
    expect(page.body).toContain('4 letters')
    expect(page.body).toContain('A membership of the campaign (as an individual)')
    expect(page.body).toContain(`<form method="post" action="/privacy/erase/${token}"`)
    expect(page.body).not.toContain(PERSON.name)
    expect(page.body).not.toContain(PERSON.note)
  })

  it('erases and redirects to a page that says so', async () => {
    expect(erased.statusCode).toBe(303)
    expect(erased.headers.location).toBe('/privacy/erased')
    const done = await app.inject({ method: 'GET', url: '/privacy/erased' })
    expect(done.statusCode).toBe(200)
    expect(done.body).toContain('Your data is erased')
  })

  it('leaves no trace of the person in any column of any table', async () => {
    expect(await findTraces(ctx.db, SEARCHED)).toEqual([])
  })

  it('leaves no .eml copy holding the address, and keeps the other writer’s', () => {
    expect(filesContaining(PERSON.email)).toEqual([])
    expect(filesContaining(PERSON.name)).toEqual([])
    expect(filesContaining(OTHER.email)).toEqual(otherFilesBefore)
    expect(otherFilesBefore.length).toBeGreaterThan(0)
  })

  it('keeps coverage and every per-state count exactly as they were', async () => {
    expect(await getCoverage(ctx, 'organizers')).toEqual(coverageBefore)
    expect(await ctx.db.selectFrom('state_letter_stats').selectAll().orderBy('state_iso3').execute()).toEqual(
      statsBefore,
    )
  })

  it('keeps the letters, their states, statuses and dates, without the person', async () => {
    const expected = {
      [toFrance.id]: { state_iso3: 'FRA', status: 'sent', channel: 'email' },
      [toKenya.id]: { state_iso3: 'KEN', status: 'draft', channel: null },
      [toUk.id]: { state_iso3: 'GBR', status: 'sent', channel: 'email' },
      [draft.id]: { state_iso3: 'ESP', status: 'draft', channel: null },
    }
    for (const [id, facts] of Object.entries(expected)) {
      const row = await letterRow(id)
      expect(row).toMatchObject({
        ...facts,
        supporter_name: 'Erased on request',
        supporter_email: null,
        supporter_organization: null,
        supporter_role: null,
        supporter_address_lines: '[]',
        supporter_city: null,
        supporter_country: null,
        personal_note: null,
        confirm_token_hash: null,
        reply_token_hash: null,
      })
      expect(row.personal_data_removed_at).toBe(clock.nowIso())
      const doc = JSON.parse(row.document)
      expect(doc.sender).toEqual([])
      expect(doc.signature).toEqual(['[…]'])
      expect(doc.paragraphs.length).toBeGreaterThan(3)
    }
    const kenya = await letterRow(toKenya.id)
    expect(kenya.printed_delivered_at).not.toBeNull()
    expect(JSON.parse(kenya.document).paragraphs[0]).toMatch(
      /^We write on behalf of \[…\], based in \[…\], Kenya/,
    )
    // The letter's own page, for whoever holds its link, shows the redacted copy.
    const shown = await app.inject({ method: 'GET', url: `/letters/${toFrance.id}` })
    expect(shown.statusCode).toBe(200)
    for (const value of Object.values(SEARCHED)) expect(shown.body).not.toContain(value)
  })

  it('keeps the answer about the reply as a fact with no text', async () => {
    const letterId = (await letterRow(toFrance.id)).id
    const engagements = await ctx.db
      .selectFrom('engagement')
      .selectAll()
      .where('letter_id', '=', letterId)
      .execute()
    expect(engagements).toEqual([
      expect.objectContaining({ state_iso3: 'FRA', kind: 'reply_received', source: 'supporter', text: '' }),
    ])
    expect((await letterRow(toFrance.id)).reply_answer).toBe('replied')
  })

  it('erases the membership and cancels the update still waiting', async () => {
    const row = await ctx.db
      .selectFrom('member')
      .selectAll()
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      status: 'erased',
      email: null,
      name: null,
      country: null,
      helps: '[]',
      consent_updates: 0,
      consent_version: null,
      consent_at: null,
      erased_at: clock.nowIso(),
    })
    const waiting = await ctx.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('id', '=', update.id)
      .executeTakeFirstOrThrow()
    expect(waiting).toMatchObject({ status: 'failed', recipients: '[]', payload: null })
    expect(waiting.last_response).toMatch(/^cancelled/)
  })

  it("deletes the person's bounce and keeps the other writer's as it was", async () => {
    const bounces = await ctx.db.selectFrom('bounce').select(['email', 'diagnostic']).execute()
    expect(bounces).toEqual([{ email: OTHER.email, diagnostic: `552 5.2.2 <${OTHER.email}>: mailbox full` }])
  })

  it('leaves the other writer and member untouched', async () => {
    expect(await letterRow(others.id)).toEqual(otherBefore)
    expect(
      await ctx.db
        .selectFrom('member')
        .selectAll()
        .where('id', '=', otherMember.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(otherMemberBefore)
  })

  it('forgets the address on the request and audits counts only', async () => {
    const requests = await ctx.db.selectFrom('erasure_request').selectAll().execute()
    expect(requests).toEqual([expect.objectContaining({ email: null, completed_at: clock.nowIso() })])
    const audit = await ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'privacy.erase')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(audit.details)).toMatchObject({ letters: 4, members: 1 })
    expect(JSON.parse(audit.details).messages).toBeGreaterThanOrEqual(6)
    expect(JSON.parse(audit.details).attempts).toBeGreaterThanOrEqual(1)
  })

  it('refuses the used link with 409, on the page and the button', async () => {
    const again = await app.inject({ method: 'GET', url: `/privacy/erase/${token}` })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('This link has been used')
    expect((await post(`/privacy/erase/${token}`, '')).statusCode).toBe(409)
  })
})

describe('asking for erasure', () => {
  it('gives an unknown address the same answer, and sends nothing', async () => {
    const before = await ctx.db.selectFrom('outbox_message').select('id').execute()
    const res = await post('/privacy/erase', 'email=nobody.here%40unknown.example')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/privacy/erase/sent')
    expect(await ctx.db.selectFrom('outbox_message').select('id').execute()).toEqual(before)
    expect(
      await ctx.db
        .selectFrom('erasure_request')
        .selectAll()
        .where('email', '=', 'nobody.here@unknown.example')
        .execute(),
    ).toEqual([])
    const sent = await app.inject({ method: 'GET', url: '/privacy/erase/sent' })
    expect(sent.body).toContain('If a letter or a membership of the campaign uses the address you gave')
  })

  it('refuses what is not an address with 422, naming the field, keeping what was typed', async () => {
    for (const body of ['email=', 'email=not-an-address', 'other=1', `email=${'a'.repeat(250)}%40x.org`]) {
      const res = await post('/privacy/erase', body)
      expect(res.statusCode, body).toBe(422)
      expect(res.body).toContain('id="email-error"')
      expect(res.body).toContain('aria-invalid="true"')
    }
    expect((await post('/privacy/erase', 'email=not-an-address')).body).toContain('value="not-an-address"')
    for (const payload of ['[1]', '{"email":["a@b.org"]}', '{"email":7}', 'null']) {
      const res = await post('/privacy/erase', payload, { 'content-type': 'application/json' })
      expect(res.statusCode, payload).toBeLessThan(500)
    }
  })

  it('sends one link per address in a quarter of an hour', async () => {
    await insertPersonAsMember('twice@asked.example', 'Twice Asked')
    await post('/privacy/erase', 'email=twice%40asked.example')
    await post('/privacy/erase', 'email=Twice%40Asked.example')
    // The outbox pass answers the asks (the request itself looks nothing up).
    await pass(ctx, viaFiles)
    expect(await linksQueuedTo('twice@asked.example')).toBe(1)
    clock.advance(16 * 60_000)
    await post('/privacy/erase', 'email=twice%40asked.example')
    await pass(ctx, viaFiles)
    expect(await linksQueuedTo('twice@asked.example')).toBe(2)
  })

  it('takes requests only from this site', async () => {
    const res = await post('/privacy/erase', 'email=a%40b.org', {
      ...FORM,
      origin: 'https://elsewhere.example',
    })
    expect(res.statusCode).toBe(403)
  })

  it('shows the form with what is removed and what is kept', async () => {
    const res = await app.inject({ method: 'GET', url: '/privacy/erase' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<form class="erase-form" method="post" action="/privacy/erase"')
    expect(res.body).toContain('What is removed')
    expect(res.body).toContain('What is kept')
  })
})

describe('erasure links', () => {
  it('answers a link we did not send with 404', async () => {
    for (const token of ['x'.repeat(43), 'short', '%3Cscript%3E']) {
      const page = await app.inject({ method: 'GET', url: `/privacy/erase/${token}` })
      expect(page.statusCode, token).toBe(404)
      expect(page.body).toContain('This link is not valid')
      expect(page.headers['referrer-policy']).toBe('same-origin')
      expect((await post(`/privacy/erase/${token}`, '')).statusCode, token).toBe(404)
    }
  })

  it('expires after 48 hours (410), and the address is then forgotten with its message', async () => {
    await insertPersonAsMember('late@slow.example', 'Late Reader')
    await post('/privacy/erase', 'email=late%40slow.example')
    await pass(ctx, viaFiles)
    const token = await linkFromFiles('late@slow.example')
    // Opening the link records nothing (a mail scanner opens every link).
    expect((await app.inject({ method: 'GET', url: `/privacy/erase/${token}` })).statusCode).toBe(200)
    expect((await memberByName('Late Reader')).status).toBe('active')
    clock.advance(48 * HOUR)
    const page = await app.inject({ method: 'GET', url: `/privacy/erase/${token}` })
    expect(page.statusCode).toBe(410)
    expect(page.body).toContain('This link has expired')
    expect((await post(`/privacy/erase/${token}`, '')).statusCode).toBe(410)
    expect((await memberByName('Late Reader')).status).toBe('active')
    await pass(ctx, viaFiles)
    expect(await linksQueuedTo('late@slow.example')).toBe(0)
    expect(
      await ctx.db
        .selectFrom('erasure_request')
        .selectAll()
        .where('email', '=', 'late@slow.example')
        .execute(),
    ).toEqual([])
    expect(filesContaining('late@slow.example')).toEqual([])
  })

  it('finishes an erasure whose .eml copies were left behind, on the next pass', async () => {
    const dir = ctx.config.mail.outboxDir
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, '2026-06-01T00-00-00-000Z-left@behind.eml')
    fs.writeFileSync(file, 'To: left.behind@copies.example\n\nA copy that survived a crash.\n')
    await ctx.db
      .insertInto('erasure_request')
      .values({
        token_hash: 'f'.repeat(64),
        email: 'left.behind@copies.example',
        requested_at: TEST_NOW,
        expires_at: TEST_NOW,
        completed_at: TEST_NOW,
      })
      .execute()
    await pass(ctx, viaFiles)
    expect(fs.existsSync(file)).toBe(false)
    const row = await ctx.db
      .selectFrom('erasure_request')
      .selectAll()
      .where('token_hash', '=', 'f'.repeat(64))
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ email: null, completed_at: TEST_NOW })
  })
})

async function linksQueuedTo(email: string): Promise<number> {
  const rows = await ctx.db
    .selectFrom('outbox_message')
    .select('id')
    .where('kind', '=', 'erasure_link')
    .where('recipients', '=', JSON.stringify([email]))
    .execute()
  return rows.length
}

async function memberByName(name: string) {
  return ctx.db.selectFrom('member').selectAll().where('name', '=', name).executeTakeFirstOrThrow()
}
