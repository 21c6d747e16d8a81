/**
 * The child side of `local-smtp-process.ts`: a counting local SMTP server (local-smtp.ts) in a
 * process of its own, answering its parent's questions over the IPC channel.
 */
import { startLocalSmtpServer } from './local-smtp.js'

type Request = { type: 'tally' } | { type: 'stop' }

const send = (message: unknown): void => {
  if (!process.send)
    throw new Error('local-smtp-child.ts runs as a child process (fork), with an IPC channel')
  process.send(message)
}

const server = await startLocalSmtpServer()
process.on('message', (request: Request) => {
  if (request.type === 'tally') {
    send({
      type: 'tally',
      count: server.count(),
      messageIds: [...server.messageIds],
      duplicates: server.duplicates(),
      withoutMessageId: server.withoutMessageId(),
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    })
  } else if (request.type === 'stop') {
    void server.stop().then(() => process.exit(0))
  }
})
// The parent went away without saying stop: do not linger.
process.on('disconnect', () => void server.stop().then(() => process.exit(0)))
send({ type: 'ready', url: server.url })
