import { ImapFlow } from 'imapflow'
import type { AppContext } from '../app-context.js'
import type { ImapAccount } from '../config-bounces.js'
import { readDeliveryReport } from './bounce-report.js'
import { type ReportOutcome, recordDeliveryReport } from './bounces.js'

// The bounce mailbox (BOUNCE_IMAP_URL): where the bounce domain's mail is delivered, read over
// IMAP. Each unseen message is read; a delivery status notification is recorded (bounces.ts);
// anything read is then flagged \Seen, so the next reading skips it. One message that cannot be
// read or recorded never stops the others.

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'log'>

/** At most this many messages per reading: a flood waits for the next one. */
const BATCH = 200

export interface MailboxReading {
  /** Messages looked at. */
  read: number
  /** Reports that recorded a bounce. */
  recorded: number
  /** Messages that were no report, or a report of nothing new (or forged). */
  ignored: number
  /** Messages that could not be recorded: left unseen, tried again next time. */
  failed: number
}

/** Reads the bounce mailbox once; nothing when BOUNCE_IMAP_URL is not set. */
export async function readBounces(ctx: Ctx): Promise<MailboxReading> {
  const reading: MailboxReading = { read: 0, recorded: 0, ignored: 0, failed: 0 }
  const account = ctx.config.bounces.imap
  if (!account) return reading
  const client = connectTo(account)
  // An EventEmitter's 'error' with no listener would end the process: a dropped connection is
  // reported by the command under way instead.
  client.on('error', (error: unknown) => ctx.log.warn({ err: error }, 'bounce mailbox: connection error'))
  await client.connect()
  try {
    const lock = await client.getMailboxLock(account.mailbox)
    try {
      const unseen = (await client.search({ seen: false }, { uid: true })) || []
      if (unseen.length === 0) return reading
      const messages = await client.fetchAll(unseen.slice(0, BATCH), { source: true }, { uid: true })
      const done: number[] = []
      for (const message of messages) {
        reading.read++
        const outcome = await handle(ctx, message.uid, message.source)
        if (outcome === 'failed') {
          reading.failed++
          continue
        }
        reading[outcome === 'recorded' ? 'recorded' : 'ignored']++
        done.push(message.uid)
      }
      if (done.length > 0) await client.messageFlagsAdd(done, ['\\Seen'], { uid: true })
    } finally {
      lock.release()
    }
  } finally {
    await client.logout().catch(() => client.close())
  }
  if (reading.read > 0) ctx.log.info({ ...reading }, 'bounce mailbox read')
  return reading
}

async function handle(
  ctx: Ctx,
  uid: number,
  source: Buffer | undefined,
): Promise<ReportOutcome | 'not_a_report' | 'failed'> {
  let report: Awaited<ReturnType<typeof readDeliveryReport>>
  try {
    report = source ? await readDeliveryReport(source) : null
  } catch (error) {
    // Unreadable now is unreadable next time: seen, and logged.
    ctx.log.warn({ err: error, uid }, 'bounce mailbox: a message could not be parsed')
    return 'not_a_report'
  }
  if (!report) return 'not_a_report'
  try {
    return await recordDeliveryReport(ctx, report)
  } catch (error) {
    ctx.log.error({ err: error, uid }, 'bounce mailbox: a report could not be recorded')
    return 'failed'
  }
}

function connectTo(account: ImapAccount): ImapFlow {
  const loopback = account.host === '127.0.0.1' || account.host === '::1' || account.host === 'localhost'
  return new ImapFlow({
    host: account.host,
    port: account.port,
    secure: account.secure,
    // The password never crosses the network in clear: STARTTLS or no connection, but on loopback.
    doSTARTTLS: account.secure || loopback ? undefined : true,
    auth: { user: account.user, pass: account.password },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  })
}

// When each context's mailbox was last read (wall time: it spaces out connections, whatever the
// application's clock says).
const lastReading = new WeakMap<object, number>()

/**
 * Reads the bounce mailbox if BOUNCE_IMAP_URL is set and BOUNCE_CHECK_INTERVAL_MS has passed
 * since the last reading; the outbox pass calls it. A failure is logged, never thrown.
 */
export async function readBouncesWhenDue(ctx: Ctx): Promise<void> {
  if (!ctx.config.bounces.imap) return
  const now = Date.now()
  const last = lastReading.get(ctx.db)
  if (last !== undefined && now - last < ctx.config.bounces.checkIntervalMs) return
  lastReading.set(ctx.db, now)
  try {
    await readBounces(ctx)
  } catch (error) {
    ctx.log.warn({ err: error }, 'the bounce mailbox could not be read')
  }
}
