import { describe, expect, it } from 'vitest'
import { updateLetter } from '../../src/letters/letters.service.js'
import { manualClock } from '../../src/lib/clock.js'
import { buildTestApp } from '../helpers/test-app.js'

// A follow-up cites the writer's latest earlier letter to the same mission: its reference and its
// date, in the follow-up's own language. Written through POST /api/letters, as a supporter would.

const clock = manualClock('2026-03-01T09:30:00.000Z')
const { app, ctx } = await buildTestApp({ clock })

interface Written {
  id: string
  reference: string
  document: { language: string; subject: string; paragraphs: string[] }
}

async function write(body: Record<string, unknown>): Promise<Written> {
  const res = await app.inject({ method: 'POST', url: '/api/letters', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  const { id } = res.json() as { id: string }
  return (await app.inject({ method: 'GET', url: `/api/letters/${id}` })).json() as Written
}

const supporter = (email: string | null, extra: Record<string, unknown> = {}) => ({
  name: 'Amina Wanjiru',
  city: 'Nairobi',
  country: 'KE',
  ...(email ? { email } : {}),
  ...extra,
})

const followUp = (state: string, language: string, email: string | null) =>
  write({ state, template: 'follow-up', language, supporter: supporter(email) })

// Dates are compared with plain spaces: whether they keep their no-break spaces is
// protocol-fr-es.test.ts's question; here it is which letter is cited.
const plain = (text: string) => text.replace(/\u00a0/g, ' ')
const opening = (letter: Written) => plain(letter.document.paragraphs[0] ?? '')
const subject = (letter: Written) => plain(letter.document.subject)

describe('a follow-up cites the earlier letter', () => {
  it("cites the first letter's reference and date, in French, whatever case the address was typed in", async () => {
    clock.set('2026-03-01T09:30:00.000Z')
    const first = await write({ state: 'FRA', language: 'en', supporter: supporter('Amina.W@Example.ORG') })
    clock.set('2026-06-01T12:00:00.000Z')
    const follow = await followUp('FRA', 'fr', 'amina.w@example.org')

    expect(follow.document.language).toBe('fr')
    expect(opening(follow)).toContain(
      `la lettre que je lui ai adressée le 1er mars 2026 (référence ${first.reference})`,
    )
    expect(subject(follow)).toContain(`de la lettre ${first.reference} du 1er mars 2026`)
    // The date is the earlier letter's, not today's.
    expect(opening(follow)).not.toContain('juin')
  })

  it('cites it in Spanish, with the Spanish date', async () => {
    clock.set('2026-04-10T15:00:00.000Z')
    const first = await write({ state: 'COL', language: 'es', supporter: supporter('pilar@example.org') })
    clock.set('2026-06-02T08:00:00.000Z')
    const follow = await followUp('COL', 'es', 'pilar@example.org')

    expect(opening(follow)).toContain(
      `la carta que le dirigí el 10 de abril de 2026 (referencia ${first.reference})`,
    )
    expect(subject(follow)).toContain(`de la carta ${first.reference} de fecha 10 de abril de 2026`)
  })

  it('cites the most recent of several earlier letters, of any template and language', async () => {
    clock.set('2026-02-01T10:00:00.000Z')
    await write({ state: 'TCD', language: 'fr', supporter: supporter('many@example.org') })
    clock.set('2026-03-15T10:00:00.000Z')
    const organization = await write({
      state: 'TCD',
      template: 'organization',
      language: 'es',
      supporter: supporter('MANY@example.org', { organization: 'Survivors Network East Africa' }),
    })
    clock.set('2026-06-03T10:00:00.000Z')
    const follow = await followUp('TCD', 'fr', 'many@example.org')
    expect(opening(follow)).toContain(`le 15 mars 2026 (référence ${organization.reference})`)

    // A second reminder cites the first one: it is the latest letter the mission had from the writer.
    clock.set('2026-07-01T10:00:00.000Z')
    const again = await followUp('TCD', 'en', 'many@example.org')
    expect(subject(again)).toContain(follow.reference)
    expect(subject(again)).not.toContain(organization.reference)
  })

  it('takes the one written last when two were written in the same millisecond', async () => {
    clock.set('2026-05-05T05:05:05.005Z')
    await write({ state: 'GHA', language: 'en', supporter: supporter('same@example.org') })
    const second = await write({ state: 'GHA', language: 'en', supporter: supporter('same@example.org') })
    const follow = await followUp('GHA', 'fr', 'same@example.org')
    expect(opening(follow)).toContain(`(référence ${second.reference})`)
  })

  it("cites nothing for another mission's letter, another writer's, or a letter without an address", async () => {
    clock.set('2026-05-01T10:00:00.000Z')
    await write({ state: 'SEN', language: 'fr', supporter: supporter('elsewhere@example.org') })
    await write({ state: 'NER', language: 'fr', supporter: supporter('someone@example.org') })
    await write({ state: 'NER', language: 'fr', supporter: supporter(null) })
    clock.set('2026-06-01T10:00:00.000Z')
    const follow = await followUp('NER', 'fr', 'elsewhere@example.org')
    expect(opening(follow)).toMatch(
      /^Je me permets de rappeler à l’attention de Votre Excellence la lettre que je lui ai adressée afin de solliciter le soutien du Niger/,
    )
    expect(opening(follow)).not.toContain('référence')
    expect(subject(follow)).toMatch(/\(relance\)$/)
  })

  it('keeps citing the letter before it when the follow-up draft is rewritten after a later letter', async () => {
    clock.set('2026-03-01T10:00:00.000Z')
    const first = await write({ state: 'PER', language: 'es', supporter: supporter('rewrite@example.org') })
    clock.set('2026-04-01T10:00:00.000Z')
    const follow = await followUp('PER', 'es', 'rewrite@example.org')
    clock.set('2026-05-01T10:00:00.000Z')
    const later = await write({ state: 'PER', language: 'es', supporter: supporter('rewrite@example.org') })

    clock.set('2026-05-02T10:00:00.000Z')
    const rewritten = await updateLetter(ctx, follow.id, {
      template: 'follow-up',
      language: 'es',
      supporter: supporter('Rewrite@example.org'),
      personalNote: 'Vuelvo a escribir desde Nairobi.',
    })
    expect(rewritten.document.paragraphs).toContain('Vuelvo a escribir desde Nairobi.')
    expect(plain(rewritten.document.paragraphs[0] ?? '')).toContain(`(referencia ${first.reference})`)
    expect(plain(rewritten.document.paragraphs[0] ?? '')).not.toContain(later.reference)
    expect(plain(rewritten.document.paragraphs[0] ?? '')).not.toContain(follow.reference)
  })
})
