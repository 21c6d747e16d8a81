/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, for the load scripts and, through
 * `test/helpers/smtp-server.ts`, for the tests: nodemailer talks SMTP to it over TCP, nothing is
 * mocked. Plain TCP only (no TLS, STARTTLS disabled), authentication optional (any credentials are
 * accepted when a client does log in).
 *
 * Two layers:
 * - `startLoopbackSmtp(...)`: the shared core (listen/stop/restart on the same port, scripted
 *   replies, accepted-message hooks); what a message turns into is up to the caller's `receive`;
 * - `startLocalSmtpServer()`: the cheap wrapper for load scripts, which only counts messages and
 *   their Message-IDs (reads the header section, never parses the whole message).
 *
 * No vitest import here: scripts run this file outside the test runner.
 */

import type {
  SMTPServerAddress,
  SMTPServerDataStream,
  SMTPServerEnvelope,
  SMTPServerError,
  SMTPServerSession,
} from 'smtp-server'
import { SMTPServer } from 'smtp-server'

export const LOOPBACK_HOST = '127.0.0.1'

/** An SMTP error reply: 4xx is a temporary failure for the sender, 5xx a permanent one. */
export interface SmtpRejection {
  code: number
  message: string
  /** When to refuse: after the whole DATA was read (default), or at every RCPT TO of the message. */
  stage?: 'data' | 'rcpt'
}

/**
 * What the server answers to a message. 'drop': read the whole message and record it as accepted
 * (`receive` and the hooks run), then close the connection without a reply: the server has the
 * message, the sender only sees the connection end (a reply lost in the network, a server that
 * restarted right after queueing it).
 */
export type SmtpBehaviour = 'accept' | 'drop' | SmtpRejection

export interface SmtpEnvelope {
  /** MAIL FROM address ('' for the null sender). */
  from: string
  /** RCPT TO addresses, in order. */
  to: string[]
}

/**
 * Nodemailer SMTP transport options for the loopback server: plain TCP, never STARTTLS
 * (`ignoreTLS`; the server does not offer it anyway). Same thing as the `url`.
 */
export interface LoopbackTransportOptions {
  host: string
  port: number
  secure: false
  ignoreTLS: true
}

/** `smtp://127.0.0.1:<port>?ignoreTLS=true`, a valid nodemailer transport URL. */
export function loopbackSmtpUrl(port: number): string {
  return `smtp://${LOOPBACK_HOST}:${port}?ignoreTLS=true`
}

export function loopbackTransportOptions(port: number): LoopbackTransportOptions {
  return { host: LOOPBACK_HOST, port, secure: false, ignoreTLS: true }
}

/** What `receive` gets besides the message: who sent it. */
export interface SmtpReceiveContext {
  /** The user name the client logged in with (AUTH), null without AUTH. */
  authUser: string | null
  /** Size of the whole message in bytes (`raw` may be cut short by `maxCaptureBytes`). */
  size: number
}

export interface LoopbackSmtpOptions<T> {
  /** Port to listen on; 0 (default) for an ephemeral one. `restart()` reuses the port it got. */
  port?: number
  /**
   * Keep only the first N bytes of each message in `raw` (the rest is read and dropped). Default:
   * everything. The load wrapper keeps the first bytes only, enough for the header section.
   */
  maxCaptureBytes?: number
  /**
   * Turns a message the server is about to accept (whole DATA read, the scripted behaviour says
   * accept) into what `onAccepted` hooks get, and is where callers record it. It runs BEFORE the
   * 250 reply, so once the sender's `sendMail` has resolved the message has been recorded. If it
   * throws, the message is refused with 451 (temporary failure) and is not recorded.
   */
  receive(envelope: SmtpEnvelope, raw: Buffer, context: SmtpReceiveContext): T | Promise<T>
  /** Log the SMTP sessions to the console (smtp-server's own logger). Default: silent. */
  logger?: boolean
}

