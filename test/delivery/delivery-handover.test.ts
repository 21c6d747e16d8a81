/**
 * Exactly once or uncertain: the process stopped at each step of a handover to a real SMTP server
 * on loopback, then started again on the same SQLite file (a new context, reconciliation, the
 * worker), with a manual clock. The mail server must never receive one Message-ID twice, and
 * nothing may be lost silently: a message is either received once and "sent", or "uncertain" for
 * an organizer (README, How delivery works).
 */
import { pino } from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createContext } from '../../src/context.js'
import type { OutboxMessageRow } from '../../src/db/schema.js'
import { manualClock } from '../../src/lib/clock.js'
import { type HandoverStep, reconcileInterrupted } from '../../src/outbox/index.js'
import { createTransport, type TransportOptions } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'
import {
  confirmedLetter,
  FRANCE_EMAIL,
  letterAwaitingConfirmation,
  transportFor,
} from './delivery-helpers.js'

const HOUR = 3_600_000
const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const setup = await createTestContext({
  clock,
  env: { SMTP_URL: smtp.url, MAIL_FROM: 'Code Blue letters <letters@codeblue.example>' },
})
const setupTransport = transportFor(setup)
afterAll(async () => {
  setupTransport.close()
  await smtp.stop()
})
beforeAll(() => setMission(setup, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))
beforeEach(async () => {
  // Whatever earlier cases left due (a writer's copy of a delivered letter) goes out first.
  clock.advance(24 * HOUR)
  await runJobsThenDrain(setup, setupTransport)
  smtp.reset()
})

/** One life of the process: its own database connection and SMTP pool on the same file. */
async function startProcess(options: TransportOptions = {}) {
  const ctx = await createContext(setup.config, { clock, log: pino({ level: 'silent' }) })
  const transport = createTransport(setup.config.mail, options)
  return {
    ctx,
    transport,
    /** The process is gone: its connection to the mail server drops, even mid-message. */
    async stop() {
      // The database first: a pass still waiting on the mail server can write nothing after this.
      await ctx.close()
      transport.close({ force: true })
    },
  }
}

/** The message a case is about: the mission letter, or the writer's confirmation link. */
async function queuedMessage(kind: 'mission_letter' | 'confirmation'): Promise<OutboxMessageRow> {
  const { id } =
    kind === 'mission_letter'
      ? await confirmedLetter(setup, setupTransport)
      : await letterAwaitingConfirmation(setup)
  smtp.reset()
  return setup.db
    .selectFrom('outbox_message')
    .innerJoin('letter', 'letter.id', 'outbox_message.letter_id')
    .selectAll('outbox_message')
    .where('letter.public_id', '=', id)
    .where('outbox_message.kind', '=', kind)
    .where('outbox_message.status', '=', 'queued')
    .executeTakeFirstOrThrow()
}

/** The process ends at `step` while handing `target` over. */
async function lifeKilledAt(step: HandoverStep | 'data', target: OutboxMessageRow): Promise<void> {
  if (step === 'data') {
    // Half of DATA written, then the process is gone: the connection closes mid-message.
    let inData: () => void = () => undefined
    const reached = new Promise<void>((resolve) => {
      inData = resolve
    })
    const life = await startProcess({
      duringData: (messageId) => {
        if (messageId !== target.message_id) return
        inData()
        return new Promise<void>(() => undefined)
      },
    })
    const pass = runJobsThenDrain(life.ctx, life.transport).catch(() => undefined)
    await reached
    await life.stop()
    await pass
    return
  }
  const life = await startProcess()
  try {
    await expect(
      runJobsThenDrain(life.ctx, life.transport, {
        onStep: (at, message) => {
          if (at === step && message.id === target.id) throw new Error(`killed at ${step}`)
        },
      }),
    ).rejects.toThrow(`killed at ${step}`)
  } finally {
    await life.stop()
  }
}

/** The next start: reconciliation, then the worker's passes over the next hours (every backoff). */
async function nextLife(): Promise<void> {
  const life = await startProcess()
  try {
    await reconcileInterrupted(life.ctx)
    for (let i = 0; i < 4; i++) {
      await runJobsThenDrain(life.ctx, life.transport)
      clock.advance(HOUR)
    }
  } finally {
    await life.stop()
  }
}

async function outcome(target: OutboxMessageRow) {
  const row = await setup.db
    .selectFrom('outbox_message')
    .select('status')
    .where('id', '=', target.id)
    .executeTakeFirstOrThrow()
  const received = smtp.messages.filter((m) => m.parsed.messageId === target.message_id).length
  return { status: row.status, received }
}

// What each stop leaves, for every kind of message alike: received at most once, never lost silently.
const cases: { step: HandoverStep | 'data'; status: string; received: number; left: string }[] = [
  // Never claimed: the next start sends it.
  { step: 'claiming', status: 'sent', received: 1, left: 'sent once' },
  { step: 'claimed', status: 'uncertain', received: 0, left: 'uncertain, not received' },
  { step: 'data', status: 'uncertain', received: 0, left: 'uncertain, not received' },
  { step: 'accepted', status: 'uncertain', received: 1, left: 'uncertain, received once' },
  { step: 'recorded', status: 'sent', received: 1, left: 'sent once' },
]

describe.each(['mission_letter', 'confirmation'] as const)(
  'a %s handed over by a process that stops',
  (kind) => {
    it.each(cases)('stopped at $step: $left', async ({ step, status, received }) => {
      const target = await queuedMessage(kind)
      await lifeKilledAt(step, target)
      await nextLife()
      expect(await outcome(target)).toEqual({ status, received })
    })
  },
)

describe('a mail server whose reply is lost after the whole message', () => {
  it.each(['mission_letter', 'confirmation'] as const)(
    'leaves a %s uncertain and never sends it again',
    async (kind) => {
      const target = await queuedMessage(kind)
      smtp.respondWith('drop', 1)
      const life = await startProcess()
      try {
        await runJobsThenDrain(life.ctx, life.transport)
        for (let i = 0; i < 4; i++) {
          clock.advance(HOUR)
          await runJobsThenDrain(life.ctx, life.transport)
        }
      } finally {
        await life.stop()
      }
      expect(await outcome(target)).toEqual({ status: 'uncertain', received: 1 })
      const attempts = await setup.db
        .selectFrom('delivery_attempt')
        .select(['outcome', 'response'])
        .where('outbox_id', '=', target.id)
        .execute()
      expect(attempts).toEqual([
        { outcome: 'uncertain', response: expect.stringContaining('no reply after the whole message') },
      ])
    },
  )

  it('still retries a server that refused the connection (nothing was sent)', async () => {
    const target = await queuedMessage('mission_letter')
    await smtp.stop()
    const life = await startProcess()
    try {
      await runJobsThenDrain(life.ctx, life.transport)
      expect((await outcome(target)).status).toBe('queued')
      await smtp.restart()
      clock.advance(HOUR)
      await runJobsThenDrain(life.ctx, life.transport)
    } finally {
      await life.stop()
    }
    expect(await outcome(target)).toEqual({ status: 'sent', received: 1 })
  })
})
