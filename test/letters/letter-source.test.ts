import { beforeAll, describe, expect, it } from 'vitest'
import { parseLetterInput } from '../../src/letters/letter-input.js'
import { createLetter, getLetterInput, updateLetter } from '../../src/letters/letters.service.js'
import { isSourceCode, parseSourceCode, SOURCE_IGNORED } from '../../src/lib/source-code.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 14, item 3: the partner's or channel's code a writer came from is stored with the letter;
// a code that is not valid is never an error for the writer, only dropped with a notice.

const { app, ctx } = await buildTestApp()
beforeAll(() => setMission(ctx, 'FRA', FRANCE))

const supporter = { name: 'Amina Wanjiru', city: 'Nairobi', country: 'KE' }

async function storedSource(publicId: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('letter')
    .select('source')
    .where('public_id', '=', publicId)
    .executeTakeFirstOrThrow()
  return row.source
}

/** Source values a link or a client may send that are not valid codes. */
const INVALID: unknown[] = [
  'amnesty ke',
  'amnesty_ke',
  '-amnesty',
  'amnesty-',
  'amnésty',
  'a'.repeat(65),
  'x'.repeat(100_000),
  '<script>alert(1)</script>',
  "' or 1=1 --",
  'amnesty\u0000ke',
  'amnesty\nke',
  '\u202eamnesty',
  42,
  true,
  ['amnesty-ke', 'other'],
  { code: 'amnesty-ke' },
]

describe('the source code rule', () => {
  it('takes lowercase letters, digits and hyphens, 1 to 64, not starting or ending with a hyphen', () => {
    for (const code of ['a', '7', 'amnesty-ke', 'newsletter-2027-01', 'a--b', 'x'.repeat(64)])
      expect(isSourceCode(code), code).toBe(true)
    for (const code of ['', '-', '-a', 'a-', 'A', 'a b', 'a_b', 'a.b', 'é', 'x'.repeat(65)])
      expect(isSourceCode(code), code).toBe(false)
  })

  it('reads a link’s value trimmed and in lower case; empty is no source and no notice', () => {
    expect(parseSourceCode(' Amnesty-KE ')).toEqual({ source: 'amnesty-ke', notice: null })
    expect(parseSourceCode('')).toEqual({ source: null, notice: null })
    expect(parseSourceCode('   ')).toEqual({ source: null, notice: null })
    expect(parseSourceCode(undefined)).toEqual({ source: null, notice: null })
    for (const value of INVALID)
      expect(parseSourceCode(value), String(value)).toEqual({ source: null, notice: SOURCE_IGNORED })
  })
})

describe('createLetter with a source', () => {
  it('stores a valid source with the letter, and says nothing', async () => {
    const letter = await createLetter(ctx, { state: 'FRA', language: 'en', supporter, source: 'amnesty-ke' })
    expect(letter.notices).toEqual([])
    expect(await storedSource(letter.id)).toBe('amnesty-ke')
    expect((await getLetterInput(ctx, letter.id)).source).toBe('amnesty-ke')
  })

  it('stores no source when none is given', async () => {
    const letter = await createLetter(ctx, { state: 'FRA', language: 'en', supporter })
    expect(letter.notices).toEqual([])
    expect(await storedSource(letter.id)).toBeNull()
  })

  it('writes the letter without an invalid source, with a notice naming the field', async () => {
    for (const source of INVALID) {
      const letter = await createLetter(ctx, { state: 'FRA', language: 'en', supporter, source })
      expect(await storedSource(letter.id), String(source)).toBeNull()
      expect(letter.notices, String(source)).toEqual([
        { field: 'source', key: 'forms.sourceIgnored', message: expect.stringContaining('not valid') },
      ])
    }
  })

  it('takes the form field `source` of the write form, as posted', () => {
    const form = { 'supporter.name': 'Amina Wanjiru', source: 'Newsletter-2027-01' }
    const parsed = parseLetterInput(form)
    expect('input' in parsed && parsed.input.source).toBe('newsletter-2027-01')
    const bad = parseLetterInput({ ...form, source: 'news letter' })
    expect('input' in bad && bad.input).toMatchObject({ source: null, notices: [SOURCE_IGNORED] })
    // A form with errors reports them, never the source.
    const faulty = parseLetterInput({ source: 'news letter' })
    expect('errors' in faulty && Object.keys(faulty.errors)).toEqual(['supporter.name'])
  })

  it('an edit keeps the source the letter was written from; a letter with none takes the edit’s', async () => {
    const first = await createLetter(ctx, { state: 'FRA', language: 'en', supporter, source: 'amnesty-ke' })
    const edited = await updateLetter(ctx, first.id, { language: 'en', supporter, source: 'other-partner' })
    expect(edited.notices).toEqual([])
    expect(await storedSource(first.id)).toBe('amnesty-ke')
    await updateLetter(ctx, first.id, { language: 'en', supporter })
    expect(await storedSource(first.id)).toBe('amnesty-ke')

    const plain = await createLetter(ctx, { state: 'FRA', language: 'en', supporter })
    const invalid = await updateLetter(ctx, plain.id, { language: 'en', supporter, source: 'Not Valid!' })
    expect(invalid.notices).toEqual([SOURCE_IGNORED])
    expect(await storedSource(plain.id)).toBeNull()
    await updateLetter(ctx, plain.id, { language: 'en', supporter, source: 'newsletter-2027-01' })
    expect(await storedSource(plain.id)).toBe('newsletter-2027-01')
  })
})

describe('POST /api/letters with a source', () => {
  const post = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/letters', payload })

  it('answers 201 with no notice and stores a valid source', async () => {
    const res = await post({ state: 'FRA', language: 'en', supporter, source: 'amnesty-ke' })
    expect(res.statusCode).toBe(201)
    expect(res.json().notices).toEqual([])
    expect(await storedSource(res.json().id)).toBe('amnesty-ke')
  })

  it('answers 201, never a 4xx or a 500, for any invalid source: the letter is written, the notice says why', async () => {
    for (const source of INVALID) {
      const res = await post({ state: 'FRA', language: 'en', supporter, source })
      expect(res.statusCode, String(source)).toBe(201)
      expect(res.json().notices, String(source)).toEqual([
        { field: SOURCE_IGNORED.field, message: SOURCE_IGNORED.message },
      ])
      expect(await storedSource(res.json().id)).toBeNull()
    }
  })

  it('still names the fields really at fault, and not the source', async () => {
    const res = await post({ state: 'FRA', supporter: { name: '' }, source: 'not valid' })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json().errors)).toEqual(['supporter.name'])
  })

  it('GET /api/letters/:id shows nothing new: no source, no notice', async () => {
    const res = await post({ state: 'FRA', language: 'en', supporter, source: 'amnesty-ke' })
    const read = await app.inject({ method: 'GET', url: `/api/letters/${res.json().id}` })
    expect(read.statusCode).toBe(200)
    expect(read.body).not.toContain('amnesty-ke')
    expect(Object.keys(read.json())).not.toContain('source')
    expect(Object.keys(read.json())).not.toContain('notices')
  })

  it('documents `source` in the OpenAPI description of the request and `notices` in the answer', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    const operation = doc.paths['/api/letters'].post
    const body = operation.requestBody.content['application/json'].schema
    expect(body.properties.source.description).toContain('amnesty-ke')
    expect(operation.responses['201'].content['application/json'].schema.properties.notices.type).toBe(
      'array',
    )
  })
})
