import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import type { SiteLanguage } from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { FRANCE_EMAIL, tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

const smtp = await startTestSmtpServer()
// Three weeks after TEST_NOW: the replies' dates below are in the past.
const clock = manualClock('2026-06-21T12:00:00.000Z')
const { app, ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, MISSION_DAILY_CAP: '1000' } })
const transport = transportFor(ctx)
const amara = await signInOrganizer(app, ctx, { name: 'Amara Organizer' })
const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeAll(() => setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))
beforeEach(() => smtp.reset())

const drain = () => runJobsThenDrain(ctx, transport)
let counter = 0

/** A letter to `state` written on the site in `site`, e-mailed to its mission and delivered. */
async function deliveredLetter(site: SiteLanguage, state = 'FRA') {
  counter++
  const email = `writer${counter}-${site}@example.org`
  const letter = await createLetter(
    ctx,
    {
      state,
      language: 'en',
      supporter: { name: `Writer ${counter}`, city: 'Lyon', country: 'FR', email },
      personalNote: `Paragraph ${counter}.`,
    },
    { siteLanguage: site },
  )
  await requestEmailDelivery(ctx, letter.id, {})
  const token = await tokenFromOutbox(ctx, letter.id)
  await drain()
  await confirmEmailDelivery(ctx, token)
  await drain()
  await drain()
  const row = await ctx.db
    .selectFrom('letter')
    .selectAll()
    .where('public_id', '=', letter.id)
    .executeTakeFirstOrThrow()
  expect(row.status).toBe('sent')
  smtp.reset()
  return { publicId: letter.id, id: row.id, reference: row.reference, email }
}

