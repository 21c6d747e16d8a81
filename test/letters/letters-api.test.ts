import { beforeAll, describe, expect, it } from 'vitest'
import {
  FRANCE,
  MEXICO_WOMAN,
  PERU_VACANT,
  setMission,
  UNITED_KINGDOM_DAME,
  UNITED_STATES,
} from '../helpers/directory-fixtures.js'
import { pdfText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()

const supporter = {
  name: 'Amina Wanjiru',
  addressLines: ['Kenyatta Avenue 14'],
  city: 'Nairobi',
  country: 'KE',
  email: 'amina@example.org',
}
const NOTE =
  'I have worked with survivors in Bangui for six years. They deserve a court that answers to no one but the law.'

async function write(body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/letters', payload: body })
  return { status: res.statusCode, body: res.json() }
}

async function read(id: string) {
  return (await app.inject({ method: 'GET', url: `/api/letters/${id}` })).json()
}

beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  await setMission(ctx, 'USA', UNITED_STATES)
  await setMission(ctx, 'GBR', UNITED_KINGDOM_DAME)
  await setMission(ctx, 'PER', PERU_VACANT)
  await setMission(ctx, 'MEX', MEXICO_WOMAN)
})

describe('POST /api/letters', () => {
  it("writes a letter to France in French, the mission's language, addressed in diplomatic form", async () => {
    const { status, body } = await write({ state: 'FRA', supporter, personalNote: NOTE })
    expect(status).toBe(201)
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(body.reference).toMatch(/^CB-[2-9A-Z]{6}$/)
    expect(body.previewUrl).toBe(`http://localhost:3000/letters/${body.id}`)
    expect(body.pdfUrl).toBe(`http://localhost:3000/api/letters/${body.id}/pdf`)

    const letter = await read(body.id)
    expect(letter.language).toBe('fr')
    expect(letter.paperSize).toBe('a4')
    expect(letter.document.recipient).toEqual([
      'Son Excellence Monsieur Jérôme Bonnafont',
      'Représentant permanent de la France auprès de l’Organisation des Nations Unies',
      'Mission permanente de la France auprès de l’Organisation des Nations Unies',
      '245 East 47th Street, 44th Floor',
      'New York, NY 10017',
      'United States of America',
    ])
    expect(letter.document.salutation).toBe('Excellence,')
    expect(letter.document.close).toBe(
      'Je vous prie d’agréer, Excellence, l’assurance de ma très haute considération.',
    )
    expect(letter.document.dateLine).toBe('Nairobi, le\u00a01er\u00a0juin\u00a02026')
    expect(letter.document.referenceLine).toBe(`Réf.\u00a0: ${body.reference}`)
    expect(letter.document.paragraphs).toContain(NOTE)
    expect(letter.document.sender).toEqual(['Amina Wanjiru', 'Kenyatta Avenue 14', 'Nairobi', 'Kenya'])
    expect(letter.document.signature).toEqual(['Amina Wanjiru'])
  })

  it("never shows the supporter's e-mail address back", async () => {
    const { body } = await write({ state: 'FRA', supporter })
    const res = await app.inject({ method: 'GET', url: `/api/letters/${body.id}` })
    expect(res.body).not.toContain('amina@example.org')
    expect(res.json().supporter.email).toBeUndefined()
  })

  it('writes in the language asked for, and on Letter paper for a sender in the Americas', async () => {
    const { body } = await write({ state: 'FRA', language: 'en', supporter: { ...supporter, country: 'CA' } })
    const letter = await read(body.id)
    expect(letter.language).toBe('en')
    expect(letter.paperSize).toBe('letter')
    expect(letter.document.recipient.slice(0, 2)).toEqual([
      'H.E. Mr. Jérôme Bonnafont',
      'Permanent Representative of France to the United Nations',
    ])
    expect(letter.document.salutation).toBe('Your Excellency,')
    expect(letter.document.close).toBe(
      'Please accept, Excellency, the assurances of my highest consideration.',
    )
  })

  it('gives the United States its own title, and leaves out the country for a sender in the US', async () => {
    const { body } = await write({
      state: 'USA',
      supporter: { ...supporter, country: 'US', city: 'Chicago' },
    })
    const letter = await read(body.id)
    expect(letter.document.recipient).toEqual([
      'H.E. Mr. Michael G. Waltz',
      'Representative of the United States of America to the United Nations',
      'United States Mission to the United Nations',
      '799 United Nations Plaza',
      'New York, NY 10017',
    ])
  })

  it('addresses "H.E. Dame" as she is styled', async () => {
    const { body } = await write({ state: 'GBR', supporter })
    const letter = await read(body.id)
    expect(letter.document.recipient[0]).toBe('H.E. Dame Barbara Woodward, DCMG, OBE')
    expect(letter.document.recipient[1]).toBe(
      'Permanent Representative of the United Kingdom of Great Britain and Northern Ireland to the United Nations',
    )
    expect(letter.document.salutation).toBe('Your Excellency,')
  })

  it('writes in Spanish with the salutation that fits the ambassador', async () => {
    const mexico = await read((await write({ state: 'MEX', supporter })).body.id)
    expect(mexico.language).toBe('es')
    expect(mexico.document.recipient[0]).toBe('Excelentísima Señora Alicia Guadalupe Buenrostro Massieu')
    expect(mexico.document.recipient[1]).toBe('Representante Permanente de México ante las Naciones Unidas')
    expect(mexico.document.salutation).toBe('Excelentísima Señora:')
    expect(mexico.document.dateLine).toBe('Nairobi, 1\u00a0de\u00a0junio\u00a0de\u00a02026')
  })

  it("addresses a vacant post to the mission, for the attention of the Chargé d'affaires a.i.", async () => {
    const peru = await read((await write({ state: 'PER', language: 'en', supporter })).body.id)
    expect(peru.document.recipient.slice(0, 2)).toEqual([
      'Permanent Mission of Peru to the United Nations',
      "For the attention of the Chargé d'affaires a.i.",
    ])
    expect(peru.document.salutation).toBe('Excellency,')
  })

  it("signs an organization's letter for the organization, and requires its name", async () => {
    const missing = await write({ state: 'FRA', template: 'organization', supporter })
    expect(missing.status).toBe(400)
    expect(missing.body.errors).toHaveProperty(['supporter.organization'])
    const { body } = await write({
      state: 'FRA',
      template: 'organization',
      language: 'en',
      supporter: { ...supporter, organization: 'Survivors Network East Africa', role: 'Director' },
    })
    const letter = await read(body.id)
    expect(letter.document.signature).toEqual(['Amina Wanjiru', 'Director', 'Survivors Network East Africa'])
    expect(letter.document.close).toContain('our highest consideration')
    expect(letter.document.paragraphs.join(' ')).toContain('Survivors Network East Africa')
  })

  it("adds the Council paragraph for a permanent member and names an elected member's term", async () => {
    const france = await read((await write({ state: 'FRA', language: 'en', supporter })).body.id)
    const latvia = await read((await write({ state: 'LVA', language: 'en', supporter })).body.id)
    const chad = await read((await write({ state: 'TCD', language: 'en', supporter })).body.id)
    const text = (l: { document: { paragraphs: string[] } }) => l.document.paragraphs.join(' ')
    expect(text(france)).toMatch(/permanent member/i)
    expect(text(latvia)).toMatch(/2026.2027/)
    expect(text(chad)).not.toMatch(/permanent member|2026.2027/i)
  })

  it("keeps a letter's text when its mission's head changes afterwards", async () => {
    const { body } = await write({ state: 'FRA', language: 'en', supporter })
    const before = await read(body.id)
    await setMission(ctx, 'FRA', {
      head: {
        status: 'filled',
        honorific: 'H.E. Ms.',
        name: 'Someone Else',
        function: 'Permanent Representative',
        credentialsPresented: null,
      },
    })
    const after = await read(body.id)
    expect(after.document).toEqual(before.document)
    expect(after.document.recipient[0]).toBe('H.E. Mr. Jérôme Bonnafont')
    await setMission(ctx, 'FRA', FRANCE)
  })

  it('reports every field at fault at once, each with its message', async () => {
    const { status, body } = await write({
      state: 'XXX',
      language: 'de',
      paperSize: 'a3',
      supporter: { name: '', email: 'not-an-address', country: 'ZZ' },
      personalNote: 'x'.repeat(1501),
    })
    expect(status).toBe(400)
    expect(Object.keys(body.errors).sort()).toEqual(
      [
        'language',
        'paperSize',
        'personalNote',
        'state',
        'supporter.country',
        'supporter.email',
        'supporter.name',
      ].sort(),
    )
    expect(body.errors.state).toContain('XXX')
    expect(body.errors.personalNote).toContain('1,500')
  })

  it.each([
    ['a 10,000-character name', { name: 'A'.repeat(10_000) }, 'supporter.name', /at most 120/],
    ['a right-to-left override', { name: 'Amina \u202eevil' }, 'supporter.name', /text-direction/],
    [
      'a line break in the name (header injection)',
      { name: 'Amina\r\nBcc: x@example.org' },
      'supporter.name',
      /one line/,
    ],
    ['a control character', { name: 'Amina\u0007' }, 'supporter.name', /control characters/],
    ['a name that is not text', { name: 42 }, 'supporter.name', /must be text/],
  ])('refuses %s with a 400 naming the field', async (_label, change, field, message) => {
    const { status, body } = await write({ state: 'FRA', supporter: { ...supporter, ...change } })
    expect(status).toBe(400)
    expect(body.errors[field]).toMatch(message)
  })

  it('refuses characters no bundled font can print, naming the field and each character', async () => {
    const letterCount = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('letter')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await letterCount()
    const { status, body } = await write({
      state: 'FRA',
      supporter: { ...supporter, city: 'Nairobi 🌍', addressLines: ['Kenyatta Avenue 14', 'Box 𓀀'] },
      personalNote: 'For the survivors 🙏\nSecond line',
    })
    expect(status).toBe(400)
    expect(Object.keys(body.errors).sort()).toEqual([
      'personalNote',
      'supporter.addressLines',
      'supporter.city',
    ])
    expect(body.errors['supporter.city']).toContain('U+1F30D 🌍')
    expect(body.errors['supporter.addressLines']).toContain('U+13000 𓀀')
    expect(body.errors.personalNote).toMatch(/a character the letter cannot print: U\+1F64F 🙏\./)
    expect(await letterCount()).toBe(before)
  })

  it('accepts a name in three scripts, and line breaks in the paragraph', async () => {
    const { status, body } = await write({
      state: 'FRA',
      language: 'ar',
      supporter: { ...supporter, name: 'محمد Ahmed 王小明', city: 'नई दिल्ली' },
      personalNote: 'سطر أول\nSecond line, 第二行\nтретья строка',
    })
    expect(status).toBe(201)
    const letter = await read(body.id)
    expect(letter.document.signature[0]).toBe('محمد Ahmed 王小明')
  })

  it('keeps HTML and template syntax as plain text, never as markup or template', async () => {
    const hostile = '<script>alert(1)</script> {{supporter.email}} {{#each x}}'
    const { status, body } = await write({
      state: 'FRA',
      language: 'en',
      supporter: { ...supporter, name: hostile },
      personalNote: hostile,
    })
    expect(status).toBe(201)
    const letter = await read(body.id)
    expect(letter.document.paragraphs).toContain(hostile)
    expect(letter.document.signature[0]).toBe(hostile)
    expect(JSON.stringify(letter)).not.toContain('amina@example.org')
    const page = await app.inject({ method: 'GET', url: `/letters/${body.id}` })
    expect(page.body).not.toContain('<script>alert(1)</script>')
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('answers 404 for a letter that does not exist and 400 for a malformed id', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/letters/AAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(
      404,
    )
    expect((await app.inject({ method: 'GET', url: '/api/letters/../etc/passwd' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/api/letters/short' })).statusCode).toBe(400)
  })
})

describe('GET /api/letters/:id/pdf', () => {
  it('prints the letter: the addressee, the personal paragraph and the reference, as extractable text', async () => {
    const { body } = await write({ state: 'FRA', language: 'en', supporter, personalNote: NOTE })
    const res = await app.inject({ method: 'GET', url: `/api/letters/${body.id}/pdf` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="letter-to-france-${body.reference}.pdf"`,
    )
    const text = await pdfText(res.rawPayload)
    expect(text).toContain('H.E. Mr. Jérôme Bonnafont')
    expect(text).toContain('Permanent Representative of France to the United Nations')
    expect(text).toContain(NOTE)
    expect(text).toContain(body.reference)
    const row = await ctx.db
      .selectFrom('letter')
      .select('printed_at')
      .where('public_id', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(row.printed_at).toBe('2026-06-01T12:00:00.000Z')
  })
})

describe('templates and suggestions', () => {
  it('lists every template in the six official languages of the UN', async () => {
    const { templates } = (await app.inject({ method: 'GET', url: '/api/templates' })).json()
    for (const id of ['supporter', 'organization', 'follow-up', 'campaign']) {
      expect(
        templates
          .filter((t: { id: string }) => t.id === id)
          .map((t: { language: string }) => t.language)
          .sort(),
      ).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh'])
    }
  })

  it('suggests a member state', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/states/suggest' })
    expect(res.statusCode).toBe(200)
    expect(res.json().membership).toBe('member')
  })
})
