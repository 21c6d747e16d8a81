import { describe, expect, it } from 'vitest'
import { applyRetention } from '../../src/delivery/retention.js'
import { markPrintedLetterDelivered } from '../../src/letters/letter-handover.js'
import { eraseLettersOfAddress } from '../../src/letters/letter-redaction.js'
import { createLetter, markLetterPrinted } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

// A letter's PDF is drawn once and kept (table letter_pdf) under a strong ETag: the hash of the
// stored document it was drawn from. A change of the document (an edit of a draft, retention,
// erasure) drops the kept copy in the same transaction.

const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({ clock })
await setMission(ctx, 'FRA', FRANCE)

const WRITER = {
  name: 'Perpetua Kept-Copy',
  addressLines: ['8 Cached Lane'],
  city: 'Kepton',
  country: 'KE',
  email: 'perpetua.kept@example.org',
}
const NOTE = 'A paragraph of my own that the kept copy must not outlive.'

async function write() {
  return createLetter(ctx, { state: 'FRA', language: 'en', supporter: WRITER, personalNote: NOTE })
}

function getPdf(id: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `/api/letters/${id}/pdf`, headers })
}

async function keptRows(publicId: string) {
  return ctx.db
    .selectFrom('letter_pdf')
    .innerJoin('letter', 'letter.id', 'letter_pdf.letter_id')
    .select(['letter_pdf.etag', 'letter_pdf.bytes'])
    .where('letter.public_id', '=', publicId)
    .execute()
}

describe('a letter PDF, drawn once and kept', () => {
  it('is served with a strong ETag, kept, and served from the kept bytes afterwards', async () => {
    const letter = await write()
    const first = await getPdf(letter.id)
    expect(first.statusCode).toBe(200)
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(first.headers['cache-control']).toBe('private, no-cache')
    const kept = await keptRows(letter.id)
    expect(kept).toHaveLength(1)
    expect(kept[0]!.etag).toBe(etag)
    expect(Buffer.from(kept[0]!.bytes).equals(first.rawPayload)).toBe(true)

    // Proof the second GET does not draw again: it answers whatever bytes are kept.
    const marker = Buffer.from('%PDF-kept-marker')
    await ctx.db.updateTable('letter_pdf').set({ bytes: marker }).where('etag', '=', etag).execute()
    const second = await getPdf(letter.id)
    expect(second.statusCode).toBe(200)
    expect(second.headers.etag).toBe(etag)
    expect(second.rawPayload.equals(marker)).toBe(true)
  })

  it('answers 304 with no body to a matching If-None-Match, and 200 to another', async () => {
    const letter = await write()
    const etag = (await getPdf(letter.id)).headers.etag as string
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await getPdf(letter.id, { 'if-none-match': header })
      expect(again.statusCode, header).toBe(304)
      expect(again.rawPayload.length, header).toBe(0)
      expect(again.headers.etag, header).toBe(etag)
    }
    expect((await getPdf(letter.id, { 'if-none-match': '"something-else"' })).statusCode).toBe(200)
  })

  it('gets a new ETag and a fresh drawing when the draft is edited', async () => {
    const letter = await write()
    const before = await getPdf(letter.id)
    const saved = await app.inject({
      method: 'POST',
      url: `/letters/${letter.id}/edit`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'template=supporter&language=en&supporter.name=Perpetua+Edited&supporter.country=KE',
    })
    expect(saved.statusCode).toBe(303)
    expect(await keptRows(letter.id)).toEqual([])
    const after = await getPdf(letter.id, { 'if-none-match': before.headers.etag as string })
    expect(after.statusCode).toBe(200)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    expect(await pdfText(after.rawPayload)).toContain('Perpetua Edited')
  })

  it('is dropped by erasure, and the next PDF is drawn without the person', async () => {
    const letter = await write()
    const before = await getPdf(letter.id)
    expect(await pdfText(before.rawPayload)).toContain(WRITER.name)
    expect(await keptRows(letter.id)).toHaveLength(1)
    await ctx.db.transaction().execute((trx) => eraseLettersOfAddress(trx, WRITER.email, clock.nowIso()))
    expect(await keptRows(letter.id)).toEqual([])
    const after = await getPdf(letter.id)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    const text = await pdfText(after.rawPayload)
    expect(text).not.toContain(WRITER.name)
    expect(text).not.toContain(NOTE)
  })

  it('is dropped by retention, and the next PDF is drawn without the paragraph and address', async () => {
    const letter = await write()
    await markLetterPrinted(ctx, letter.id)
    await markPrintedLetterDelivered(ctx, SHELL_ACTOR, letter.id)
    const before = await getPdf(letter.id)
    expect(await pdfText(before.rawPayload)).toContain(NOTE)
    expect(await keptRows(letter.id)).toHaveLength(1)
    clock.advance((ctx.config.members.retentionDays + 1) * 86_400_000)
    expect(await applyRetention(ctx)).toBeGreaterThanOrEqual(1)
    expect(await keptRows(letter.id)).toEqual([])
    const text = await pdfText((await getPdf(letter.id)).rawPayload)
    expect(text).not.toContain(NOTE)
    expect(text).not.toContain(WRITER.addressLines[0])
    expect(text).toContain(WRITER.name)
    clock.set(TEST_NOW)
  })
})
