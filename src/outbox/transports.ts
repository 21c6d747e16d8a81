import fs from 'node:fs'
import path from 'node:path'
import { type Readable, Transform } from 'node:stream'
import nodemailer from 'nodemailer'
import DKIM from 'nodemailer/lib/dkim'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import type { DkimConfig, MailConfig } from '../config.js'
import { createMimeComposer } from './mime-composer.js'

/** How much of a message the SMTP stage gathers before passing it on to the connection. */
const GATHER_BYTES = 64 * 1024

/** What a transport says of a message it handed over. */
export interface Handover {
  /** The server's reply ("250 2.0.0 OK ..."), or where the file went. */
  response: string
  accepted: string[]
  rejected: string[]
}

/**
 * A failed handover after the whole message was written to the mail server (the connection
 * dropped or timed out while waiting for its reply): the server may have queued it. Such a message
 * is never handed over again by itself (outbox-pass.ts, the "uncertain" rule).
 */
export function mayHaveArrived(error: unknown): boolean {
  return (error as { mayHaveArrived?: unknown } | null)?.mayHaveArrived === true
}

export interface TransportOptions {
  /**
   * Tests: called once the first bytes of a message's DATA are on their way to the server, before
   * the rest. A promise that never settles leaves the message half written, as a process killed
   * there would.
   */
  duringData?: (messageId: string) => void | Promise<void>
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file'
  send(mail: Mail.Options): Promise<Handover>
  /**
   * Closes the pool once the message being handed over is done; `force` drops its connection at
   * once instead (the message fails; tests use it for a process killed mid-message).
   */
  close(options?: { force?: boolean }): void
}

/**
 * SMTP (pooled, SMTP_POOL_CONNECTIONS connections, TLS as SMTP_URL says) when SMTP_URL is set; otherwise every message becomes an
 * .eml file in OUTBOX_DIR, never dropped: `npm start` works with no mail server at all. Either
 * DKIM-signs every message when `config.dkim` is set, the .eml files too, so what organizers
 * inspect is what a mission would receive.
 */
export function createTransport(config: MailConfig, options: TransportOptions = {}): MailTransport {
  return config.smtpUrl
    ? smtpTransport(config.smtpUrl, config.dkim, config.poolConnections, options)
    : fileTransport(config.outboxDir, config.dkim)
}

function smtpTransport(
  url: string,
  dkim: DkimConfig | null,
  poolConnections: number,
  { duringData }: TransportOptions,
): MailTransport {
  const options: SMTPPool.Options & { url: string } = {
    url,
    pool: true,
    maxConnections: poolConnections,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  }
  const transporter = nodemailer.createTransport(options)
  // Each message's MIME source is built in a worker thread (mime-composer.ts), then sent as it is.
  const composer = createMimeComposer()
  // Nodemailer's own signer, run here rather than through the transport's `dkim` option, which
  // would put it after the stage below: the signer takes in the whole message before it passes a
  // byte on, so the stage would count every message written before MAIL FROM, and a connection
  // lost then would leave a message the server never saw "uncertain".
  const signer = dkim ? new DKIM({ ...dkim }) : null
  // The Message-IDs whose every byte went through to the SMTP connection, which then only has the
  // final "." to write: from there on a failure does not prove the server lacks the message.
  const written = new Set<string>()
  transporter.use('stream', (mail, done) => {
    const id = String(mail.data.messageId ?? '')
    // Called for every read of the message, a fresh stage each time (the pool may read it again
    // when a connection closed before a byte of it was sent).
    mail.message.processFunc((input: Readable) => {
      let started = false
      // The message's chunks (~2 KiB each) are gathered and passed on in a few large ones: each
      // chunk costs the SMTP connection a pass of its dot-stuffing and a socket write.
      let gathered: Buffer[] = []
      let gatheredBytes = 0
      const passOn = (stage: Transform) => {
        if (gatheredBytes === 0) return
        stage.push(gathered.length === 1 ? gathered[0] : Buffer.concat(gathered, gatheredBytes))
        gathered = []
        gatheredBytes = 0
      }
      const stage = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          if (!started && duringData) {
            started = true
            this.push(chunk)
            Promise.resolve(duringData(id)).then(() => next(), next)
            return
          }
          gathered.push(chunk)
          gatheredBytes += chunk.length
          if (gatheredBytes >= GATHER_BYTES) passOn(this)
          next()
        },
        flush(next) {
          passOn(this)
          written.add(id)
          next()
        },
      })
      // pipe, not pipeline: pipeline's abort signals cost more per message than the rest of this
      // stage. An error upstream ends the stage with it, as pipeline would.
      const source = signer ? signer.sign(input) : input
      source.once('error', (error) => stage.destroy(error))
      return source.pipe(stage)
    })
    done()
  })
  return {
    kind: 'smtp',
    async send(mail) {
      const id = String(mail.messageId ?? '')
      written.delete(id)
      const { raw, envelope } = await composer.compose(mail)
      const info = await transporter
        .sendMail({ raw, envelope, messageId: mail.messageId })
        .catch((error: unknown) => {
          // A reply from the server (4xx, 5xx) is an answer: it does not have the message.
          const answered = typeof (error as { responseCode?: unknown }).responseCode === 'number'
          if (written.has(id) && !answered && error instanceof Error)
            Object.assign(error, { mayHaveArrived: true })
          throw error
        })
        .finally(() => written.delete(id))
      return {
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      }
    },
    close(closing) {
      transporter.close(closing)
      void composer.close()
    },
  }
}

function fileTransport(dir: string, dkim: DkimConfig | null): MailTransport {
  const transporter = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
    ...(dkim ? { dkim: { ...dkim } } : {}),
  })
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
