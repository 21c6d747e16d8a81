import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { getCoverage } from '../../src/canvassing/coverage.service.js'
import { engineOf } from '../../src/db/connection.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import { applyRetention, retentionCutoff } from '../../src/delivery/retention.js'
import { markPrintedLetterDelivered } from '../../src/letters/letter-handover.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { createTransport } from '../../src/outbox/transports.js'
import { pass, tokenFromOutbox } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const DAY = 86_400_000

// The default RETENTION_DAYS (365): a letter delivered on 1 June 2026 loses its personal
// paragraph and address on 1 June 2027, from midnight UTC, and not a moment before.
const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({ clock })
const files = createTransport(ctx.config.mail)
await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })

const WRITER = {
  name: 'Henrietta Keepname',
  email: 'henrietta@retention.example',
  address: ['Flat 4, 12 Forgetful Street', 'Rememberton Green'],
  city: 'Lapseford',
  note: 'My own paragraph, which should not outlive its purpose.',
}

async function writeLetter(state: string, extra: object = {}) {
  return createLetter(ctx, {
    state,
    language: 'en',
    supporter: {
      name: WRITER.name,
      addressLines: WRITER.address,
      city: WRITER.city,
      country: 'GB',
      email: WRITER.email,
    },
    personalNote: WRITER.note,
    ...extra,
  })
}

async function row(publicId: string) {
  return ctx.db.selectFrom('letter').selectAll().where('public_id', '=', publicId).executeTakeFirstOrThrow()
}

function emlFiles(): string[] {
  const dir = ctx.config.mail.outboxDir
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.eml')) : []
}

function filesMentioning(text: string): string[] {
  const dir = ctx.config.mail.outboxDir
  return emlFiles().filter((name) => fs.readFileSync(path.join(dir, name), 'utf8').includes(text))
}

// Delivered by e-mail on 1 June 2026 at 12:00 UTC (written to .eml files: no SMTP_URL).
const emailed = await writeLetter('FRA')
await requestEmailDelivery(ctx, emailed.id, {})
await pass(ctx, files)
await confirmEmailDelivery(ctx, await tokenFromOutbox(ctx, emailed.id))
await pass(ctx, files)
// Printed, and delivered by hand a day later.
const handed = await writeLetter('KEN')
await markLetterPrinted(ctx, handed.id)
clock.advance(DAY)
await markPrintedLetterDelivered(ctx, SHELL_ACTOR, handed.id)
// Never delivered: retention counts from delivery, so it does not apply.
const draft = await writeLetter('ESP')

const before = {
  emailed: await row(emailed.id),
  handed: await row(handed.id),
  draft: await row(draft.id),
  stats: await ctx.db.selectFrom('state_letter_stats').selectAll().orderBy('state_iso3').execute(),
}

