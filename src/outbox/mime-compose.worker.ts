import { parentPort } from 'node:worker_threads'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { ComposeReply, ComposeRequest } from './mime-composer.js'

// The worker thread of mime-composer.ts: builds each message's MIME source, as nodemailer builds
// it for SMTP (CRLF line ends), and sends it back with its envelope.

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })

/** Buffers arrive as plain Uint8Arrays (structured clone): nodemailer reads only Buffers as content. */
function withBuffers(mail: Mail.Options): Mail.Options {
  const asBuffer = (value: unknown) =>
    value instanceof Uint8Array && !Buffer.isBuffer(value)
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : value
  return {
    ...mail,
    attachments: mail.attachments?.map((a) => ({
      ...a,
      content: asBuffer(a.content) as Mail.Attachment['content'],
    })),
  }
}

const port = parentPort
if (!port) throw new Error('mime-compose.worker.ts runs as a worker thread (mime-composer.ts starts it)')
port.on('message', ({ id, mail }: ComposeRequest) => {
  composer.sendMail(withBuffers(mail)).then(
    (info) => {
      const reply: ComposeReply = { id, raw: info.message as Buffer, envelope: info.envelope }
      port.postMessage(reply)
    },
    (error: unknown) => {
      const reply: ComposeReply = { id, error: error instanceof Error ? error.message : String(error) }
      port.postMessage(reply)
    },
  )
})
