/**
 * Several messages in flight at once: each still reaches the mail server exactly once, is
 * recorded once, and a running worker is woken by ctx.outbox.wake() rather than its interval.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { drainOutbox, type MailTransport, startOutboxWorker } from '../../src/outbox/index.js'
import { transportFor } from '../delivery/delivery-helpers.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { createTestContext } from '../helpers/test-context.js'

const smtp = await startTestSmtpServer()
const ctx = await createTestContext({ env: { SMTP_URL: smtp.url, SMTP_POOL_CONNECTIONS: '4' } })
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})
beforeEach(() => smtp.reset())

/** A member's confirmation link, queued as the join form queues it. */
async function queueConfirmation(n: number) {
  return ctx.outbox.queue(ctx.db, {
    kind: 'member_confirmation',
    recipients: [`flight${n}@example.org`],
    payload: {
      name: `Member ${n}`,
      url: `http://localhost:3000/join/confirm/${n}`,
      expires: '2026-06-08T12:00:00.000Z',
      updates: true,
    },
  })
}

/** The transport, counting how many handovers are under way at once. */
function countingInFlight(inner: MailTransport) {
  const seen = { now: 0, most: 0 }
  const counted: MailTransport = {
    kind: inner.kind,
    async send(mail) {
      seen.now++
      seen.most = Math.max(seen.most, seen.now)
      try {
        return await inner.send(mail)
      } finally {
        seen.now--
      }
    },
    close: () => inner.close(),
  }
  return { counted, seen }
}

async function statuses(context: Pick<AppContext, 'db'>) {
  return context.db.selectFrom('outbox_message').select(['status', 'attempts']).execute()
}

describe('handing messages over concurrently', () => {
  it('delivers each message once, with up to OUTBOX_CONCURRENCY in flight', async () => {
    const total = 60
    for (let n = 0; n < total; n++) await queueConfirmation(n)
    const { counted, seen } = countingInFlight(transport)
    const result = await drainOutbox(ctx, counted, { concurrency: 8 })
    expect(result).toEqual({ sent: total, retried: 0, failed: 0 })
    expect(seen.most).toBeGreaterThan(1)
    expect(seen.most).toBeLessThanOrEqual(8)
    const ids = smtp.messages.map((m) => m.parsed.messageId)
    expect(ids).toHaveLength(total)
    expect(new Set(ids).size).toBe(total)
    expect((await statuses(ctx)).every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true)
    // Every attempt was recorded once, and closed as accepted.
    const attempts = await ctx.db.selectFrom('delivery_attempt').select(['outbox_id', 'outcome']).execute()
    expect(attempts).toHaveLength(total)
    expect(new Set(attempts.map((a) => a.outbox_id)).size).toBe(total)
    expect(attempts.every((a) => a.outcome === 'accepted')).toBe(true)
    // A second drain finds nothing to send.
    expect(await drainOutbox(ctx, counted, { concurrency: 8 })).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(smtp.messages).toHaveLength(total)
  })

  it('a worker is woken by ctx.outbox.wake(), long before its interval', async () => {
    const worker = await startOutboxWorker(ctx, transport, 3_600_000)
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)) // the first pass, on an empty outbox
      expect(smtp.messages).toHaveLength(0)
      await queueConfirmation(1000)
      ctx.outbox.wake()
      const [mail] = await smtp.waitForMessages(1, 5000)
      expect(mail?.envelope.to).toEqual(['flight1000@example.org'])
    } finally {
      await worker.stop()
    }
    // Once stopped, a wake sends nothing.
    await queueConfirmation(1001)
    ctx.outbox.wake()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(smtp.messages).toHaveLength(1)
  })
})
