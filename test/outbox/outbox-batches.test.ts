/**
 * The outbox claims and records in batches (issue 16, item 3: a statement per batch rather than
 * per message). Each message of a batch still gets its own record: its own reply from the mail
 * server, its own attempt, its own letter moved with its own Message-ID, its own writer's copy.
 * A worker is written alive at its first claim and again only once half of that time has passed.
 * The letters' loader reads the letters asked for in one turn in one query, and nothing older.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/context.js'
import type { Database } from '../../src/db/connection.js'
import { engineOf } from '../../src/db/engine.js'
import { confirmEmailDelivery } from '../../src/delivery/delivery.service.js'
import { letterLoaderFor } from '../../src/letters/index.js'
import { manualClock } from '../../src/lib/clock.js'
import { claimBatch } from '../../src/outbox/claim.js'
import { recordAccepted } from '../../src/outbox/handover-records.js'
import { drainOutbox } from '../../src/outbox/outbox-pass.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'
import { confirmedLetter, letterAwaitingConfirmation, transportFor } from '../delivery/delivery-helpers.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { createTestContext, TEST_NOW } from '../helpers/test-context.js'

const MINUTE = 60_000
const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const ctx = await createTestContext({ clock, env: { SMTP_URL: smtp.url } })
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})

// The fixtures give France's mission an e-mail address: four writers write to it.
const WRITERS = 4

async function letterRow(publicId: string) {
  return ctx.db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirstOrThrow()
}

async function aliveUntil(context: AppContext, worker: string) {
  const row = await context.db
    .selectFrom('outbox_worker')
    .select('alive_until')
    .where('name', '=', worker)
    .executeTakeFirst()
  return row?.alive_until ?? null
}

describe('a batch of handovers recorded at once', () => {
  it('gives each message its own reply, attempt, letter move and writer’s copy', async () => {
    const letters = []
    // Written, their confirmation e-mails sent, then confirmed: four mission letters due at once.
    for (let n = 0; n < WRITERS; n++)
      letters.push(await letterAwaitingConfirmation(ctx, { email: `writer${n}@example.org` }))
    await runJobsThenDrain(ctx, transport)
    for (const { token } of letters) await confirmEmailDelivery(ctx, token)
    const { claimed } = await claimBatch(ctx, 10)
    expect(claimed.map((c) => c.message.kind)).toEqual(Array(WRITERS).fill('mission_letter'))
    for (const { id } of letters) expect((await letterRow(id)).status).toBe('sending')

    await recordAccepted(
      ctx,
      claimed.map(({ message, attemptId }) => ({
        message,
        attemptId,
        handover: {
          response: `250 2.0.0 queued as Q${message.id}`,
          accepted: JSON.parse(message.recipients) as string[],
          rejected: [],
        },
      })),
    )

    for (const { message, attemptId } of claimed) {
      const row = await ctx.db
        .selectFrom('outbox_message')
        .selectAll()
        .where('id', '=', message.id)
        .executeTakeFirstOrThrow()
      expect(row).toMatchObject({ status: 'sent', last_response: `250 2.0.0 queued as Q${message.id}` })
      expect(row.sent_at).toBe(TEST_NOW)
      const attempt = await ctx.db
        .selectFrom('delivery_attempt')
        .selectAll()
        .where('id', '=', attemptId)
        .executeTakeFirstOrThrow()
      expect(attempt).toMatchObject({
        outbox_id: message.id,
        outcome: 'accepted',
        response: `250 2.0.0 queued as Q${message.id}`,
        finished_at: TEST_NOW,
      })
      const letter = await ctx.db
        .selectFrom('letter')
        .selectAll()
        .where('id', '=', message.letter_id!)
        .executeTakeFirstOrThrow()
      expect(letter).toMatchObject({ status: 'sent', message_id: message.message_id, sent_at: TEST_NOW })
    }
    const copies = await ctx.db
      .selectFrom('outbox_message')
      .select(['letter_id', 'recipients', 'status'])
      .where('kind', '=', 'supporter_copy')
      .orderBy('letter_id')
      .execute()
    const expected = await Promise.all(
      letters.map(async ({ id }, n) => ({
        letter_id: (await letterRow(id)).id,
        recipients: JSON.stringify([`writer${n}@example.org`]),
        status: 'queued',
      })),
    )
    expect(copies).toEqual(expected.sort((a, b) => a.letter_id - b.letter_id))
  })

  it('refuses a letter move the letters’ states forbid, changing nothing in the batch', async () => {
    const { id: publicId } = await confirmedLetter(ctx, transport, { email: 'late@example.org' })
    const { claimed } = await claimBatch(ctx, 10)
    const mine = claimed.filter((c) => c.message.kind === 'mission_letter')
    expect(mine).toHaveLength(1)
    // Withdrawn meanwhile by hand (a letter in "draft" cannot become "sent").
    await ctx.db.updateTable('letter').set({ status: 'draft' }).where('public_id', '=', publicId).execute()
    const accepted = mine.map(({ message, attemptId }) => ({
      message,
      attemptId,
      handover: { response: '250 ok', accepted: [], rejected: [] },
    }))
    await expect(recordAccepted(ctx, accepted)).rejects.toThrow(/cannot become sent/)
    const row = await ctx.db
      .selectFrom('outbox_message')
      .select('status')
      .where('id', '=', mine[0]!.message.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('sending')
  })
})

describe('a writer’s copy queued while the pass looks for more', () => {
  /**
   * The database, holding back a claim that found nothing once a mission letter has been handed
   * over, until that letter's record (which queues the writer's copy) has ended and been seen:
   * the claim read the outbox before the copy was there and returns after the pass knows the
   * record is done. On PostgreSQL the two run on two connections, as under load in CI, where the
   * copy was left for the next pass. On SQLite one transaction runs at a time: no hold is needed,
   * the claim and the record take turns.
   */
  function claimsHeldUntilRecorded(db: Database, recorded: Promise<void>) {
    let holdNextEmptyClaim = false
    const claims = new Set<unknown>()
    const held = db.withPlugin({
      transformQuery(args) {
        const node = args.node as { kind: string; sqlFragments?: readonly string[] }
        if (node.kind === 'RawNode' && node.sqlFragments?.join('').includes("set status = 'sending'"))
          claims.add(args.queryId)
        return args.node
      },
      async transformResult(args) {
        if (holdNextEmptyClaim && claims.has(args.queryId) && args.result.rows.length === 0) {
          holdNextEmptyClaim = false
          await recorded
          // The record's own ending (its `finally`) runs before the claim returns.
          await new Promise((resolve) => setImmediate(resolve))
        }
        return args.result
      },
    }) as Database
    // Holding a claim on SQLite would hold its one connection, which the record waits for.
    const canHold = engineOf(db) === 'postgres'
    return { held, armAfterHandover: () => (holdNextEmptyClaim = canHold) }
  }

  it('goes in the same pass, even when a claim that found nothing ends after the record', async () => {
    const letter = await confirmedLetter(ctx, transport, { email: 'copy.same.pass@example.org' })
    smtp.reset()
    let letterRecorded = () => {}
    const recorded = new Promise<void>((resolve) => (letterRecorded = resolve))
    const { held, armAfterHandover } = claimsHeldUntilRecorded(ctx.db, recorded)
    const result = await drainOutbox({ ...ctx, db: held }, transport, {
      onStep: (step, message) => {
        if (message.kind !== 'mission_letter') return
        if (step === 'accepted') armAfterHandover()
        if (step === 'recorded') letterRecorded()
      },
    })
    expect(result.sent).toBe(2)
    const row = await letterRow(letter.id)
    const copy = await ctx.db
      .selectFrom('outbox_message')
      .select(['status', 'recipients'])
      .where('letter_id', '=', row.id)
      .where('kind', '=', 'supporter_copy')
      .executeTakeFirstOrThrow()
    expect(copy.status).toBe('sent')
    // The mission's letter, then the copy, each once.
    expect(smtp.messages.map((m) => m.envelope.to)).toEqual([
      JSON.parse(
        (
          await ctx.db
            .selectFrom('outbox_message')
            .select('recipients')
            .where('letter_id', '=', row.id)
            .where('kind', '=', 'mission_letter')
            .executeTakeFirstOrThrow()
        ).recipients,
      ),
      ['copy.same.pass@example.org'],
    ])
  })
})

