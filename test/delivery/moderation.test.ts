import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { setAskModeration } from '../../src/asks/index.js'
import type { AskModeration } from '../../src/db/schema.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { applyRetention } from '../../src/delivery/retention.js'
import type { SiteLanguage } from '../../src/i18n/index.js'
import { canBecome } from '../../src/letters/letter-states.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { FRANCE_EMAIL, tokenFromOutbox, transportFor } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission, UNITED_STATES } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfText } from '../helpers/pdf-text.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'

// Moderation (issue 18, item 3): the rule at confirmation, the review queue's decisions through the
// API and the pages, the word list, and that a held or refused letter never reaches the outbox nor
// counts as e-mailed. Real SMTP on loopback; PostgreSQL too under TEST_ENGINE=postgres.

const smtp = await startTestSmtpServer()
const clock = manualClock('2026-06-01T12:00:00.000Z')
const { app, ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, MISSION_DAILY_CAP: '1000' } })
const transport = transportFor(ctx)
const reviewer = await signInOrganizer(app, ctx, { name: 'Rui Reviewer' })
const viewer = await signInOrganizer(app, ctx, { role: 'viewer' })
const US_EMAIL = 'usa@un.int'
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeAll(async () => {
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  await setMission(ctx, 'USA', { ...UNITED_STATES, emails: [US_EMAIL] })
})
beforeEach(() => smtp.reset())

const drain = async () => {
  await runJobsThenDrain(ctx, transport)
  await runJobsThenDrain(ctx, transport)
}
let counter = 0

/** The ask every letter here is written within (the first, made by migration 0019). */
async function firstAskId(): Promise<number> {
  return (await ctx.db.selectFrom('ask').select('id').orderBy('id').executeTakeFirstOrThrow()).id
}
const moderate = async (moderation: AskModeration) =>
  setAskModeration(ctx, SHELL_ACTOR, await firstAskId(), moderation)

interface Written {
  publicId: string
  token: string
  email: string
}

/** A letter asked to be e-mailed; its confirmation e-mail sent. Confirm with confirm(). */
async function writeLetter(
  options: {
    state?: string
    email?: string
    note?: string | null
    organization?: string
    site?: SiteLanguage
  } = {},
): Promise<Written> {
  counter++
  const email = options.email ?? `writer${counter}@example.org`
  const letter = await createLetter(
    ctx,
    {
      state: options.state ?? 'FRA',
      language: 'en',
      supporter: {
        name: `Writer ${counter}`,
        city: 'Lyon',
        country: 'FR',
        email,
        ...(options.organization ? { organization: options.organization } : {}),
      },
      ...(options.note === null ? {} : { personalNote: options.note ?? `My own paragraph ${counter}.` }),
    },
    { siteLanguage: options.site ?? 'en' },
  )
  await requestEmailDelivery(ctx, letter.id, {})
  const token = await tokenFromOutbox(ctx, letter.id)
  await runJobsThenDrain(ctx, transport)
  return { publicId: letter.id, token, email }
}

async function confirmed(options: Parameters<typeof writeLetter>[0] = {}) {
  const written = await writeLetter(options)
  const letter = await confirmEmailDelivery(ctx, written.token)
  return { ...written, id: letter.id, reference: letter.reference, status: letter.status }
}

const letterRow = (publicId: string) =>
  ctx.db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirstOrThrow()
const missionMessagesOf = async (letterId: number) =>
  ctx.db
    .selectFrom('outbox_message')
    .select(['kind', 'status'])
    .where('letter_id', '=', letterId)
    .where('kind', 'in', ['mission_letter', 'supporter_copy'])
    .execute()
const stats = (iso3: string) =>
  ctx.db.selectFrom('state_letter_stats').selectAll().where('state_iso3', '=', iso3).executeTakeFirst()
const reviewOf = (letterId: number) =>
  ctx.db.selectFrom('letter_review').selectAll().where('letter_id', '=', letterId).executeTakeFirstOrThrow()
const auditOf = (action: string, subjectId: string) =>
  ctx.db
    .selectFrom('audit_event')
    .selectAll()
    .where('action', '=', action)
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute()
/** The messages the mission's server received about the letter `reference`. */
const toMissionAbout = (reference: string, address = FRANCE_EMAIL) =>
  smtp.messages.filter(
    (m) =>
      m.envelope.to.includes(address) &&
      [m.parsed.subject, m.parsed.text, ...m.parsed.attachments.map((a) => a.filename)].some((t) =>
        t.includes(reference),
      ),
  )