export interface LoopbackSmtpServer<T> {
  /** The port, fixed once the first listen has happened (kept across stop/restart). */
  readonly port: number
  /** Nodemailer transport URL for this server, see `loopbackSmtpUrl`. */
  readonly url: string
  /** Nodemailer transport options for this server, see `loopbackTransportOptions`. */
  readonly transportOptions: LoopbackTransportOptions
  /** True between a (re)start and `stop()`. */
  readonly listening: boolean
  /**
   * What the server answers to the next messages. With `count`, for the next `count` messages only,
   * then back to 'accept'; without, until changed. The answer is chosen per message at MAIL FROM,
   * so a message already in flight keeps the answer it got (and a message the client abandons
   * after MAIL FROM still uses up one of the `count`).
   */
  respondWith(behaviour: SmtpBehaviour, count?: number): void
  /**
   * Calls `hook` for every accepted message, synchronously right after the 250 reply was written
   * to the socket: the sender (in the same process) cannot have seen the 250 yet, which is the
   * "accepted but the sender crashed before recording it" window. Returns a function removing the
   * hook. A hook that throws is reported as an uncaught error (it does not change the reply).
   */
  onAccepted(hook: (message: T) => void): () => void
  /** Removes every `onAccepted` hook. */
  clearHooks(): void
  /**
   * Stops listening at once (new connections are refused: ECONNREFUSED), tells open connections
   * "421 Service shutting down" and closes them; resolves once they are closed (at most ~1 s).
   * Idempotent.
   */
  stop(): Promise<void>
  /** Listens again on the same port (stopping first if needed), for "server down, then back". */
  restart(): Promise<void>
}

/** How long `stop()` lets open connections close before giving up on them. */
const CLOSE_TIMEOUT_MS = 1000

function rejectionError(rejection: SmtpRejection): SMTPServerError {
  const error: SMTPServerError = new Error(rejection.message)
  error.responseCode = rejection.code
  return error
}

function checkBehaviour(behaviour: SmtpBehaviour, count: number | undefined): void {
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
    throw new RangeError(`respondWith: count must be a positive integer, got ${count}`)
  }
  if (behaviour === 'accept' || behaviour === 'drop') return
  if (!(Number.isInteger(behaviour.code) && behaviour.code >= 400 && behaviour.code <= 599)) {
    throw new RangeError(`respondWith: an SMTP error code is 4xx or 5xx, got ${behaviour.code}`)
  }
  if (/[\r\n]/.test(behaviour.message)) {
    throw new RangeError('respondWith: the reply text must be a single line')
  }
}

/** Reads a DATA stream to its end, keeping at most `maxCaptureBytes` of it. */
function readMessage(
  stream: SMTPServerDataStream,
  maxCaptureBytes: number,
): Promise<{ raw: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let captured = 0
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (captured >= maxCaptureBytes) return
      const part =
        captured + chunk.length > maxCaptureBytes ? chunk.subarray(0, maxCaptureBytes - captured) : chunk
      chunks.push(part)
      captured += part.length
    })
    stream.once('end', () => resolve({ raw: Buffer.concat(chunks, captured), size }))
    stream.once('error', reject)
    // Destroyed without an error (the client went away mid-message): after 'end' this is a no-op.
    stream.once('close', () => reject(new Error('Connection closed before the message was received in full')))
  })
}

function envelopeOf(envelope: SMTPServerEnvelope): SmtpEnvelope {
  return {
    from: envelope.mailFrom ? envelope.mailFrom.address : '',
    to: envelope.rcptTo.map((recipient: SMTPServerAddress) => recipient.address),
  }
}

function authUserOf(session: SMTPServerSession): string | null {
  const user: unknown = session.user
  return typeof user === 'string' ? user : null
}