describe('retention', () => {
  it('is due from the start of the day, RETENTION_DAYS after the day of delivery', () => {
    expect(ctx.config.members.retentionDays).toBe(365)
    expect(retentionCutoff('2027-06-01', 365)).toBe('2026-06-02T00:00:00.000Z')
    expect(retentionCutoff('2026-06-02', 1)).toBe('2026-06-02T00:00:00.000Z')
  })

  it('changes nothing the day before', async () => {
    expect(
      filesMentioning(WRITER.note.slice(0, 30)).length + filesMentioning(WRITER.email).length,
    ).toBeGreaterThan(0)
    const filesBefore = emlFiles()
    clock.set('2027-05-31T23:59:59.999Z')
    await pass(ctx, files)
    expect(await row(emailed.id)).toEqual(before.emailed)
    expect(await row(handed.id)).toEqual(before.handed)
    expect(emlFiles()).toEqual(filesBefore)
  })

  it('removes the personal paragraph and the postal address on the day, by an outbox pass', async () => {
    clock.set('2027-06-01T00:00:00.000Z')
    await pass(ctx, files)
    const after = await row(emailed.id)
    expect(after).toMatchObject({
      personal_note: null,
      supporter_address_lines: '[]',
      supporter_city: null,
      personal_data_removed_at: '2027-06-01T00:00:00.000Z',
      // What stays: the writer, how to reach them, where they wrote from, and every fact counted.
      supporter_name: WRITER.name,
      supporter_email: WRITER.email,
      supporter_country: 'GB',
      status: 'sent',
      channel: 'email',
      sent_at: before.emailed.sent_at,
      reply_requested_at: before.emailed.reply_requested_at,
    })
    const doc = JSON.parse(after.document)
    const was = JSON.parse(before.emailed.document)
    expect(JSON.stringify(doc)).not.toContain(WRITER.note)
    expect(JSON.stringify(doc)).not.toContain(WRITER.city)
    for (const line of WRITER.address) expect(JSON.stringify(doc)).not.toContain(line)
    expect(doc.paragraphs).toHaveLength(was.paragraphs.length - 1)
    expect(doc.sender).toEqual([WRITER.name, 'United Kingdom'])
    expect(doc.signature).toEqual(was.signature)
    expect(doc.dateLine).toBe('1\u00a0June\u00a02026') // a date never breaks across lines
    expect(doc.paragraphs[0]).toMatch(/^I am writing from \[…\], United Kingdom, to ask that France support/)
    // Its .eml copies (confirmation, the mission's letter, the writer's copy) went with it.
    expect(filesMentioning(WRITER.email)).toEqual([])
    // The letter delivered by hand a day later waits for its own day.
    expect(await row(handed.id)).toEqual(before.handed)
  })

  it('reaches the letter delivered by hand a day later, and never a letter not delivered', async () => {
    clock.set('2027-06-02T00:00:00.000Z')
    await pass(ctx, files)
    expect(await row(handed.id)).toMatchObject({
      personal_note: null,
      supporter_address_lines: '[]',
      supporter_city: null,
      supporter_name: WRITER.name,
      personal_data_removed_at: '2027-06-02T00:00:00.000Z',
    })
    clock.set('2036-01-01T00:00:00.000Z')
    await pass(ctx, files)
    expect(await row(draft.id)).toEqual(before.draft)
  })

  it('moves no count: per-state statistics and coverage are what they were', async () => {
    expect(await ctx.db.selectFrom('state_letter_stats').selectAll().orderBy('state_iso3').execute()).toEqual(
      before.stats,
    )
    const coverage = await getCoverage(ctx, 'organizers')
    expect(coverage.states.find((s) => s.iso3 === 'FRA')?.letters).toMatchObject({ written: 1, delivered: 1 })
    expect(coverage.states.find((s) => s.iso3 === 'KEN')?.letters).toMatchObject({ written: 1, delivered: 1 })
  })

  it('shows the redacted letter on its own page', async () => {
    const page = await app.inject({ method: 'GET', url: `/letters/${emailed.id}` })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(WRITER.name)
    expect(page.body).not.toContain(WRITER.note)
    expect(page.body).not.toContain(WRITER.city)
  })

  it('works in batches, and reads only its partial indexes', async () => {
    const now = clock.nowIso()
    const letters = [await writeLetter('DEU'), await writeLetter('ITA'), await writeLetter('JPN')]
    for (const letter of letters) {
      await markLetterPrinted(ctx, letter.id)
      await markPrintedLetterDelivered(ctx, SHELL_ACTOR, letter.id)
    }
    clock.set(new Date(Date.parse(now) + 365 * DAY).toISOString())
    expect(await applyRetention(ctx, 2)).toBe(2)
    expect(await applyRetention(ctx, 2)).toBe(1)
    expect(await applyRetention(ctx, 2)).toBe(0)
    for (const letter of letters) expect((await row(letter.id)).personal_note).toBeNull()
    for (const index of ['letter_retention_sent', 'letter_retention_handed']) {
      const column = sql.raw(index.endsWith('sent') ? 'sent_at' : 'printed_delivered_at')
      const where = sql`personal_data_removed_at is null and ${column} is not null and ${column} < '2030-01-01'`
      if (engineOf(ctx.db) === 'postgres') {
        // PostgreSQL has no INDEXED BY: its planner, told not to scan the table, must find the index.
        const plan = await ctx.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx)
          const { rows } = await sql<
            Record<string, string>
          >`explain select id from letter where ${where}`.execute(trx)
          return rows.map((r) => Object.values(r).join(' ')).join(' ')
        })
        expect(plan).toMatch(new RegExp(`(Index|Index Only|Bitmap Index) Scan (using|on) ${index}\\b`))
        continue
      }
      const { rows } = await sql<{ detail: string }>`
        explain query plan select id from letter indexed by ${sql.raw(index)} where ${where}`.execute(ctx.db)
      expect(rows.map((r) => r.detail).join(' ')).toContain(`USING INDEX ${index}`)
    }
  })
})
