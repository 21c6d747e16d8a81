import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { printLetters, writeCampaignLetters } from '../../src/letters/letter-batch.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfPagesText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
const { cookie } = await signInOrganizer(app, ctx, { role: 'coordinator' })

/** A sink that keeps what it is given. */
function collect(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { sink, bytes: () => Buffer.concat(chunks) }
}

const supporter = { name: 'Batch Supporter', country: 'GB' }
const written: Record<string, string> = {}
for (const [state, template] of [
  ['FRA', 'supporter'],
  ['TCD', 'supporter'],
  ['TCD', 'follow-up'],
  ['BRA', 'supporter'],
] as const) {
  const letter = await createLetter(ctx, { state, template, language: 'en', supporter })
  written[`${state}-${template}`] = letter.reference
}

describe('printing letters in a batch', () => {
  it('prints the matching letters only, each starting on a new page, and marks them printed', async () => {
    const { sink, bytes } = collect()
    const seen: number[] = []
    const result = await printLetters(ctx, { iso3s: ['TCD', 'BRA'] }, sink, (done, total) =>
      seen.push(done, total),
    )
    expect(result.letters).toBe(3)
    expect(seen.slice(-2)).toEqual([3, 3])
    const pages = await pdfPagesText(bytes())
    expect(pages).toHaveLength(result.pages)
    const firstPages = pages.filter((p) => p.includes('Batch Supporter') && /Subject:/.test(p))
    expect(firstPages).toHaveLength(3)
    const all = pages.join('\n')
    expect(all).toContain(written['TCD-supporter'])
    expect(all).toContain(written['TCD-follow-up'])
    expect(all).toContain(written['BRA-supporter'])
    expect(all).not.toContain(written['FRA-supporter'])
    const printed = await ctx.db.selectFrom('letter').select(['state_iso3', 'printed_at']).execute()
    expect(
      printed
        .filter((r) => r.printed_at !== null)
        .map((r) => r.state_iso3)
        .sort(),
    ).toEqual(['BRA', 'TCD', 'TCD'])
  })

  it('filters by template and by the day written', async () => {
    const { sink } = collect()
    expect((await printLetters(ctx, { templateId: 'follow-up' }, sink)).letters).toBe(1)
    const { sink: none } = collect()
    expect((await printLetters(ctx, { from: '2026-06-02T00:00:00.000Z' }, none)).letters).toBe(0)
  })

  it('writes the campaign letter to each of the 193 member states once, and prints them as one mailing', async () => {
    expect(await writeCampaignLetters(ctx)).toBe(193)
    expect(await writeCampaignLetters(ctx)).toBe(0)
    const { sink, bytes } = collect()
    const result = await printLetters(ctx, { templateId: 'campaign' }, sink)
    expect(result.letters).toBe(193)
    const pages = await pdfPagesText(bytes())
    const text = pages.join('\n')
    // Spaces as one: the seed names the head, so the office's line now wraps in the address block.
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Representative of the United States of America to the United Nations',
    )
    // No CAMPAIGN_SIGNATORY_NAME: the campaign signs, named in each letter's language.
    expect(text).toContain('Code Blue campaign')
    expect(text).not.toContain('The Code Blue Campaign')
    expect(text).not.toContain('Holy See')
  }, 60_000)
})

describe('GET /api/letters/print', () => {
  it('is closed to anyone not signed in as an organizer', async () => {
    for (const session of [undefined, 'cb_organizer=forged', `cb_organizer=${'A'.repeat(43)}`]) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/letters/print',
        headers: session ? { cookie: session } : {},
      })
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('unauthorized')
    }
  })

  it('streams the matching letters as one PDF to an organizer', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/letters/print?state=fra',
      headers: { cookie },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    const text = (await pdfPagesText(res.rawPayload)).join('\n')
    expect(text).toContain(written['FRA-supporter'])
  })

  it('refuses a malformed filter with a 400 naming it', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/letters/print?state=F1',
      headers: { cookie },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().field).toBe('state')
  })
})