/** Starts the shared loopback SMTP server core; see `LoopbackSmtpServer`. */
export async function startLoopbackSmtp<T>(options: LoopbackSmtpOptions<T>): Promise<LoopbackSmtpServer<T>> {
  const maxCaptureBytes = options.maxCaptureBytes ?? Number.POSITIVE_INFINITY
  let port = options.port ?? 0
  let server: SMTPServer | null = null
  let stopping: Promise<void> | null = null

  // Scripted replies: `behaviour` for `remaining` more messages (Infinity: until changed).
  let behaviour: SmtpBehaviour = 'accept'
  let remaining = Number.POSITIVE_INFINITY
  // The answer chosen for each message at MAIL FROM. smtp-server makes a new envelope object for
  // every transaction, so the envelope identifies the message (and is dropped with it).
  const answers = new WeakMap<SMTPServerEnvelope, SmtpBehaviour>()
  const hooks = new Set<(message: T) => void>()

  function nextAnswer(): SmtpBehaviour {
    const answer = behaviour
    if (answer === 'accept') return answer
    remaining -= 1
    if (remaining <= 0) {
      behaviour = 'accept'
      remaining = Number.POSITIVE_INFINITY
    }
    return answer
  }

  function runHooks(message: T): void {
    for (const hook of [...hooks]) {
      try {
        hook(message)
      } catch (error) {
        // Surface it (the test runner reports uncaught errors) without disturbing the SMTP session.
        setImmediate(() => {
          throw error
        })
      }
    }
  }

  function onMailFrom(
    _address: SMTPServerAddress,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    answers.set(session.envelope, nextAnswer())
    callback()
  }

  function onRcptTo(
    _address: SMTPServerAddress,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const answer = answers.get(session.envelope) ?? 'accept'
    if (typeof answer === 'object' && answer.stage === 'rcpt') {
      callback(rejectionError(answer))
      return
    }
    callback()
  }

  function onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    // Captured now: smtp-server replaces session.envelope once the reply is sent.
    const envelope = session.envelope
    const answer = answers.get(envelope) ?? 'accept'
    const context = { authUser: authUserOf(session) }
    readMessage(stream, maxCaptureBytes).then(
      async ({ raw, size }) => {
        if (typeof answer === 'object' && answer.stage !== 'rcpt') {
          callback(rejectionError(answer))
          return
        }
        let message: T
        try {
          message = await options.receive(envelopeOf(envelope), raw, { ...context, size })
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error)
          callback(
            rejectionError({ code: 451, message: `Local SMTP server failed on the message: ${reason}` }),
          )
          return
        }
        if (answer === 'drop') {
          // No reply at all: the connection ends as if the 250 had been lost on its way.
          for (const connection of server?.connections ?? [])
            if (connection.id === session.id) connection.close()
          runHooks(message)
          return
        }
        callback(null, 'OK: message queued')
        runHooks(message)
      },
      (error: unknown) => {
        // The client went away mid-message: nobody is listening for the reply any more.
        callback(error instanceof Error ? error : new Error(String(error)))
      },
    )
  }

  async function listen(): Promise<void> {
    const candidate = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      // A client configured with credentials may log in over plain TCP; any credentials do.
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        callback(null, { user: auth.username ?? '' })
      },
      // No reverse DNS for 127.0.0.1 on every connection.
      disableReverseLookup: true,
      name: 'localhost',
      logger: options.logger ?? false,
      closeTimeout: CLOSE_TIMEOUT_MS,
      onMailFrom,
      onRcptTo,
      onData,
    })
    // Connection-level errors (a client resetting its socket, a server stopped mid-session) are
    // part of what the tests do; without a listener they would crash the process.
    candidate.on('error', (error) => {
      if (options.logger) console.error('local SMTP server:', error)
    })
    await new Promise<void>((resolve, reject) => {
      const onListenError = (error: Error): void => reject(error)
      candidate.server.once('error', onListenError)
      candidate.listen(port, LOOPBACK_HOST, () => {
        candidate.server.off('error', onListenError)
        resolve()
      })
    })
    const address = candidate.server.address()
    if (address === null || typeof address === 'string') throw new Error('SMTP server has no TCP address')
    port = address.port
    server = candidate
  }

  function stop(): Promise<void> {
    if (stopping) return stopping
    const current = server
    if (!current) return Promise.resolve()
    server = null
    stopping = new Promise<void>((resolve) => {
      // Stops accepting at once; calls back once the open connections are closed (or after
      // closeTimeout, when smtp-server drops the stragglers itself).
      current.close(() => resolve())
      for (const connection of [...current.connections]) {
        connection.send(421, 'Service shutting down')
        connection.close()
      }
    }).finally(() => {
      stopping = null
    })
    return stopping
  }

  await listen()

  return {
    get port() {
      return port
    },
    get url() {
      return loopbackSmtpUrl(port)
    },
    get transportOptions() {
      return loopbackTransportOptions(port)
    },
    get listening() {
      return server !== null
    },
    respondWith(next, count) {
      checkBehaviour(next, count)
      behaviour = next
      remaining = count ?? Number.POSITIVE_INFINITY
    },
    onAccepted(hook) {
      hooks.add(hook)
      return () => {
        hooks.delete(hook)
      }
    },
    clearHooks() {
      hooks.clear()
    },
    stop,
    async restart() {
      await stop()
      await listen()
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The load-script wrapper: counts, no parsing.

/** Enough for the header section of any message nodemailer writes; Message-ID is in there. */
const HEAD_BYTES = 64 * 1024

/**
 * The Message-ID header value (angle brackets included, as written) from the start of a raw
 * message, or null when the header section (as far as `raw` goes) has none.
 */
export function messageIdFromHead(raw: Buffer): string | null {
  const text = raw.toString('latin1')
  const blank = text.search(/\r?\n\r?\n/)
  const head = blank < 0 ? text : text.slice(0, blank)
  // Unfold continuation lines, then look for the header at the start of a line.
  const match = /^message-id:[ \t]*(.*)$/im.exec(head.replace(/\r?\n(?=[ \t])/g, ''))
  const value = match?.[1]?.trim()
  return value ? value : null
}

export interface LocalSmtpServer {
  port: number
  /** Nodemailer transport URL, `smtp://127.0.0.1:<port>?ignoreTLS=true`. */
  url: string
  /** Nodemailer transport options (same as `url`). */
  transportOptions: LoopbackTransportOptions
  /** Messages accepted (250 after DATA) so far. */
  count(): number
  /** Distinct Message-IDs seen among the accepted messages. */
  messageIds: Set<string>
  /** Accepted messages whose Message-ID had already been accepted: double deliveries. */
  duplicates(): number
  /** The Message-IDs received more than once, in the order the second copy came. */
  duplicateIds(): string[]
  /** Accepted messages without a Message-ID header. */
  withoutMessageId(): number
  /** Scripted failures, see `LoopbackSmtpServer.respondWith`. */
  respondWith(behaviour: SmtpBehaviour, count?: number): void
  /** Listen again on the same port after `stop()`. */
  restart(): Promise<void>
  /** Stop listening and close open connections (idempotent). */
  stop(): Promise<void>
}

/**
 * A loopback SMTP server for load scripts: accepts everything (unless told otherwise) and counts
 * accepted messages and duplicate Message-IDs, reading only the first bytes of each message.
 *
 *     const smtp = await startLocalSmtpServer()
 *     // ... point the app at smtp.url, run the load ...
 *     console.log(smtp.count(), smtp.duplicates())
 *     await smtp.stop()
 */
export async function startLocalSmtpServer(options: { port?: number } = {}): Promise<LocalSmtpServer> {
  const messageIds = new Set<string>()
  let count = 0
  const duplicateIds: string[] = []
  let withoutMessageId = 0
  const core = await startLoopbackSmtp<null>({
    port: options.port ?? 0,
    maxCaptureBytes: HEAD_BYTES,
    receive(_envelope, raw) {
      count += 1
      const id = messageIdFromHead(raw)
      if (id === null) withoutMessageId += 1
      else if (messageIds.has(id)) duplicateIds.push(id)
      else messageIds.add(id)
      return null
    },
  })
  return {
    port: core.port,
    url: core.url,
    transportOptions: core.transportOptions,
    count: () => count,
    messageIds,
    duplicates: () => duplicateIds.length,
    duplicateIds: () => [...duplicateIds],
    withoutMessageId: () => withoutMessageId,
    respondWith: (behaviour, times) => core.respondWith(behaviour, times),
    restart: () => core.restart(),
    stop: () => core.stop(),
  }
}