describe("a worker's liveness", () => {
  it('is written at the first claim, then again only once half of its time has passed', async () => {
    const queue = (n: number) =>
      ctx.outbox.queue(ctx.db, {
        kind: 'organizer_notice',
        recipients: [`admin${n}@example.org`],
        payload: {},
      })
    const worker = ctx.outbox.worker
    await queue(1)
    await claimBatch(ctx, 10)
    const first = await aliveUntil(ctx, worker)
    expect(first).toBe(new Date(Date.parse(TEST_NOW) + 5 * MINUTE).toISOString())

    clock.advance(2 * MINUTE)
    await queue(2)
    expect((await claimBatch(ctx, 10)).claimed).toHaveLength(1)
    expect(await aliveUntil(ctx, worker)).toBe(first)

    clock.advance(MINUTE)
    await queue(3)
    await claimBatch(ctx, 10)
    expect(await aliveUntil(ctx, worker)).toBe(new Date(Date.parse(TEST_NOW) + 8 * MINUTE).toISOString())

    // Another worker's name on the same outbox (tests, a restarted worker) writes its own row.
    const other = { ...ctx, outbox: { ...ctx.outbox, worker: 'elsewhere.example:7:00ff00ff' } }
    await queue(4)
    await claimBatch(other, 10)
    expect(await aliveUntil(ctx, 'elsewhere.example:7:00ff00ff')).not.toBeNull()
  })
})

describe("the letters' loader", () => {
  /** The database, counting the queries that read the letter table. */
  function counting(db: Database) {
    const reads = { letters: 0 }
    const counted = db.withPlugin({
      transformQuery(args) {
        const node = args.node as {
          kind: string
          from?: { froms: { table: { identifier: { name: string } } }[] }
        }
        if (
          node.kind === 'SelectQueryNode' &&
          node.from?.froms.some((f) => f.table?.identifier?.name === 'letter')
        )
          reads.letters++
        return args.node
      },
      transformResult: async (args) => args.result,
    }) as Database
    return { counted, reads }
  }

  it('reads the letters asked for in one turn in one query, each as it now is', async () => {
    const rows = await ctx.db
      .selectFrom('letter')
      .select(['id', 'reference'])
      .orderBy('id')
      .limit(3)
      .execute()
    expect(rows.length).toBe(3)
    const { counted, reads } = counting(ctx.db)
    const loader = letterLoaderFor(counted)
    const found = await Promise.all([...rows.map((r) => loader.letter(r.id)), loader.letter(999_999)])
    expect(found.map((f) => f?.reference)).toEqual([...rows.map((r) => r.reference), undefined])
    expect(reads.letters).toBe(1)

    // Nothing kept beyond the turn: a change is read at the next load.
    await ctx.db
      .updateTable('letter')
      .set({ supporter_name: 'Changed Name' })
      .where('id', '=', rows[0]!.id)
      .execute()
    expect((await loader.letter(rows[0]!.id))?.supporter_name).toBe('Changed Name')
    expect(reads.letters).toBe(2)
  })
})