/** A multipart/form-data body as the reply form sends it. */
function multipart(fields: [string, string][], file?: { name: string; type: string; content: Buffer }) {
  const boundary = `----codeblue${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  const head = (name: string, extra = '') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}`
  for (const [name, value] of fields) parts.push(Buffer.from(`${head(name)}\r\n\r\n${value}\r\n`))
  if (file) {
    parts.push(
      Buffer.from(`${head('file', `; filename="${file.name}"`)}\r\nContent-Type: ${file.type}\r\n\r\n`),
    )
    parts.push(file.content, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

function postReply(
  fields: Record<string, string | string[]>,
  file?: { name: string; type: string; content: Buffer },
  session: OrganizerSession = amara,
) {
  const pairs: [string, string][] = [['_csrf', session.csrfToken]]
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, v])
  const body = multipart(pairs, file)
  return app.inject({
    method: 'POST',
    url: '/organizers/replies',
    headers: { cookie: session.cookie, 'content-type': body.contentType },
    payload: body.payload,
  })
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('a scanned note verbale\n%%EOF\n')])
const count = async (table: 'mission_reply' | 'engagement' | 'state_position' | 'outbox_message') =>
  Number(
    (
      await ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const noticesTo = (email: string) =>
  smtp.messages.filter((m) => m.envelope.to.includes(email) && !/copy|copie/i.test(m.parsed.subject))

describe('recording a mission’s reply from the organizers’ page', () => {
  it('finds a letter by its reference, records the reply with its file and position, and tells the writer once in French', async () => {
    const letter = await deliveredLetter('fr')
    const found = await app.inject({
      url: `/organizers/replies?q=${letter.reference.toLowerCase()}`,
      headers: { cookie: amara.cookie },
    })
    expect(found.statusCode).toBe(200)
    expect(found.body).toContain(`name="letters" value="${letter.reference}" checked`)

    const before = await count('engagement')
    const res = await postReply(
      {
        q: letter.reference,
        letters: letter.reference,
        receivedOn: '2026-06-10',
        channel: 'note_verbale',
        summary: 'The Mission thanks the writer and supports the Mechanism.',
        position: 'supportive',
      },
      { name: 'note <verbale>.PDF', type: 'application/octet-stream', content: PDF },
    )
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/states/fra?saved=reply#replies')
    expect(await count('engagement')).toBe(before + 1)

    const reply = await ctx.db
      .selectFrom('mission_reply')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(reply).toMatchObject({
      state_iso3: 'FRA',
      channel: 'note_verbale',
      position: 'supportive',
      file_name: 'note verbale.pdf',
      file_type: 'application/pdf',
      file_size: PDF.length,
      recorded_by_label: 'Amara Organizer',
    })
    const position = await ctx.db
      .selectFrom('state_position')
      .selectAll()
      .where('id', '=', reply.position_id as number)
      .executeTakeFirstOrThrow()
    expect(position).toMatchObject({ state_iso3: 'FRA', position: 'supportive', noted_on: '2026-06-10' })

    const [event] = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA' })
    expect(event).toMatchObject({ action: 'reply.record', actor_label: 'Amara Organizer' })
    expect(JSON.parse(event!.details)).toMatchObject({ letters: [letter.reference], writersTold: 1 })

    const desk = await app.inject({ url: '/organizers/states/fra', headers: { cookie: amara.cookie } })
    expect(desk.body).toContain('The Mission thanks the writer and supports the Mechanism.')
    expect(desk.body).toContain(`href="#reply-${reply.id}">mission’s reply received`)
    expect(desk.body).toContain(`href="/organizers/replies/${reply.id}/file"`)

    const file = await app.inject({
      url: `/organizers/replies/${reply.id}/file`,
      headers: { cookie: viewer.cookie },
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pdf')
    expect(file.headers['content-disposition']).toBe('attachment; filename="note verbale.pdf"')
    expect(file.rawPayload.equals(PDF)).toBe(true)

    // Sent by the outbox after the commit, not by the request.
    expect(noticesTo(letter.email)).toHaveLength(0)
    await drain()
    const mails = noticesTo(letter.email)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.parsed.subject).toBe(`France : la Mission a répondu à votre lettre ${letter.reference}`)
    expect(mails[0]!.parsed.text).toContain('Bonne nouvelle')
    expect(mails[0]!.parsed.text).toContain('10 juin 2026')

    // A second reply to the same letter: recorded, the writer not told again.
    const again = await postReply({
      letters: letter.reference,
      receivedOn: '2026-06-12',
      channel: 'email',
      summary: 'A follow-up.',
    })
    expect(again.statusCode).toBe(303)
    await drain()
    await drain()
    expect(noticesTo(letter.email)).toHaveLength(1)
  })

  it('finds a state’s delivered letters and answers several; writers erased or without an address get nothing', async () => {
    const chinese = await deliveredLetter('zh')
    const arabic = await deliveredLetter('ar')
    const erased = await deliveredLetter('es')
    await ctx.db
      .updateTable('letter')
      .set({ supporter_email: null, personal_data_removed_at: clock.nowIso() })
      .where('id', '=', erased.id)
      .execute()
    const page = await app.inject({ url: '/organizers/replies?q=fra', headers: { cookie: amara.cookie } })
    expect(page.statusCode).toBe(200)
    for (const l of [chinese, arabic, erased])
      expect(page.body).toContain(`name="letters" value="${l.reference}"`)
    expect(page.body).not.toContain(`value="${chinese.reference}" checked`)

    const res = await postReply({
      letters: [chinese.reference, arabic.reference, erased.reference],
      receivedOn: '2026-06-11',
      channel: 'letter',
      summary: 'One letter from the Ambassador answering three writers.',
    })
    expect(res.statusCode).toBe(303)
    const reply = await ctx.db
      .selectFrom('mission_reply')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(reply.position).toBeNull()
    expect(reply.position_id).toBeNull()
    const answered = await ctx.db
      .selectFrom('mission_reply_letter')
      .select('letter_id')
      .where('reply_id', '=', reply.id)
      .execute()
    expect(answered.map((r) => r.letter_id).sort()).toEqual([chinese.id, arabic.id, erased.id].sort())
    await drain()
    expect(noticesTo(chinese.email)).toHaveLength(1)
    expect(noticesTo(chinese.email)[0]!.parsed.subject).toContain('代表团已回复您的信件')
    expect(noticesTo(arabic.email)).toHaveLength(1)
    expect(noticesTo(arabic.email)[0]!.parsed.subject).toContain('ردّت بعثة')
    expect(noticesTo(erased.email)).toHaveLength(0)
    const erasedNotices = await ctx.db
      .selectFrom('outbox_message')
      .select('id')
      .where('letter_id', '=', erased.id)
      .where('kind', '=', 'reply_notice')
      .execute()
    expect(erasedNotices).toHaveLength(0)
  })

  it('names each field at fault (422) and stores nothing', async () => {
    const letter = await deliveredLetter('en')
    const before = { replies: await count('mission_reply'), outbox: await count('outbox_message') }
    const res = await postReply(
      {
        q: letter.reference,
        letters: letter.reference,
        receivedOn: '2026-02-30',
        channel: 'fax',
        summary: '',
      },
      { name: 'evil.pdf', type: 'application/pdf', content: Buffer.from('<script>alert(1)</script>') },
    )
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('The date the reply was received must be a real date written YYYY-MM-DD.')
    expect(res.body).toContain('Choose how the reply came.')
    expect(res.body).toContain('Summarize what the reply says.')
    expect(res.body).toContain('The attachment must be a PDF, PNG or JPEG file.')

    const unknown = await postReply({
      letters: 'CB-ZZZZZZ',
      receivedOn: '2026-06-10',
      channel: 'email',
      summary: 'x',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.body).toContain('No letter has the reference CB-ZZZZZZ.')
    const malformed = await postReply({
      letters: 'hello',
      receivedOn: '2026-06-10',
      channel: 'email',
      summary: 'x',
    })
    expect(malformed.body).toContain('Not a letter’s reference code (CB- and six letters or digits): HELLO.')

    // A letter to another state (a draft will do: recording goes by reference).
    const kenya = await createLetter(ctx, {
      state: 'KEN',
      language: 'en',
      supporter: { name: 'Writer to Kenya', city: 'Lyon', country: 'FR', email: 'kenya@example.org' },
    })
    const mixed = await postReply({
      letters: [letter.reference, kenya.reference],
      receivedOn: '2026-06-10',
      channel: 'email',
      summary: 'x',
    })
    expect(mixed.statusCode).toBe(422)
    expect(mixed.body).toContain('A reply comes from one mission: these letters went to')
    expect(await count('mission_reply')).toBe(before.replies)
    expect(await count('outbox_message')).toBe(before.outbox)
  })

  it('refuses a viewer the page and a form without its CSRF token', async () => {
    const page = await app.inject({ url: '/organizers/replies', headers: { cookie: viewer.cookie } })
    expect(page.statusCode).toBe(403)
    const body = multipart([['letters', 'CB-ZZZZZZ']])
    const noToken = await app.inject({
      method: 'POST',
      url: '/organizers/replies',
      headers: { cookie: amara.cookie, 'content-type': body.contentType },
      payload: body.payload,
    })
    expect(noToken.statusCode).toBe(403)
  })
})

describe('publishing a state’s position', () => {
  const publish = (iso3: string, published: '0' | '1', session: OrganizerSession = amara) =>
    app.inject({
      method: 'POST',
      url: `/organizers/states/${iso3}/position-publication`,
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(session.csrfToken)}&published=${published}`,
    })
  const kenyaRow = (html: string) => {
    const at = html.indexOf('href="/states/ken"', html.indexOf('coverage-table'))
    return html.slice(at, html.indexOf('</tr>', at))
  }

  it('shows a position on /progress and /api/coverage only while it is published, audited', async () => {
    await ctx.db
      .insertInto('state_position')
      .values({
        state_iso3: 'KEN',
        position: 'committed',
        noted_on: '2026-06-01',
        note: '',
        organizer_id: amara.organizer.id,
        created_at: clock.nowIso(),
      })
      .execute()
    const kenyaApi = async () =>
      (await app.inject({ url: '/api/coverage' }))
        .json()
        .states.find((s: { iso3: string }) => s.iso3 === 'KEN')
    expect(kenyaRow((await app.inject({ url: '/progress' })).body)).not.toContain('coverage-table__position')
    expect((await kenyaApi()).position).toBe('unknown')

    expect((await publish('ken', '1', viewer)).statusCode).toBe(403)
    const done = await publish('ken', '1')
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/organizers/states/ken?saved=published#position')
    expect(kenyaRow((await app.inject({ url: '/progress' })).body)).toContain(
      '<span class="coverage-table__position">Committed</span>',
    )
    expect((await kenyaApi()).position).toBe('committed')
    const fr = await app.inject({ url: '/progress', headers: { cookie: 'code_blue_lang=fr' } })
    expect(fr.statusCode).toBe(200)

    expect((await publish('ken', '0')).statusCode).toBe(303)
    expect(kenyaRow((await app.inject({ url: '/progress' })).body)).not.toContain('coverage-table__position')
    expect((await kenyaApi()).position).toBe('unknown')
    const events = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'KEN' })
    expect(events.map((e) => e.action).slice(0, 2)).toEqual(['position.unpublish', 'position.publish'])
  })
})

describe('POST /api/letters/:id/replies', () => {
  const post = (id: string, payload: unknown, headers = amara.apiHeaders) =>
    app.inject({ method: 'POST', url: `/api/letters/${id}/replies`, headers, payload: payload as object })

  it('records the reply (201) and tells the writer once, in the language of their letter', async () => {
    const letter = await deliveredLetter('ru')
    const res = await post(letter.publicId, {
      receivedOn: '2026-06-09',
      channel: 'email',
      summary: 'Acknowledged with thanks.',
      position: 'undecided',
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      iso3: 'FRA',
      receivedOn: '2026-06-09',
      channel: 'email',
      position: 'undecided',
      letters: [letter.reference],
      file: null,
      recordedBy: 'Amara Organizer',
      writersTold: 1,
    })
    await drain()
    const mails = noticesTo(letter.email)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.parsed.subject).toBe(`Пришёл ответ на ваше письмо ${letter.reference} (Франция)`)
    const again = await post(letter.publicId, {
      receivedOn: '2026-06-10',
      channel: 'phone',
      summary: 'Again.',
    })
    expect(again.json().writersTold).toBe(0)
  })

  it('sends nothing to a writer erased between the reply and the sending', async () => {
    const letter = await deliveredLetter('es')
    const res = await post(letter.publicId, {
      receivedOn: '2026-06-09',
      channel: 'letter',
      summary: 'Thanks.',
    })
    expect(res.json().writersTold).toBe(1)
    await ctx.db
      .updateTable('letter')
      .set({ supporter_email: null, personal_data_removed_at: clock.nowIso() })
      .where('id', '=', letter.id)
      .execute()
    await drain()
    expect(noticesTo(letter.email)).toHaveLength(0)
    const notice = await ctx.db
      .selectFrom('outbox_message')
      .select(['status', 'last_response'])
      .where('letter_id', '=', letter.id)
      .where('kind', '=', 'reply_notice')
      .executeTakeFirstOrThrow()
    expect(notice.status).toBe('failed')
    expect(notice.last_response).toContain("the writer's personal data was erased")
  })

  it('answers 400 naming the field, 401, 403 and 404', async () => {
    const letter = await deliveredLetter('en')
    const noSummary = await post(letter.publicId, {
      receivedOn: '2026-06-09',
      channel: 'email',
      summary: ' ',
    })
    expect(noSummary.statusCode).toBe(400)
    expect(noSummary.json().field).toBe('summary')
    const future = await post(letter.publicId, { receivedOn: '2026-07-01', channel: 'email', summary: 'x' })
    expect(future.statusCode).toBe(400)
    expect(future.json().field).toBe('receivedOn')
    const badChannel = await post(letter.publicId, {
      receivedOn: '2026-06-09',
      channel: 'pigeon',
      summary: 'x',
    })
    expect(badChannel.statusCode).toBe(400)
    expect(badChannel.json().field).toBe('channel')
    expect(
      (await post(letter.publicId, { receivedOn: '2026-06-09', channel: 'email', summary: 'x' }, {}))
        .statusCode,
    ).toBe(401)
    expect(
      (
        await post(
          letter.publicId,
          { receivedOn: '2026-06-09', channel: 'email', summary: 'x' },
          { cookie: amara.cookie },
        )
      ).statusCode,
    ).toBe(403)
    expect(
      (
        await post(
          letter.publicId,
          { receivedOn: '2026-06-09', channel: 'email', summary: 'x' },
          viewer.apiHeaders,
        )
      ).statusCode,
    ).toBe(403)
    const unknownId = letter.publicId.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))
    const missing = await post(unknownId, { receivedOn: '2026-06-09', channel: 'email', summary: 'x' })
    expect(missing.statusCode).toBe(404)
    expect(await count('mission_reply')).toBeGreaterThan(0)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json()
    expect(doc.paths['/api/letters/{id}/replies'].post.responses).toHaveProperty('201')
  })
})

describe('POST /api/replies (one reply, several letters, a file)', () => {
  const post = (payload: unknown, headers = amara.apiHeaders) =>
    app.inject({ method: 'POST', url: '/api/replies', headers, payload: payload as object })
  const PNG = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('a photographed note'),
  ])

  it('records one reply against letters found by reference, with the file the page would take, and tells each writer once', async () => {
    const first = await deliveredLetter('fr')
    const second = await deliveredLetter('ar')
    const res = await post({
      letters: [second.reference.toLowerCase(), first.reference],
      receivedOn: '2026-06-12',
      channel: 'note_verbale',
      summary: 'The Mission thanks the writers and supports the proposal.',
      position: 'supportive',
      file: { name: 'C:\\scans\\note verbale.PDF', contentBase64: PDF.toString('base64') },
    })
    expect(res.statusCode).toBe(201)
    const recorded = res.json()
    expect(recorded).toMatchObject({
      iso3: 'FRA',
      channel: 'note_verbale',
      position: 'supportive',
      letters: [first.reference, second.reference].sort(),
      file: { name: 'note verbale.pdf', type: 'application/pdf', size: PDF.length },
      writersTold: 2,
    })
    const file = await app.inject({
      url: `/organizers/replies/${recorded.id}/file`,
      headers: { cookie: amara.cookie },
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pdf')
    expect(file.rawPayload.equals(PDF)).toBe(true)
    await drain()
    expect(noticesTo(first.email)).toHaveLength(1)
    expect(noticesTo(second.email)).toHaveLength(1)
    const events = await listAuditEvents(ctx.db, { subjectType: 'state', subjectId: 'FRA' })
    expect(events[0]).toMatchObject({ action: 'reply.record' })
  })

  it('takes a file on POST /api/letters/:id/replies too, its type read from its first bytes', async () => {
    const letter = await deliveredLetter('en')
    const res = await app.inject({
      method: 'POST',
      url: `/api/letters/${letter.publicId}/replies`,
      headers: amara.apiHeaders,
      payload: {
        receivedOn: '2026-06-12',
        channel: 'letter',
        summary: 'A letter came back.',
        // A PNG named as a PDF: stored as what its bytes are.
        file: { name: 'reply.pdf', contentBase64: PNG.toString('base64') },
      },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().file).toEqual({ name: 'reply.png', type: 'image/png', size: PNG.length })
  })

  it('answers 400 naming the field at fault and stores nothing', async () => {
    const letter = await deliveredLetter('en')
    const elsewhere = await createLetter(ctx, {
      state: 'KEN',
      language: 'en',
      supporter: { name: 'Wanjiru', city: 'Nairobi', country: 'KE' },
    })
    const kenya = await ctx.db
      .selectFrom('letter')
      .select('reference')
      .where('public_id', '=', elsewhere.id)
      .executeTakeFirstOrThrow()
    const base = { letters: [letter.reference], receivedOn: '2026-06-12', channel: 'email', summary: 'Yes.' }
    const oversize = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)
    PDF.copy(oversize)
    const cases: [string, unknown][] = [
      ['letters', { ...base, letters: [] }],
      ['letters', { ...base, letters: ['CB-NOPE'] }],
      ['letters', { ...base, letters: ['CB-ZZZZZZ'] }],
      ['letters', { ...base, letters: [letter.reference, kenya.reference] }],
      ['letters', { ...base, letters: 'CB-ZZZZZZ' }],
      ['summary', { ...base, summary: '' }],
      [
        'file',
        { ...base, file: { name: 'x.pdf', contentBase64: Buffer.from('GIF89a...').toString('base64') } },
      ],
      ['file', { ...base, file: { name: 'x.pdf', contentBase64: 'not base64 at all!' } }],
      ['file', { ...base, file: { name: 'x.pdf', contentBase64: '' } }],
      ['file', { ...base, file: { name: 'x.pdf' } }],
      ['file', { ...base, file: 'JVBERi0=' }],
      ['file', { ...base, file: { name: 'big.pdf', contentBase64: oversize.toString('base64') } }],
      // Larger than the body may be: still named as the file at fault.
      ['file', { ...base, file: { name: 'huge.pdf', contentBase64: 'A'.repeat(9 * 1024 * 1024) } }],
    ]
    const before = await count('mission_reply')
    for (const [field, payload] of cases) {
      const res = await post(payload)
      expect(res.statusCode, JSON.stringify(payload).slice(0, 200)).toBe(400)
      expect(res.json().field, JSON.stringify(payload).slice(0, 200)).toBe(field)
    }
    expect(await count('mission_reply')).toBe(before)
    expect((await post(base, {})).statusCode).toBe(401)
    expect((await post(base, viewer.apiHeaders)).statusCode).toBe(403)
  })

  it('is in the OpenAPI document, with the file', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json()
    const operation = doc.paths['/api/replies'].post
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']))
    const body = operation.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['letters', 'file']))
    const single = doc.paths['/api/letters/{id}/replies'].post.requestBody.content['application/json'].schema
    expect(Object.keys(single.properties)).toContain('file')
  })
})
