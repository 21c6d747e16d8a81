import fs from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import type { MailConfig } from '../config.js'

/** What a transport says of a message it handed over. */
export interface Handover {
  /** The server's reply ("250 2.0.0 OK ..."), or where the file went. */
  response: string
  accepted: string[]
  rejected: string[]
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file'
  send(mail: Mail.Options): Promise<Handover>
  close(): void
}

/**
 * SMTP (pooled, TLS as SMTP_URL says) when SMTP_URL is set; otherwise every message becomes an
 * .eml file in OUTBOX_DIR, never dropped: `npm start` works with no mail server at all.
 */
export function createTransport(config: MailConfig): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : fileTransport(config.outboxDir)
}

function smtpTransport(url: string): MailTransport {
  const options: SMTPPool.Options & { url: string } = {
    url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  }
  const transporter = nodemailer.createTransport(options)
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transporter.sendMail(mail)
      return {
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      }
    },
    close: () => transporter.close(),
  }
}

function fileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'file',
    async send(mail) {
      const info = await transporter.sendMail(mail)
      fs.mkdirSync(dir, { recursive: true })
      const id = String(mail.messageId ?? info.messageId).replace(/[^A-Za-z0-9@._-]/g, '')
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`)
      // Written then renamed: a crash never leaves half a message where the outbox page lists them.
      fs.writeFileSync(`${file}.tmp`, info.message as Buffer)
      fs.renameSync(`${file}.tmp`, file)
      const to = [mail.to]
        .flat(2)
        .map((a) => (typeof a === 'string' ? a : a && 'address' in a ? (a.address ?? '') : ''))
        .filter((a): a is string => a !== '')
      return { response: `written to ${path.basename(file)}`, accepted: to, rejected: [] }
    },
    close: () => undefined,
  }
}
