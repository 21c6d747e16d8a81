/**
 * Several outbox workers on one database (issue 17, item 3): every claim names its worker, and a
 * worker reconciling what was left "sending" marks uncertain only what a gone worker left: never
 * a message another live worker, or this one, is handing over. Two workers draining one outbox at
 * once hand each message to the mail server once.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import { manualClock } from '../../src/lib/clock.js'
import { projectPath } from '../../src/lib/paths.js'
import { claimBatch } from '../../src/outbox/claim.js'
import { reconcileInterrupted } from '../../src/outbox/index.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'

const MINUTE = 60_000

async function queueOne(ctx: AppContext, n: number) {
  return ctx.outbox.queue(ctx.db, {
    kind: 'member_confirmation',
    recipients: [`worker${n}@example.org`],
    payload: {
      name: `Member ${n}`,
      url: `http://localhost:3000/join/confirm/${n}`,
      expires: TEST_NOW,
      updates: true,
    },
  })
}

/** The message claimed by a worker of that name (as that worker's claim would), left "sending". */
async function claimedBy(ctx: AppContext, worker: string) {
  const message = await queueOne(ctx, Math.floor(Math.random() * 1e9))
  const { claimed } = await claimBatch({ ...ctx, outbox: { ...ctx.outbox, worker } }, 10)
  expect(claimed.map((c) => c.message.id)).toContain(message.id)
  return message.id
}

async function statusOf(ctx: AppContext, id: number) {
  const row = await ctx.db
    .selectFrom('outbox_message')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return row.status
}

describe('reconciling with several workers', async () => {
  const clock = manualClock(TEST_NOW)
  const ctx = await createTestContext({ clock })

  it("leaves another machine's live worker's message, until its worker has been silent too long", async () => {
    const id = await claimedBy(ctx, 'elsewhere.example:4242:0badf00d')
    await reconcileInterrupted(ctx)
    expect(await statusOf(ctx, id)).toBe('sending')
    clock.advance(6 * MINUTE)
    await reconcileInterrupted(ctx)
    expect(await statusOf(ctx, id)).toBe('uncertain')
  })

  it('marks at once what a process of this machine that no longer runs left', async () => {
    const gonePid = 4_194_000 // above any pid in use here (checked below)
    expect(() => process.kill(gonePid, 0)).toThrow()
    const id = await claimedBy(ctx, `${os.hostname()}:${gonePid}:c0ffee00`)
    await reconcileInterrupted(ctx)
    expect(await statusOf(ctx, id)).toBe('uncertain')
  })

  it("leaves this outbox's own message while it is in flight, and marks it once the pass is gone", async () => {
    const id = await claimedBy(ctx, ctx.outbox.worker)
    ctx.outbox.inFlight.add(id)
    await reconcileInterrupted(ctx)
    expect(await statusOf(ctx, id)).toBe('sending')
    ctx.outbox.inFlight.delete(id)
    await reconcileInterrupted(ctx)
    expect(await statusOf(ctx, id)).toBe('uncertain')
  })
})

describe('two workers on one outbox', async () => {
  const smtp = await startTestSmtpServer()
  const ctx = await createTestContext({ env: { SMTP_URL: smtp.url } })

  /** `npm run outbox:work` in a process of its own: reconcile, the jobs, one drain, exit. */
  function outboxWork(): Promise<{ code: number | null; out: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', projectPath('scripts/outbox-work.ts')], {
      cwd: projectPath(),
      env: {
        ...process.env,
        DATABASE_PATH: ctx.config.databasePath,
        ...(ctx.config.databaseUrl ? { DATABASE_URL: ctx.config.databaseUrl } : {}),
        OUTBOX_DIR: ctx.config.mail.outboxDir,
        SMTP_URL: smtp.url,
        OUTBOX_CONCURRENCY: '4',
        LOG_LEVEL: 'silent',
      },
    })
    let out = ''
    child.stdout.on('data', (chunk) => (out += String(chunk)))
    child.stderr.on('data', (chunk) => (out += String(chunk)))
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })))
  }

  it('hands each message to the mail server once, whichever worker claimed it', {
    timeout: 60_000,
  }, async () => {
    for (let n = 0; n < 200; n++) await queueOne(ctx, n)
    const runs = await Promise.all([outboxWork(), outboxWork()])
    await smtp.stop()
    for (const run of runs) expect(run.code, run.out).toBe(0)
    const ids = smtp.messages.map((m) => m.parsed.messageId)
    expect(ids).toHaveLength(200)
    expect(new Set(ids).size).toBe(200)
    const statuses = await ctx.db.selectFrom('outbox_message').select('status').distinct().execute()
    expect(statuses.map((s) => s.status)).toEqual(['sent'])
    // Neither took the other's messages in flight for interrupted.
    expect(runs.map((r) => r.out).join('\n')).toMatch(
      /interrupted before: 0 uncertain[\s\S]*interrupted before: 0 uncertain/,
    )
    const workers = await ctx.db.selectFrom('delivery_attempt').select('worker').distinct().execute()
    expect(workers.length, 'both workers claimed messages').toBe(2)
  })
})
