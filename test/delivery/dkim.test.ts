/**
 * DKIM signing (issue 16, item 4): messages sent through `createTransport` to a real SMTP server
 * on loopback, or written as .eml files, verified by an independent implementation (mailauth)
 * against the public key a campaign would publish in DNS, served here by a resolver function.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { dkimVerify } from 'mailauth'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { createTransport, type MailTransport, mayHaveArrived } from '../../src/outbox/transports.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'

const DOMAIN = 'example.org'
const SELECTOR = 'cb2025'
const FROM = 'Code Blue letters <letters@example.org>'
const MISSION = 'france@un.int'

const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const publicKeyRecord = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`

/** The campaign's DNS: the selector's TXT record and nothing else. */
async function resolver(name: string, type: string): Promise<string[][]> {
  if (type === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return [[publicKeyRecord]]
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
}

async function verify(raw: Buffer | string) {
  const { results } = await dkimVerify(raw, { resolver })
  return results
}

const dkimEnv = {
  MAIL_FROM: FROM,
  DKIM_DOMAIN: DOMAIN,
  DKIM_SELECTOR: SELECTOR,
  // One line, as in a .env file.
  DKIM_PRIVATE_KEY: privatePem.replaceAll('\n', '\\n'),
}

const smtp = await startTestSmtpServer()
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-dkim-'))
const transports: MailTransport[] = []
afterAll(async () => {
  for (const transport of transports) transport.close()
  await smtp.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})
beforeEach(() => smtp.reset())

function transportWith(env: Record<string, string>): MailTransport {
  const transport = createTransport(loadConfig(env).mail)
  transports.push(transport)
  return transport
}

let sent = 0
/** A letter-like message: non-ASCII subject and text, HTML, a PDF attachment. */
function letter(pdf = Buffer.from('%PDF-1.7\n%fake\n'.repeat(200))) {
  sent++
  return {
    from: FROM,
    replyTo: 'Wanjiru Kamau <wanjiru@example.net>',
    to: MISSION,
    subject: `Lettre à la Mission permanente de la France (CB-DKIM${sent})`,
    messageId: `<dkim-${sent}.${Date.now()}@example.org>`,
    text: 'Veuillez trouver ci-joint une lettre qui vous est adressée.',
    html: '<p lang="fr">Veuillez trouver ci-joint une lettre qui vous est adressée.</p>',
    attachments: [{ filename: 'letter.pdf', content: pdf }],
  }
}

async function sendOverSmtp(env: Record<string, string>): Promise<Buffer> {
  await transportWith({ ...env, SMTP_URL: smtp.url }).send(letter())
  const [message] = await smtp.waitForMessages(1)
  return message!.raw
}

/** The h= tag of the message's DKIM-Signature: the header fields the signature covers. */
function signedHeaderNames(raw: Buffer): string[] {
  const unfolded = raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ')
  const tags = /^DKIM-Signature:(.*)$/im.exec(unfolded)?.[1] ?? ''
  const names = /(?:^|;)\s*h=([^;]*)/.exec(tags)?.[1] ?? ''
  return names.split(':').map((name) => name.trim().toLowerCase())
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('DKIM signing through SMTP', () => {
  it('signs with the configured domain and selector, and the signature verifies', async () => {
    const raw = await sendOverSmtp(dkimEnv)
    const [result, ...more] = await verify(raw)
    expect(more).toHaveLength(0)
    expect(result?.status.result).toBe('pass')
    expect(result?.signingDomain).toBe(DOMAIN)
    expect(result?.selector).toBe(SELECTOR)
    // The From domain matches the signing domain: what DMARC checks.
    expect(result?.status.aligned).toBe(DOMAIN)
    const signed = signedHeaderNames(raw)
    expect(signed).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'subject',
        'date',
        'message-id',
        'reply-to',
        'mime-version',
        'content-type',
      ]),
    )
  })

  it('fails verification once a byte of the body, or the To header, changed after signing', async () => {
    const raw = (await sendOverSmtp(dkimEnv)).toString('latin1')
    const bodyStart = raw.indexOf('\r\n\r\n') + 4
    const at = raw.indexOf('Veuillez', bodyStart)
    expect(at).toBeGreaterThan(bodyStart)
    const body = `${raw.slice(0, at)}W${raw.slice(at + 1)}`
    // mailauth reports a body hash mismatch as neutral, RFC 6376's PERMFAIL: not a pass either way.
    expect((await verify(body))[0]?.status).toMatchObject({
      result: 'neutral',
      comment: 'body hash did not verify',
    })
    const to = raw.replace(`\r\nTo: ${MISSION}\r\n`, '\r\nTo: someone-else@un.int\r\n')
    expect(to).not.toBe(raw)
    expect((await verify(to))[0]?.status).toMatchObject({ result: 'fail', comment: 'bad signature' })
  })

  it('sends unsigned mail without the DKIM variables', async () => {
    const raw = await sendOverSmtp({ MAIL_FROM: FROM })
    expect(raw.toString('latin1')).not.toMatch(/^dkim-signature:/im)
    expect(smtp.messages[0]?.parsed.headers.has('dkim-signature')).toBe(false)
    expect(await verify(raw)).toEqual([
      expect.objectContaining({ status: expect.objectContaining({ result: 'none' }) }),
    ])
  })

  it('counts a signed message as written only once its bytes went to the server', async () => {
    // A server that hangs up at RCPT TO, before DATA, after a pause (as a tarpitting server does)
    // in which the signer has read the whole message: the server has none of it, so the message
    // must stay free to be sent again. Larger than the streams' buffers, as a letter with its PDF
    // is: a message that fits in them counts as written early, signed or not.
    const server = net.createServer((socket) => {
      socket.write('220 hangs-up.test ESMTP\r\n')
      socket.on('data', (chunk) => {
        const command = chunk.toString().slice(0, 4).toUpperCase()
        if (command === 'RCPT') setTimeout(() => socket.destroy(), 200)
        else socket.write(command === 'EHLO' ? '250 hangs-up.test\r\n' : '250 OK\r\n')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as net.AddressInfo
    try {
      const transport = transportWith({ ...dkimEnv, SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true` })
      const error = await transport
        .send(letter(crypto.randomBytes(512 * 1024)))
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(Error)
      expect(mayHaveArrived(error)).toBe(false)

      // The whole signed message written, then no reply: the server may have it.
      smtp.respondWith('drop', 1)
      const dropped = await transportWith({ ...dkimEnv, SMTP_URL: smtp.url })
        .send(letter())
        .catch((caught: unknown) => caught)
      expect(mayHaveArrived(dropped)).toBe(true)
      expect((await verify(smtp.messages[0]!.raw))[0]?.status.result).toBe('pass')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('DKIM signing of .eml files (no SMTP_URL)', () => {
  it('signs the file written to OUTBOX_DIR, with the key read from DKIM_PRIVATE_KEY_FILE', async () => {
    const keyFile = path.join(tmp, 'dkim.pem')
    fs.writeFileSync(keyFile, privatePem, { mode: 0o600 })
    const outboxDir = path.join(tmp, 'outbox')
    const { DKIM_PRIVATE_KEY: _inline, ...env } = dkimEnv
    const transport = transportWith({ ...env, DKIM_PRIVATE_KEY_FILE: keyFile, OUTBOX_DIR: outboxDir })
    expect(transport.kind).toBe('file')
    await transport.send(letter())
    const [file, ...more] = fs.readdirSync(outboxDir)
    expect(more).toHaveLength(0)
    const [result] = await verify(fs.readFileSync(path.join(outboxDir, file!)))
    expect(result?.status.result).toBe('pass')
    expect(result?.signingDomain).toBe(DOMAIN)
    expect(result?.selector).toBe(SELECTOR)
  })
})

describe('DKIM configuration', () => {
  it('is off with no DKIM variable, and frozen with all of them', () => {
    expect(loadConfig({}).mail.dkim).toBeNull()
    const { dkim } = loadConfig(dkimEnv).mail
    expect(dkim).toMatchObject({ domainName: DOMAIN, keySelector: SELECTOR })
    expect(dkim?.privateKey.asymmetricKeyType).toBe('rsa')
    expect(Object.isFrozen(dkim)).toBe(true)
    // A subdomain of the signing domain is aligned too (DMARC's relaxed mode).
    expect(loadConfig({ ...dkimEnv, MAIL_FROM: 'letters@mail.example.org' }).mail.dkim).not.toBeNull()
  })

  it('names what is missing from a half configuration', () => {
    expect(problemsOf({ MAIL_FROM: FROM, DKIM_DOMAIN: DOMAIN })).toEqual([
      'DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE; missing: DKIM_SELECTOR, DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)',
    ])
    const { DKIM_DOMAIN: _domain, ...noDomain } = dkimEnv
    expect(problemsOf(noDomain)).toEqual([expect.stringMatching(/missing: DKIM_DOMAIN$/)])
  })

  it('refuses a key that is not an RSA private key, without echoing it', () => {
    const [garbled] = problemsOf({ ...dkimEnv, DKIM_PRIVATE_KEY: 'secret-not-a-key' })
    expect(garbled).toMatch(/^DKIM_PRIVATE_KEY does not hold a private key in PEM form/)
    expect(garbled).not.toContain('secret-not-a-key')
    const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect(problemsOf({ ...dkimEnv, DKIM_PRIVATE_KEY: publicPem })).toEqual([
      expect.stringMatching(/^DKIM_PRIVATE_KEY does not hold a private key/),
    ])
    const ed25519 = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })
    expect(problemsOf({ ...dkimEnv, DKIM_PRIVATE_KEY: ed25519.toString() })).toEqual([
      'DKIM_PRIVATE_KEY must be an RSA key (got ed25519)',
    ])
  })

  it('refuses an unreadable key file, and a key given twice', () => {
    const { DKIM_PRIVATE_KEY: _inline, ...env } = dkimEnv
    const missing = path.join(tmp, 'no-such.pem')
    expect(problemsOf({ ...env, DKIM_PRIVATE_KEY_FILE: missing })).toEqual([
      `DKIM_PRIVATE_KEY_FILE cannot be read: ${missing} (ENOENT)`,
    ])
    expect(problemsOf({ ...dkimEnv, DKIM_PRIVATE_KEY_FILE: missing })).toEqual([
      'Set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both',
    ])
  })

  it('refuses a domain or selector that is not a DNS name', () => {
    expect(problemsOf({ ...dkimEnv, DKIM_DOMAIN: 'example..org', DKIM_SELECTOR: 'cb_2025' })).toEqual([
      'DKIM_DOMAIN must be a domain name such as example.org (got "example..org")',
      'DKIM_SELECTOR must be a DNS name of letters, digits and hyphens, such as mail2025 (got "cb_2025")',
    ])
  })

  it('refuses a MAIL_FROM outside the signing domain (DMARC alignment), naming both', () => {
    expect(problemsOf({ ...dkimEnv, MAIL_FROM: 'Code Blue <letters@codeblue.example>' })).toEqual([
      "MAIL_FROM's domain (codeblue.example) must be DKIM_DOMAIN (example.org) or a subdomain of it, or DMARC fails for signed mail",
    ])
    // The default sender, letters@localhost, is never aligned: DKIM needs MAIL_FROM set.
    const { MAIL_FROM: _from, ...noFrom } = dkimEnv
    expect(problemsOf(noFrom)).toEqual([expect.stringMatching(/^MAIL_FROM's domain \(localhost\)/)])
    expect(problemsOf({ ...dkimEnv, MAIL_FROM: 'letters@notexample.org' })).toHaveLength(1)
  })
})
