import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { reconcileInterrupted } from '../../src/outbox/index.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'
import {
  confirmedLetter,
  FRANCE_EMAIL,
  letterAwaitingConfirmation,
  letterStatus,
  pass,
  transportFor,
} from './delivery-helpers.js'

const MINUTE = 60_000
const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const ctx = await createTestContext({
  clock,
  env: {
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Code Blue letters <letters@codeblue.example>',
    OUTBOX_MAX_ATTEMPTS: '4',
  },
})
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeAll(() => setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))
beforeEach(() => {
  smtp.reset()
  clock.set(TEST_NOW)
})

const toMission = () => smtp.messages.filter((m) => m.envelope.to.includes(FRANCE_EMAIL))

describe('e-mailing a letter through a real SMTP server', () => {
  it('sends the writer a confirmation link first, and nothing to the mission', async () => {
    const { email } = await letterAwaitingConfirmation(ctx)
    await pass(ctx, transport)
    expect(toMission()).toHaveLength(0)
    const [confirmation] = smtp.messages
    expect(confirmation?.envelope.to).toEqual([email])
    expect(confirmation?.parsed.subject).toBe('Please confirm your letter to France')
    expect(confirmation?.parsed.text).toMatch(/http:\/\/localhost:3000\/confirm\/[A-Za-z0-9_-]{43}/)
  })

  it('delivers a confirmed letter exactly once: From, Reply-To, To, subject, language, the PDF', async () => {
    const { email, id } = await confirmedLetter(ctx, transport, { name: 'Wanjiru Kamau' })
    const result = await pass(ctx, transport)
    expect(result.failed).toBe(0)
    const [letter, ...more] = toMission()
    expect(more).toHaveLength(0)
    expect(letter?.parsed.from).toBe('letters@codeblue.example')
    expect(letter?.parsed.headers.get('from')).toBe('Code Blue letters <letters@codeblue.example>')
    expect(letter?.parsed.replyTo).toBe(email)
    expect(letter?.parsed.headers.get('reply-to')).toBe(`Wanjiru Kamau <${email}>`)
    expect(letter?.parsed.to).toEqual([FRANCE_EMAIL])
    expect(letter?.parsed.subject).toMatch(
      /^Support for an independent Special Court Mechanism.*\(CB-[2-9A-Z]{6}\)$/,
    )
    expect(letter?.parsed.language).toBe('en')
    expect(letter?.parsed.text).toContain('Please find attached a letter addressed to you by Wanjiru Kamau')
    const [pdf] = letter?.parsed.attachments ?? []
    expect(pdf?.contentType).toBe('application/pdf')
    expect(pdf?.filename).toMatch(/^letter-to-france-CB-[2-9A-Z]{6}\.pdf$/)
    expect(await pdfText(pdf!.content)).toContain('Wanjiru Kamau')
    expect(await letterStatus(ctx, id)).toBe('sent')
    const stored = await ctx.db
      .selectFrom('letter')
      .select('message_id')
      .where('public_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(letter?.parsed.messageId).toBe(stored.message_id)

    // Then the writer's copy; another pass sends nothing more.
    await pass(ctx, transport)
    const copy = smtp.messages.find(
      (m) => m.envelope.to.includes(email) && /Delivered/.test(m.parsed.subject),
    )
    expect(copy?.parsed.attachments[0]?.contentType).toBe('application/pdf')
    await pass(ctx, transport)
    expect(toMission()).toHaveLength(1)
  })

  it('writes the covering e-mail to the mission in the letter’s language: Arabic right to left, Chinese, Russian', async () => {
    const expected = {
      ar: { opening: 'تحية طيبة وبعد،', body: 'يوجهها إلى سعادتكم', lang: 'ar', dir: 'rtl' },
      zh: { opening: '尊敬的阁下：', body: '致阁下的信件一封', lang: 'zh-Hans', dir: 'ltr' },
      ru: {
        opening: 'Ваше Превосходительство!',
        body: 'адресует Вам в рамках кампании Code Blue',
        lang: 'ru',
        dir: 'ltr',
      },
    } as const
    for (const [language, words] of Object.entries(expected) as [
      keyof typeof expected,
      (typeof expected)['ar'],
    ][]) {
      smtp.reset()
      await confirmedLetter(ctx, transport, { name: 'Amina Wanjiru', language })
      await pass(ctx, transport)
      const [letter] = toMission()
      expect(letter?.parsed.headers.get('content-language'), language).toBe(language)
      expect(letter?.parsed.subject).toMatch(/CB-[2-9A-Z]{6}/)
      expect(letter?.parsed.subject).not.toMatch(/^Support for/)
      expect(letter?.parsed.text?.startsWith(words.opening), language).toBe(true)
      const from = language === 'zh' ? 'Amina Wanjiru（Nairobi, KE）' : 'Amina Wanjiru (Nairobi, KE)'
      expect(letter?.parsed.text).toContain(from)
      expect(letter?.parsed.text).toContain(words.body)
      expect(letter?.parsed.text).not.toContain('Please find attached')
      expect(letter?.parsed.html).toContain(`<html lang="${words.lang}" dir="${words.dir}">`)
      expect(letter?.parsed.html).toContain(`<div lang="${words.lang}" dir="${words.dir}">`)
      // The writer's copy is still in English (issue 15), and says so; the letter in it keeps its own.
      await pass(ctx, transport)
      const copy = smtp.messages.find((m) => /Delivered/.test(m.parsed.subject ?? ''))
      expect(copy?.parsed.html).toContain('<html lang="en" dir="ltr">')
      if (language === 'ar') expect(copy?.parsed.html).toContain('<div lang="ar" dir="rtl">')
    }
  })

  it('retries a server that answers 421, then delivers once', async () => {
    const { id: second } = await confirmedLetter(ctx, transport)
    smtp.respondWith({ code: 421, message: 'Try again later' }, 1)
    const first = await pass(ctx, transport)
    expect(first.retried).toBe(1)
    expect(await letterStatus(ctx, second)).toBe('queued')
    clock.advance(MINUTE)
    await pass(ctx, transport)
    expect(await letterStatus(ctx, second)).toBe('sent')
    const attempts = await ctx.db
      .selectFrom('delivery_attempt')
      .innerJoin('letter', 'letter.outbox_id', 'delivery_attempt.outbox_id')
      .select(['delivery_attempt.outcome', 'delivery_attempt.response'])
      .where('letter.public_id', '=', second)
      .orderBy('delivery_attempt.id')
      .execute()
    expect(attempts.map((a) => a.outcome)).toEqual(['temporary_failure', 'accepted'])
    expect(attempts[0]?.response).toContain('421')
    const secondReference = (
      await ctx.db
        .selectFrom('letter')
        .select('reference')
        .where('public_id', '=', second)
        .executeTakeFirstOrThrow()
    ).reference
    expect(toMission().filter((m) => m.parsed.subject.includes(secondReference))).toHaveLength(1)
  })

  it('waits out a server that is down, with growing pauses, and delivers once it is back', async () => {
    const { id } = await confirmedLetter(ctx, transport)
    await smtp.stop()
    expect((await pass(ctx, transport)).retried).toBeGreaterThan(0)
    expect(await letterStatus(ctx, id)).toBe('queued')
    const next = await ctx.db
      .selectFrom('outbox_message')
      .select('next_attempt_at')
      .where('kind', '=', 'mission_letter')
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow()
    expect(Date.parse(next.next_attempt_at) - clock.now().getTime()).toBe(MINUTE)
    await smtp.restart()
    await pass(ctx, transport)
    expect(await letterStatus(ctx, id)).toBe('queued') // not due yet
    clock.advance(MINUTE)
    await pass(ctx, transport)
    expect(await letterStatus(ctx, id)).toBe('sent')
    expect(toMission()).toHaveLength(1)
  })

  it('fails a letter the server refuses for good (550) and flags the mission address', async () => {
    const { id } = await confirmedLetter(ctx, transport)
    smtp.respondWith({ code: 550, message: 'Mailbox unavailable' }, 1)
    const result = await pass(ctx, transport)
    expect(result.failed).toBe(1)
    expect(await letterStatus(ctx, id)).toBe('failed')
    const flagged = await ctx.db.selectFrom('mission_email_failure').selectAll().execute()
    expect(flagged).toEqual([expect.objectContaining({ email: FRANCE_EMAIL, state_iso3: 'FRA' })])
    expect(flagged[0]?.last_response).toContain('550')
    await ctx.db.deleteFrom('mission_email_failure').execute()
  })

  it('gives up after OUTBOX_MAX_ATTEMPTS temporary failures', async () => {
    const { id } = await confirmedLetter(ctx, transport)
    smtp.respondWith({ code: 451, message: 'Local error' }, 4)
    for (let i = 0; i < 4; i++) {
      await pass(ctx, transport)
      clock.advance(60 * MINUTE)
    }
    expect(await letterStatus(ctx, id)).toBe('failed')
    expect(toMission()).toHaveLength(0)
  })

  it('sends no duplicate when the process dies between "accepted by SMTP" and "marked sent"', async () => {
    const { id } = await confirmedLetter(ctx, transport)
    await expect(
      pass(ctx, transport, {
        onStep: (step, message) => {
          if (step === 'accepted' && message.kind === 'mission_letter') throw new Error('killed')
        },
      }),
    ).rejects.toThrow('killed')
    expect(await letterStatus(ctx, id)).toBe('sending')
    // The next start reconciles before its first pass.
    const reconciled = await reconcileInterrupted(ctx)
    expect(reconciled.uncertain).toBe(1)
    expect(await letterStatus(ctx, id)).toBe('uncertain')
    await pass(ctx, transport)
    await pass(ctx, transport)
    expect(toMission()).toHaveLength(1)
  })

  it('reminds a writer once after 3 days, and expires the letter after 7', async () => {
    const { id, email } = await letterAwaitingConfirmation(ctx)
    await pass(ctx, transport)
    clock.advance(3 * 24 * 60 * MINUTE + MINUTE)
    await pass(ctx, transport)
    clock.advance(MINUTE)
    await pass(ctx, transport)
    const toWriter = smtp.messages.filter((m) => m.envelope.to.includes(email))
    expect(toWriter.map((m) => m.parsed.subject)).toEqual([
      'Please confirm your letter to France',
      'Reminder: your letter to France is waiting for you',
    ])
    expect(toWriter[1]?.parsed.text).toMatch(/\/confirm\/[A-Za-z0-9_-]{43}/)
    clock.advance(4 * 24 * 60 * MINUTE)
    await pass(ctx, transport)
    expect(await letterStatus(ctx, id)).toBe('expired')
    expect(toMission()).toHaveLength(0)
  })

  it('keeps CR/LF out of the headers, even from a name stored before any check', async () => {
    const { id, email } = await confirmedLetter(ctx, transport)
    await ctx.db
      .updateTable('letter')
      .set({ supporter_name: 'Mallory\r\nBcc: evil@example.org\r\nX-Injected: yes' })
      .where('public_id', '=', id)
      .execute()
    await pass(ctx, transport)
    const [sent] = toMission()
    expect(sent?.envelope.to).toEqual([FRANCE_EMAIL])
    expect(sent?.parsed.headers.has('bcc')).toBe(false)
    expect(sent?.parsed.headers.has('x-injected')).toBe(false)
    expect(sent?.parsed.replyTo).toContain(email)
    expect(smtp.messages.some((m) => m.envelope.to.includes('evil@example.org'))).toBe(false)
  })
})