/** Everything queued so far sent, and the SMTP server's memory cleared. */
const settle = async () => {
  await drain()
  smtp.reset()
}
const decide = (publicId: string, body: object, headers = reviewer.apiHeaders) =>
  app.inject({ method: 'POST', url: `/api/review/${publicId}`, headers, payload: body })

describe('the life of a letter under review', () => {
  it('lets a confirmation become held, a held letter queued or rejected, and nothing follow a refusal', () => {
    expect(canBecome('awaiting_confirmation', 'held')).toBe(true)
    expect(canBecome('held', 'queued')).toBe(true)
    expect(canBecome('held', 'rejected')).toBe(true)
    expect(canBecome('held', 'sending')).toBe(false)
    expect(canBecome('draft', 'held')).toBe(false)
    for (const to of ['queued', 'sending', 'sent', 'held', 'draft'] as const)
      expect(canBecome('rejected', to)).toBe(false)
  })
})

describe('the rule at confirmation', () => {
  it('none (the default): a first-time writer’s letter goes to the outbox', async () => {
    await moderate('none')
    const letter = await confirmed()
    expect(letter.status).toBe('queued')
  })

  it('first_time: holds a first-time writer, out of the outbox and the e-mailed count, and says so', async () => {
    await moderate('first_time')
    const before = (await stats('FRA'))?.emailed ?? 0
    const written = await writeLetter()
    const confirmPage = await app.inject({ url: `/confirm/${written.token}` })
    expect(confirmPage.statusCode).toBe(200)
    expect(confirmPage.body).toContain('the campaign team will read it')

    const letter = await confirmEmailDelivery(ctx, written.token)
    expect(letter.status).toBe('held')
    expect(await missionMessagesOf(letter.id)).toEqual([])
    expect((await stats('FRA'))?.emailed ?? 0).toBe(before)
    expect(await reviewOf(letter.id)).toMatchObject({ held_because: 'first_time', outcome: null })

    // The link, used again, says what became of it.
    const again = await app.inject({ url: `/confirm/${written.token}` })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('the campaign reads it before it goes to the mission')
    const page = await app.inject({ url: `/letters/${written.publicId}` })
    expect(page.body).toContain('Your letter is being reviewed by the campaign team')
    expect(page.body).not.toContain('action="/letters/') // no "e-mail it" form offered again
    await drain()
    expect(toMissionAbout(letter.reference)).toEqual([])
    expect((await letterRow(written.publicId)).status).toBe('held')
  })

  it('first_time: a writer whose earlier letter was sent is not held', async () => {
    await moderate('none')
    const email = `returning${Date.now()}@example.org`
    await confirmed({ email, state: 'USA' })
    await drain()
    await moderate('first_time')
    const second = await confirmed({ email: email.toUpperCase(), state: 'FRA' })
    expect(second.status).toBe('queued')
  })

  it('first_time: a letter still held or refused does not make its writer a returning one', async () => {
    await moderate('first_time')
    const email = `twice${Date.now()}@example.org`
    const first = await confirmed({ email, state: 'USA' })
    expect(first.status).toBe('held')
    const second = await confirmed({ email, state: 'FRA' })
    expect(second.status).toBe('held')
  })

  it('all: holds a returning writer too, but never a letter without a personal paragraph', async () => {
    await moderate('none')
    const email = `all${Date.now()}@example.org`
    await confirmed({ email, state: 'USA' })
    await drain()
    await moderate('all')
    const held = await confirmed({ email, state: 'FRA' })
    expect(held.status).toBe('held')
    expect(await reviewOf(held.id)).toMatchObject({ held_because: 'all' })
    const plain = await confirmed({ note: null })
    expect(plain.status).toBe('queued')
  })

  it('a listed word holds whatever the moderation: an Arabic term in the paragraph, a Chinese one in the organisation', async () => {
    await moderate('none')
    const arabic = await addTermByApiLikeForm('حرب')
    const chinese = await addTermByApiLikeForm('诈骗')
    try {
      const a = await confirmed({ note: 'لا نريد حرب جديدة في العالم' })
      expect(a.status).toBe('held')
      expect(await reviewOf(a.id)).toMatchObject({
        held_because: 'term',
        held_terms: JSON.stringify(['حرب']),
      })
      const c = await confirmed({ organization: '反诈骗协会' })
      expect(c.status).toBe('held')
      expect(JSON.parse((await reviewOf(c.id)).held_terms ?? '[]')).toEqual(['诈骗'])
      // Whole words only in Arabic: a longer word carrying the letters is not the term.
      const longer = await confirmed({ note: 'لا نريد الحربية' })
      expect(longer.status).toBe('queued')
    } finally {
      await removeTermByForm(arabic)
      await removeTermByForm(chinese)
    }
  })
})

