/**
 * The loopback SMTP server the tests send to, exercised with nodemailer over real TCP; also pins
 * down what nodemailer reports for each failure (the delivery code relies on these fields).
 */

import type { NodemailerError, SendMailOptions } from 'nodemailer'
import { createTransport } from 'nodemailer'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { messageIdFromHead, startLocalSmtpServer } from '../../scripts/lib/local-smtp.js'
import { startTestSmtpServer } from './smtp-server.js'

const smtp = await startTestSmtpServer()
const transport = createTransport(smtp.url)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeEach(() => smtp.reset())

const pdf = Buffer.from('%PDF-1.7\n% a letter\n%%EOF\n')

function letter(overrides: SendMailOptions = {}): SendMailOptions {
  return {
    from: { name: 'Code Blue Campaign', address: 'campaign@example.org' },
    replyTo: 'replies@example.org',
    to: 'mission.fr@example.org',
    subject: 'Letter to the Permanent Mission',
    text: 'Excellency, ...',
    headers: { 'Content-Language': 'fr' },
    attachments: [{ filename: 'letter.pdf', content: pdf, contentType: 'application/pdf' }],
    ...overrides,
  }
}

describe('startTestSmtpServer', () => {
  it('listens on 127.0.0.1 with a nodemailer URL that skips STARTTLS', () => {
    expect(smtp.port).toBeGreaterThan(0)
    expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`)
    expect(smtp.transportOptions).toEqual({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
    })
  })

  it('receives a message once, parsed, with its attachment and Content-Language', async () => {
    const info = await transport.sendMail(letter())

    expect(info.accepted).toEqual(['mission.fr@example.org'])
    expect(info.response).toMatch(/^250 /)
    // Recorded before the 250: no waiting needed once sendMail has resolved.
    expect(smtp.messages).toHaveLength(1)
    const [message] = smtp.messages
    expect(message?.envelope).toEqual({ from: 'campaign@example.org', to: ['mission.fr@example.org'] })
    expect(message?.authUser).toBeNull()
    expect(message?.raw.toString('latin1')).toContain('Subject: Letter to the Permanent Mission')
    const parsed = message!.parsed
    expect(parsed).toMatchObject({
      from: 'campaign@example.org',
      replyTo: 'replies@example.org',
      to: ['mission.fr@example.org'],
      subject: 'Letter to the Permanent Mission',
      messageId: info.messageId,
      inReplyTo: null,
      text: 'Excellency, ...',
      html: null,
      language: 'fr',
    })
    expect(parsed.headers.get('from')).toBe('Code Blue Campaign <campaign@example.org>')
    expect(parsed.headers.get('content-language')).toBe('fr')
    expect(parsed.attachments).toHaveLength(1)
    expect(parsed.attachments[0]).toMatchObject({ filename: 'letter.pdf', contentType: 'application/pdf' })
    expect(parsed.attachments[0]?.content.equals(pdf)).toBe(true)

    expect(await smtp.waitForMessages(1)).toHaveLength(1)
  })

  it('keeps In-Reply-To and an HTML body', async () => {
    await transport.sendMail(
      letter({
        inReplyTo: '<first@example.org>',
        html: '<p>Excellency,</p>',
        text: undefined,
        attachments: [],
      }),
    )
    const parsed = smtp.messages[0]!.parsed
    expect(parsed).toMatchObject({ inReplyTo: '<first@example.org>', text: 'Excellency,', attachments: [] })
    expect(parsed.html?.trim()).toBe('<p>Excellency,</p>')
  })

  it('answers 421 to the next message only: nodemailer reports a temporary failure, then sends', async () => {
    smtp.respondWith({ code: 421, message: 'Try again later' }, 1)

    await expect(transport.sendMail(letter())).rejects.toMatchObject({
      code: 'EMESSAGE',
      responseCode: 421,
      command: 'DATA',
      response: '421 Try again later',
      permanent: false,
    })
    expect(smtp.messages).toHaveLength(0)

    await transport.sendMail(letter())
    expect(smtp.messages).toHaveLength(1)
  })

  it('answers 550 until told otherwise: nodemailer reports a permanent failure', async () => {
    smtp.respondWith({ code: 550, message: 'No such mission' })

    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(transport.sendMail(letter())).rejects.toMatchObject({
        code: 'EMESSAGE',
        responseCode: 550,
        command: 'DATA',
        permanent: true,
      })
    }
    smtp.respondWith('accept')
    await transport.sendMail(letter())
    expect(smtp.messages).toHaveLength(1)
  })

  it('refuses at RCPT TO when asked: nodemailer reports EENVELOPE with the rejected recipients', async () => {
    smtp.respondWith({ code: 550, message: 'Mailbox unavailable', stage: 'rcpt' }, 1)

    await expect(transport.sendMail(letter())).rejects.toMatchObject({
      code: 'EENVELOPE',
      responseCode: 550,
      command: 'RCPT TO',
      permanent: true,
      rejected: ['mission.fr@example.org'],
    })
    expect(smtp.messages).toHaveLength(0)
    await transport.sendMail(letter())
    expect(smtp.messages).toHaveLength(1)
  })

  it('rejects nonsense replies', () => {
    expect(() => smtp.respondWith({ code: 250, message: 'OK' })).toThrow(RangeError)
    expect(() => smtp.respondWith({ code: 550, message: 'a\r\n250 OK' })).toThrow(RangeError)
    expect(() => smtp.respondWith('accept', 0)).toThrow(RangeError)
  })

  it('calls onAccepted after the 250, before the sender has seen it', async () => {
    const events: string[] = []
    const remove = smtp.onAccepted((message) => {
      events.push(`accepted ${message.parsed.subject}`)
      expect(smtp.messages).toContain(message)
    })

    await transport.sendMail(letter({ subject: 'one' })).then(() => events.push('sendMail resolved'))
    remove()
    await transport.sendMail(letter({ subject: 'two' }))

    expect(events).toEqual(['accepted one', 'sendMail resolved'])
  })

  it('waitForMessages resolves once enough messages arrived, and times out otherwise', async () => {
    const sends = [1, 2, 3].map((n) => transport.sendMail(letter({ subject: `letter ${n}` })))

    const received = await smtp.waitForMessages(3)
    expect(received.map((message) => message.parsed.subject).sort()).toEqual([
      'letter 1',
      'letter 2',
      'letter 3',
    ])
    await Promise.all(sends)

    await expect(smtp.waitForMessages(4, 50)).rejects.toThrow(/waitForMessages\(4\): 3 message\(s\)/)
  })

  it('accepts any credentials from a client that logs in, and records the user', async () => {
    const withAuth = createTransport({
      ...smtp.transportOptions,
      auth: { user: 'relay-user', pass: 'secret' },
    })
    await withAuth.sendMail(letter())
    withAuth.close()
    expect(smtp.messages[0]?.authUser).toBe('relay-user')
  })

  it('is refused while stopped (ESOCKET / ECONNREFUSED), and works again after restart on the same port', async () => {
    const server = await startTestSmtpServer()
    const client = createTransport(server.url)
    const port = server.port
    await client.sendMail(letter())

    await server.stop()
    await server.stop() // idempotent
    const refused: NodemailerError = await client.sendMail(letter()).then(
      () => expect.unreachable('sent while the server was stopped'),
      (error: NodemailerError) => error,
    )
    expect(refused).toMatchObject({
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
      syscall: 'connect',
      command: 'CONN',
    })
    // No SMTP reply, so neither a reply code nor a permanent/temporary verdict.
    expect(refused.responseCode).toBeUndefined()
    expect(refused.permanent).toBeUndefined()

    await server.restart()
    expect(server.port).toBe(port)
    await client.sendMail(letter())
    expect(server.messages).toHaveLength(2)
    client.close()
    await server.stop()
  })

  it('nodemailer keeps CR/LF in the subject and display names from adding headers or recipients', async () => {
    const info = await transport.sendMail(
      letter({
        from: { name: 'Campaign\r\nBcc: evil@example.org', address: 'campaign@example.org' },
        to: { name: 'Mission\r\nBcc: evil2@example.org', address: 'mission.fr@example.org' },
        subject: 'Hello\r\nBcc: evil3@example.org',
      }),
    )

    expect(info.envelope).toEqual({ from: 'campaign@example.org', to: ['mission.fr@example.org'] })
    const message = smtp.messages[0]!
    expect(message.envelope.to).toEqual(['mission.fr@example.org'])
    expect(message.parsed.headers.has('bcc')).toBe(false)
    expect(message.raw.toString('latin1')).not.toMatch(/^bcc:/im)
    expect(message.parsed.to).toEqual(['mission.fr@example.org'])
    // The line break becomes a space in the subject; display names are MIME-encoded words.
    expect(message.parsed.subject).toBe('Hello Bcc: evil3@example.org')
    expect(message.parsed.headers.get('from')).toMatch(/^=\?UTF-8\?Q\?.*\?= <campaign@example\.org>$/)
  })
})

describe('startLocalSmtpServer (load scripts)', () => {
  it('counts accepted messages and duplicate Message-IDs', async () => {
    const local = await startLocalSmtpServer()
    const client = createTransport(local.url)
    const mail = letter()
    await client.sendMail({ ...mail, messageId: '<a@example.org>' })
    await client.sendMail({ ...mail, messageId: '<b@example.org>' })
    await client.sendMail({ ...mail, messageId: '<a@example.org>' })
    local.respondWith({ code: 451, message: 'Later' }, 1)
    await expect(client.sendMail({ ...mail, messageId: '<c@example.org>' })).rejects.toMatchObject({
      responseCode: 451,
    })

    expect(local.count()).toBe(3)
    expect(local.duplicates()).toBe(1)
    expect(local.withoutMessageId()).toBe(0)
    expect([...local.messageIds].sort()).toEqual(['<a@example.org>', '<b@example.org>'])
    client.close()
    await local.stop()
  })

  it('reads the Message-ID from the header section only, unfolding it', () => {
    const raw = (text: string) => Buffer.from(text, 'latin1')
    expect(messageIdFromHead(raw('From: a@example.org\r\nMESSAGE-ID:\r\n <x@example.org>\r\n\r\nbody'))).toBe(
      '<x@example.org>',
    )
    expect(
      messageIdFromHead(raw('From: a@example.org\r\n\r\nMessage-ID: <in-body@example.org>\r\n')),
    ).toBeNull()
    expect(messageIdFromHead(raw('X-Original-Message-ID: <other@example.org>\r\n\r\n'))).toBeNull()
  })
})
