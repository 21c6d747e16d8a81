import { PassThrough } from 'node:stream'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { LetterRow, OutboxMessageRow } from '../db/schema.js'
import { writeLettersPdf } from '../letters/index.js'
import { documentOf, placeOf } from './letter-mails.js'
import { renderMail } from './mail-templates.js'

/** A mission's digest: that day's letters, listed, and bound as one PDF. */
export async function digestMail(message: OutboxMessageRow, letters: LetterRow[]): Promise<Mail.Options> {
  const docs = letters.map(documentOf)
  const language = docs[0]?.language ?? 'en'
  const day = message.send_day ?? message.created_at.slice(0, 10)
  const data = {
    count: letters.length,
    day,
    letters: letters.map((l) => ({ reference: l.reference, name: l.supporter_name, place: placeOf(l) })),
  }
  const chunks: Buffer[] = []
  const sink = new PassThrough()
  sink.on('data', (chunk: Buffer) => chunks.push(chunk))
  await writeLettersPdf(docs, sink, { title: `Code Blue letters, ${day}` })
  return {
    ...renderMail('digest', language, data, null),
    headers: { 'Content-Language': language },
    attachments: [
      {
        filename: `code-blue-letters-${message.state_iso3?.toLowerCase()}-${day}.pdf`,
        content: Buffer.concat(chunks),
        contentType: 'application/pdf',
      },
    ],
  }
}