async function addTermByApiLikeForm(term: string): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/organizers/review/terms',
    headers: { cookie: reviewer.cookie },
    payload: { _csrf: reviewer.csrfToken, term },
  })
  expect(res.statusCode).toBe(303)
  const row = await ctx.db
    .selectFrom('moderation_term')
    .selectAll()
    .where('term', '=', term)
    .executeTakeFirstOrThrow()
  return row.id
}

async function removeTermByForm(id: number): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/organizers/review/terms/${id}/delete`,
    headers: { cookie: reviewer.cookie },
    payload: { _csrf: reviewer.csrfToken },
  })
  expect(res.statusCode).toBe(303)
}

describe('the review queue', () => {
  it('lists held letters oldest first, with why and the typed text, to organizers with letters.review only', async () => {
    await moderate('first_time')
    const older = await confirmed({ note: 'An older paragraph.' })
    clock.advance(60_000)
    const newer = await confirmed({ note: 'A newer paragraph.' })
    const res = await app.inject({ url: '/api/review', headers: { cookie: reviewer.cookie } })
    expect(res.statusCode).toBe(200)
    const body = res.json() as { total: number; letters: { id: string; heldBecause: string }[] }
    const ids = body.letters.map((l) => l.id)
    expect(ids.indexOf(older.publicId)).toBeLessThan(ids.indexOf(newer.publicId))
    expect(body.letters.find((l) => l.id === newer.publicId)).toMatchObject({
      heldBecause: 'first_time',
      personalNoteLines: ['A newer paragraph.'],
    })
    expect(body.total).toBeGreaterThanOrEqual(2)

    const page = await app.inject({ url: '/organizers/review', headers: { cookie: reviewer.cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(newer.reference)
    expect(page.body).toContain('First-time writer')

    expect((await app.inject({ url: '/api/review' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/api/review', headers: { cookie: viewer.cookie } })).statusCode).toBe(
      403,
    )
    expect(
      (await app.inject({ url: '/organizers/review', headers: { cookie: viewer.cookie } })).statusCode,
    ).toBe(403)
  })

  it('approve: the letter is queued as a confirmation would, reaches the mission, and the decision is audited', async () => {
    await moderate('first_time')
    const held = await confirmed()
    const res = await decide(held.publicId, { decision: 'approve' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ outcome: 'approved', status: 'queued' })
    expect(await reviewOf(held.id)).toMatchObject({
      outcome: 'approved',
      decided_by: reviewer.organizer.id,
      decided_by_label: 'Rui Reviewer',
    })
    await drain()
    expect((await letterRow(held.publicId)).status).toBe('sent')
    expect(toMissionAbout(held.reference)).toHaveLength(1)
    const audit = await auditOf('letter.review.approve', held.reference)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ organizer_id: reviewer.organizer.id })
    // Now a returning writer: the next letter from the same address goes straight out.
    const next = await confirmed({ email: held.email, state: 'USA' })
    expect(next.status).toBe('queued')
  })

  it('reject (from the page): never sent, not counted, the writer told in their language, the reason on the letter’s page', async () => {
    await moderate('first_time')
    const held = await confirmed({ site: 'fr' })
    await settle()
    const before = await stats('FRA')
    const res = await app.inject({
      method: 'POST',
      url: `/organizers/review/${held.publicId}`,
      headers: { cookie: reviewer.cookie },
      payload: {
        _csrf: reviewer.csrfToken,
        decision: 'reject',
        reason: 'Le paragraphe met en cause une personne.',
      },
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/organizers/review?done=rejected')
    const row = await letterRow(held.publicId)
    expect(row.status).toBe('rejected')
    await drain()
    expect(toMissionAbout(held.reference)).toEqual([])
    expect(await missionMessagesOf(row.id)).toEqual([])
    const after = await stats('FRA')
    expect(after?.emailed).toBe(before?.emailed)
    expect(after?.delivered).toBe(before?.delivered)

    const told = smtp.messages.filter((m) => m.envelope.to.includes(held.email))
    expect(told).toHaveLength(1)
    expect(told[0]!.parsed.subject).toContain('n’a pas été envoyée')
    expect(told[0]!.parsed.text).toContain('Le paragraphe met en cause une personne.')
    expect(told[0]!.parsed.text).toContain(`/letters/${held.publicId}`)

    const page = await app.inject({ url: `/letters/${held.publicId}?lang=en` })
    expect(page.body).toContain('decided not to send this letter')
    expect(page.body).toContain('Le paragraphe met en cause une personne.')
    expect(await auditOf('letter.review.reject', held.reference)).toHaveLength(1)
  })

  it('re-shows the queue with the field at fault when a refusal has no reason (422), changing nothing', async () => {
    await moderate('all')
    const held = await confirmed()
    const res = await app.inject({
      method: 'POST',
      url: `/organizers/review/${held.publicId}`,
      headers: { cookie: reviewer.cookie },
      payload: { _csrf: reviewer.csrfToken, decision: 'reject', reason: ' ' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain(`id="reason-${held.publicId}-error"`)
    expect(res.body).toContain('a letter is never refused without one')
    expect((await letterRow(held.publicId)).status).toBe('held')
    const noToken = await app.inject({
      method: 'POST',
      url: `/organizers/review/${held.publicId}`,
      headers: { cookie: reviewer.cookie },
      payload: { decision: 'approve' },
    })
    expect(noToken.statusCode).toBe(403)
    expect((await letterRow(held.publicId)).status).toBe('held')
  })

  it('edit: the line is taken out of the document, kept in the review, the writer told, then sent', async () => {
    await moderate('all')
    const held = await confirmed({ note: 'I support the Mechanism.\nThe minister is a crook.\n\nThank you.' })
    const res = await decide(held.publicId, { decision: 'edit', removeLines: [1], reason: 'No accusations.' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      outcome: 'edited',
      status: 'queued',
      removedLines: ['The minister is a crook.'],
    })
    const row = await letterRow(held.publicId)
    expect(row.personal_note).toBe('I support the Mechanism.\n\nThank you.')
    const doc = JSON.parse(row.document) as { paragraphs: string[] }
    expect(doc.paragraphs.join('\n')).not.toContain('crook')
    expect(doc.paragraphs).toContain('I support the Mechanism.')
    expect(doc.paragraphs).toContain('Thank you.')
    expect(await reviewOf(row.id)).toMatchObject({
      outcome: 'edited',
      removed_lines: JSON.stringify(['The minister is a crook.']),
      reason: 'No accusations.',
    })
    await drain()
    const toMission = toMissionAbout(held.reference)
    expect(toMission).toHaveLength(1)
    expect(toMission[0]!.parsed.text).not.toContain('crook')
    // The PDF the mission receives is drawn from the edited document.
    const pdf = toMission[0]!.parsed.attachments.find((a) => a.contentType === 'application/pdf')
    const printed = await pdfText(pdf!.content)
    expect(printed).toContain('I support the Mechanism.')
    expect(printed).not.toContain('crook')
    const notice = smtp.messages.find(
      (m) => m.envelope.to.includes(held.email) && /one change/.test(m.parsed.subject),
    )
    expect(notice?.parsed.text).toContain('The minister is a crook.')
    expect(await auditOf('letter.review.edit', held.reference)).toHaveLength(1)
  })
})

describe('the writer’s e-mails about a review, in the six languages', () => {
  it('words the refusal and the edit in the site language of the letter, each its own text', async () => {
    await moderate('all')
    const subjects = new Map<string, string>()
    for (const site of ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const) {
      const refused = await confirmed({ site, note: 'Line one.' })
      const edited = await confirmed({ site, note: 'Line one.\nLine two to go.', state: 'USA' })
      await settle()
      expect(
        (await decide(refused.publicId, { decision: 'reject', reason: `Reason ${site}` })).statusCode,
      ).toBe(200)
      expect((await decide(edited.publicId, { decision: 'edit', removeLines: [1] })).statusCode).toBe(200)
      await drain()
      const rejection = smtp.messages.find((m) => m.envelope.to.includes(refused.email))
      const edit = smtp.messages.find(
        (m) => m.envelope.to.includes(edited.email) && !m.parsed.subject.startsWith('Delivered'),
      )
      expect(rejection?.parsed.text).toContain(`Reason ${site}`)
      expect(rejection?.parsed.subject).toContain(refused.reference)
      expect(edit?.parsed.text).toContain('Line two to go.')
      expect(edit?.parsed.subject).toContain(edited.reference)
      for (const mail of [rejection!, edit!]) {
        expect(mail.parsed.text).not.toMatch(/review\.mail|\{\w+\}/)
        subjects.set(
          `${site} ${mail === rejection ? 'rejected' : 'edited'}`,
          mail.parsed.subject.replace(/CB-\w+/, ''),
        )
      }
    }
    // Twelve different subjects: no language falls back on another's words.
    expect(new Set(subjects.values()).size).toBe(12)
  })
})

describe('erasure', () => {
  it('erases the words taken out at review with the writer’s letters, keeping the decision', async () => {
    await moderate('all')
    const held = await confirmed({ note: 'Keep this.\nTake out this unmistakable line.' })
    expect((await decide(held.publicId, { decision: 'edit', removeLines: [1] })).statusCode).toBe(200)
    await settle()
    const asked = await app.inject({
      method: 'POST',
      url: '/privacy/erase',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${encodeURIComponent(held.email)}`,
    })
    expect(asked.statusCode).toBe(303)
    await drain()
    const mail = smtp.messages.find((m) => m.envelope.to.includes(held.email))
    const token = /\/privacy\/erase\/([A-Za-z0-9_-]{43})/.exec(mail?.parsed.text ?? '')?.[1]
    expect(token, mail?.parsed.text).toBeTruthy()
    const erased = await app.inject({
      method: 'POST',
      url: `/privacy/erase/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    })
    expect(erased.statusCode).toBe(303)
    const review = await reviewOf(held.id)
    expect(review.removed_lines).toBeNull()
    expect(review.outcome).toBe('edited')
  })
})

describe('retention', () => {
  it('takes the words removed at review with the paragraph, a year after delivery', async () => {
    await moderate('all')
    const held = await confirmed({ note: 'Stays a while.\nRemoved at review.' })
    expect((await decide(held.publicId, { decision: 'edit', removeLines: [1] })).statusCode).toBe(200)
    await drain()
    expect((await letterRow(held.publicId)).status).toBe('sent')
    clock.advance(400 * 86_400_000)
    try {
      while ((await applyRetention(ctx)) > 0);
      expect((await letterRow(held.publicId)).personal_note).toBeNull()
      expect(await reviewOf(held.id)).toMatchObject({ removed_lines: null, outcome: 'edited' })
    } finally {
      clock.set('2026-06-01T12:00:00.000Z')
    }
  })
})

describe('POST /api/review/:id refuses what it cannot do, naming the field or id', () => {
  it('400 for a missing or unknown decision, a refusal without reason, lines that are not there', async () => {
    await moderate('all')
    const held = await confirmed({ note: 'One line.' })
    const missing = await decide(held.publicId, {})
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('decision')
    const unknown = await decide(held.publicId, { decision: 'maybe' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('decision')
    const noReason = await decide(held.publicId, { decision: 'reject', reason: '  ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json()).toMatchObject({ field: 'reason' })
    const noLine = await decide(held.publicId, { decision: 'edit', removeLines: [5] })
    expect(noLine.statusCode).toBe(400)
    expect(noLine.json()).toMatchObject({ field: 'removeLines' })
    const none = await decide(held.publicId, { decision: 'edit', removeLines: [] })
    expect(none.statusCode).toBe(400)
    // Nothing changed by the refusals.
    expect((await letterRow(held.publicId)).status).toBe('held')
    expect((await reviewOf(held.id)).outcome).toBeNull()
  })

  it('404 for no such letter, 409 for a letter not held or decided already, 401/403 without the permission', async () => {
    const notThere = await decide('a'.repeat(22), { decision: 'approve' })
    expect([400, 404]).toContain(notThere.statusCode)
    const realShape = await ctx.db.selectFrom('letter').select('public_id').executeTakeFirstOrThrow()
    const ghost = `${realShape.public_id.slice(0, -1)}${realShape.public_id.endsWith('x') ? 'y' : 'x'}`
    const ghostRes = await decide(ghost, { decision: 'approve' })
    expect(ghostRes.statusCode).toBe(404)
    expect(ghostRes.body).toContain(ghost)

    await moderate('none')
    const queued = await confirmed()
    const conflict = await decide(queued.publicId, { decision: 'approve' })
    expect(conflict.statusCode).toBe(409)
    expect(conflict.body).toContain(queued.reference)

    await moderate('all')
    const held = await confirmed()
    expect((await decide(held.publicId, { decision: 'approve' })).statusCode).toBe(200)
    expect((await decide(held.publicId, { decision: 'reject', reason: 'late' })).statusCode).toBe(409)
    expect(await auditOf('letter.review.approve', held.reference)).toHaveLength(1)

    const other = await confirmed()
    const anonymous = await app.inject({
      method: 'POST',
      url: `/api/review/${other.publicId}`,
      payload: { decision: 'approve' },
    })
    expect(anonymous.statusCode).toBe(401)
    expect((await decide(other.publicId, { decision: 'approve' }, viewer.apiHeaders)).statusCode).toBe(403)
    expect((await letterRow(other.publicId)).status).toBe('held')
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, object> }
    expect(Object.keys(doc.paths['/api/review'] ?? {})).toContain('get')
    expect(Object.keys(doc.paths['/api/review/{id}'] ?? {})).toContain('post')
  })
})

describe('the word list and the ask’s moderation, audited', () => {
  it('adds a term once whatever its case or width, and removes it, each in the audit log', async () => {
    const id = await addTermByApiLikeForm('Fraud')
    expect(await auditOf('moderation.term.add', String(id))).toHaveLength(1)
    const again = await app.inject({
      method: 'POST',
      url: '/organizers/review/terms',
      headers: { cookie: reviewer.cookie },
      payload: { _csrf: reviewer.csrfToken, term: 'ＦＲＡＵＤ' },
    })
    expect(again.statusCode).toBe(409)
    const empty = await app.inject({
      method: 'POST',
      url: '/organizers/review/terms',
      headers: { cookie: reviewer.cookie },
      payload: { _csrf: reviewer.csrfToken, term: '   ' },
    })
    expect(empty.statusCode).toBe(422)
    await removeTermByForm(id)
    expect(await auditOf('moderation.term.remove', String(id))).toHaveLength(1)
    expect(await ctx.db.selectFrom('moderation_term').selectAll().where('id', '=', id).execute()).toEqual([])
  })

  it('sets an ask’s moderation from its edit page, audited; an unknown choice is refused', async () => {
    const coordinator = await signInOrganizer(app, ctx, { role: 'coordinator' })
    const askId = await firstAskId()
    await moderate('none')
    const edit = await app.inject({
      url: `/organizers/asks/${askId}/edit`,
      headers: { cookie: coordinator.cookie },
    })
    expect(edit.statusCode).toBe(200)
    expect(edit.body).toContain('name="moderation" value="first_time"')
    const res = await app.inject({
      method: 'POST',
      url: `/organizers/asks/${askId}/moderation`,
      headers: { cookie: coordinator.cookie },
      payload: { _csrf: coordinator.csrfToken, moderation: 'first_time' },
    })
    expect(res.statusCode).toBe(303)
    const ask = await ctx.db
      .selectFrom('ask')
      .select('moderation')
      .where('id', '=', askId)
      .executeTakeFirstOrThrow()
    expect(ask.moderation).toBe('first_time')
    const audit = await auditOf('ask.moderation', String(askId))
    expect(audit.at(-1)).toMatchObject({ organizer_id: coordinator.organizer.id })
    const bad = await app.inject({
      method: 'POST',
      url: `/organizers/asks/${askId}/moderation`,
      headers: { cookie: coordinator.cookie },
      payload: { _csrf: coordinator.csrfToken, moderation: 'sometimes' },
    })
    expect(bad.statusCode).toBe(400)
  })
})
