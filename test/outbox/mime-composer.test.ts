/**
 * The message-building thread (src/outbox/mime-composer.ts): what it builds is the message as
 * nodemailer writes it for SMTP, attachments intact, with the envelope the SMTP conversation uses;
 * a mail it cannot take is refused with a reason, and the thread comes back after it was stopped.
 */
import { Readable } from 'node:stream'
import { simpleParser } from 'mailparser'
import { afterAll, describe, expect, it } from 'vitest'
import { createMimeComposer } from '../../src/outbox/mime-composer.js'

const composer = createMimeComposer()
afterAll(() => composer.close())

// Bytes that are not text: every value 0-255, so no encoding slip goes unseen.
const pdf = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7) % 256))

const mail = {
  from: 'Code Blue letters <letters@campaign.example>',
  to: ['mission-ken@missions.example'],
  replyTo: 'Amina Otieno <amina@supporters.example>',
  messageId: '<test-1@campaign.example>',
  subject: 'رسالة إلى البعثة الدائمة',
  text: 'Excellency,\n\nمع فائق الاحترام.\n',
  html: '<p>Excellency,</p><p dir="rtl">مع فائق الاحترام.</p>',
  headers: { 'Auto-Submitted': 'no' },
  attachments: [{ filename: 'letter.pdf', content: pdf, contentType: 'application/pdf' }],
}

describe('the message-building thread', () => {
  it('builds the message nodemailer would send, the attachment byte for byte, with CRLF line ends', async () => {
    const { raw, envelope } = await composer.compose(mail)
    expect(Buffer.isBuffer(raw)).toBe(true)
    // Every line ends CRLF, as SMTP wants: no bare LF anywhere.
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/)
    const parsed = await simpleParser(raw)
    expect(parsed.messageId).toBe('<test-1@campaign.example>')
    expect(parsed.subject).toBe(mail.subject)
    expect(parsed.text).toBe(mail.text)
    expect(parsed.headers.get('auto-submitted')).toBe('no')
    expect(parsed.attachments).toHaveLength(1)
    expect(parsed.attachments[0]!.content.equals(pdf)).toBe(true)
    expect(envelope).toEqual({ from: 'letters@campaign.example', to: ['mission-ken@missions.example'] })
  })

  it("uses the mail's own envelope (a bounce address) for the SMTP conversation", async () => {
    const bounce = 'bounces+42-abc@campaign.example'
    const { raw, envelope } = await composer.compose({
      ...mail,
      envelope: { from: bounce, to: ['mission-ken@missions.example'] },
    })
    expect(envelope).toEqual({ from: bounce, to: ['mission-ken@missions.example'] })
    // The envelope is not a header: the mission sees the campaign's From.
    expect((await simpleParser(raw)).from?.text).toContain('letters@campaign.example')
  })

  it('refuses a mail it cannot take to the thread, with the reason, and builds the next one', async () => {
    await expect(
      composer.compose({ ...mail, attachments: [{ filename: 'a.pdf', content: Readable.from(['x']) }] }),
    ).rejects.toThrow(/could not be cloned|clone/i)
    const { raw } = await composer.compose(mail)
    expect((await simpleParser(raw)).messageId).toBe('<test-1@campaign.example>')
  })

  it('starts the thread again for a message after it was stopped', async () => {
    await composer.close()
    const { raw } = await composer.compose({ ...mail, messageId: '<test-2@campaign.example>' })
    expect((await simpleParser(raw)).messageId).toBe('<test-2@campaign.example>')
  })
})
