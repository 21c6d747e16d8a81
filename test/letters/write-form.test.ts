import { beforeAll, describe, expect, it } from 'vitest'
import { translate } from '../../src/i18n/index.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The write form shows the letter it writes, takes its choices from a link, and asks only for the
// fields the chosen delivery needs (issue 14, items 2 and 3).

const { app, ctx } = await buildTestApp()
beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  // Chad: an e-mail address but no street; Brazil: a street but no e-mail address.
  await setMission(ctx, 'TCD', { addressLines: [], emails: ['tchad@un.int'] })
  await setMission(ctx, 'BRA', {
    addressLines: ['747 Third Avenue, 9th Floor', 'New York, NY 10017'],
    emails: [],
  })
})

const form = (url: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  })

const letterCount = async (): Promise<number> =>
  Number(
    (
      await ctx.db
        .selectFrom('letter')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

/** The text of the letter shown on a page (the article the letter partial draws). */
const shownLetter = (html: string): string =>
  (html.match(/<article class="paper"[\s\S]*?<\/article>/)?.[0] ?? '').replace(/<[^>]+>/g, '\n')

/** A placeholder as a letter in `language` shows it (it stands inside the letter, in its language). */
const placeholder = (language: 'en' | 'fr' | 'es', field: 'name' | 'organization' | 'personalNote') =>
  translate(language, `write.placeholders.${field}`)

describe('the write form shows the letter', () => {
  it('shows the whole letter to the state beside an empty form, placeholders where the writer’s words go', async () => {
    const page = await app.inject({ method: 'GET', url: '/write/fra' })
    expect(page.statusCode).toBe(200)
    const letter = shownLetter(page.body)
    expect(letter).toContain('Son Excellence Monsieur Jérôme Bonnafont') // the mission writes French
    expect(letter).toContain(placeholder('fr', 'name'))
    expect(letter).toContain(placeholder('fr', 'personalNote'))
    expect(letter).toContain('245 East 47th Street, 44th Floor')
    // Each kind of letter says who it is for.
    expect(page.body).toContain('For anyone writing in their own name.')
    expect(page.body).toContain('For writing on behalf of an organization')
    expect(page.body).toContain('For writing again to a mission that has not answered')
    expect(page.body).toContain('<script src="/public/write-preview.js" defer></script>')
  })

  it("keeps the country chosen as typed, in the page's language, though the list is kept between requests", async () => {
    const selected = (html: string) =>
      [...html.matchAll(/<option value="([A-Z]{2})" selected>/g)].map((m) => m[1])
    const redraw = (country: string, lang: string) =>
      form(`/write/fra?lang=${lang}`, {
        intent: 'preview',
        template: 'supporter',
        'supporter.country': country,
      })
    expect(selected((await app.inject({ method: 'GET', url: '/write/fra?lang=fr' })).body)).toEqual([])
    expect(selected((await redraw('SN', 'fr')).body)).toEqual(['SN'])
    const kenya = (await redraw('KE', 'fr')).body
    expect(selected(kenya)).toEqual(['KE'])
    expect(kenya).toContain('<option value="KE" selected>Kenya</option>')
    expect((await redraw('KE', 'ar')).body).toContain('<option value="KE" selected>كينيا</option>')
    expect(selected((await app.inject({ method: 'GET', url: '/write/fra?lang=fr' })).body)).toEqual([])
    expect(selected((await redraw('SN', 'fr')).body)).toEqual(['SN'])
  })

  it('redraws the letter from what is typed, without JavaScript, and stores nothing', async () => {
    const before = await letterCount()
    const page = await form('/write/fra', {
      intent: 'preview',
      template: 'supporter',
      language: 'en',
      delivery: 'email',
      'supporter.name': 'Wanjiru Kamau',
      'supporter.city': 'Nairobi',
      personalNote: 'I worked in Bangui for six years.',
    })
    expect(page.statusCode).toBe(200)
    const letter = shownLetter(page.body)
    expect(letter).toContain('Wanjiru Kamau')
    expect(letter).toContain('I worked in Bangui for six years.')
    expect(letter).not.toContain(placeholder('en', 'name'))
    expect(page.body).toContain('value="Wanjiru Kamau"')
    expect(await letterCount()).toBe(before)
  })

  it('answers the page’s script with the letter alone, never the e-mail address, storing nothing', async () => {
    const before = await letterCount()
    const res = await form('/write/fra/preview', {
      template: 'organization',
      language: 'es',
      'supporter.name': 'Ana Pérez',
      'supporter.organization': 'Red de Sobrevivientes',
      'supporter.email': 'ana@example.org',
      personalNote: 'Escribo desde Montevideo.',
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toMatch(
      /^<link rel="stylesheet" href="\/fonts\/letter\/serif.css">\s*<article class="paper" lang="es"/,
    )
    expect(res.body).toContain('Red de Sobrevivientes')
    expect(res.body).toContain('Escribo desde Montevideo.')
    expect(res.body).not.toContain('ana@example.org')
    expect(res.body).not.toContain('<html')
    expect(await letterCount()).toBe(before)
  })

  it('still draws a letter from input the form would refuse (an emoji, a bad language), leaving it out', async () => {
    const res = await form('/write/fra/preview', {
      language: 'xx',
      'supporter.name': 'Smile 😀',
      personalNote: 'Fine words.',
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain(placeholder('fr', 'name')) // the mission's language, as without the link
    expect(res.body).toContain('Fine words.')
  })

  it('writes the placeholders in the letter’s language, whatever the page’s', async () => {
    const page = await app.inject({ method: 'GET', url: '/write/fra?lang=es&language=en' })
    expect(page.body).toContain('<html lang="es"')
    const letter = shownLetter(page.body)
    expect(letter).toContain('[Your name]')
    expect(letter).toContain('[Your own paragraph goes here: why this matters to you')
    const french = shownLetter((await app.inject({ method: 'GET', url: '/write/fra?lang=en' })).body)
    expect(french).toContain(placeholder('fr', 'name'))
  })
})

describe('a link that opens the form with choices made', () => {
  it('preselects the letter, the language and keeps the source', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/write/fra?template=organization&language=es&source=amnesty-ke',
    })
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<input type="radio" name="template" value="organization" checked/)
    expect(page.body).toContain('<option value="es" selected>')
    expect(page.body).toContain('<input type="hidden" name="source" value="amnesty-ke">')
    expect(shownLetter(page.body)).toContain(placeholder('es', 'organization'))
    expect(page.body).not.toContain('class="notice"')
  })

  it('ignores invalid choices with a notice, never an error', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/write/fra?template=%3Cscript%3E&language=klingon&source=Not%20A%20Code!',
    })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('class="notice"')
    expect(page.body).toContain('which does not exist')
    expect(page.body).toContain('which letters are not written in')
    expect(page.body).toContain('carried a source code that is not valid')
    expect(page.body).not.toContain('<script>')
    expect(page.body).not.toContain('name="source"')
    expect(page.body).toContain('<option value="fr" selected>') // the mission's language, as without the link
  })

  it('passes the valid choices on from /write/suggest', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/write/suggest?template=follow-up&language=xx&source=newsletter-2027-01',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toMatch(/^\/write\/[a-z]{3}\?template=follow-up&source=newsletter-2027-01$/)
  })
})

describe('only the fields the chosen delivery needs', () => {
  const base = { template: 'supporter', language: 'en', 'supporter.name': 'Amina Wanjiru' }

  it('a printed letter needs a postal address, city and country, and then goes to the PDF', async () => {
    const refused = await form('/write/fra', { ...base, delivery: 'print' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('A printed letter needs your postal address')
    expect(refused.body).toContain('A printed letter needs your city')
    expect(refused.body).toContain('A printed letter needs your country')
    expect(refused.body).not.toContain('give your e-mail address')
    const written = await form('/write/fra', {
      ...base,
      delivery: 'print',
      'supporter.addressLines': 'Kenyatta Avenue 14',
      'supporter.city': 'Nairobi',
      'supporter.country': 'KE',
    })
    expect(written.statusCode).toBe(303)
    const preview = await app.inject({ method: 'GET', url: written.headers.location as string })
    expect(preview.body).toContain('Download PDF')
  })

  it('an e-mailed letter needs only an e-mail address, and the link to confirm goes out at once', async () => {
    const refused = await form('/write/fra', { ...base, delivery: 'email' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('To e-mail the letter, give your e-mail address')
    expect(refused.body).not.toContain('A printed letter needs')
    const written = await form('/write/fra', {
      ...base,
      delivery: 'email',
      'supporter.email': 'amina.w@example.org',
    })
    expect(written.statusCode).toBe(303)
    const id = (written.headers.location as string).split('/').pop() as string
    const row = await ctx.db
      .selectFrom('letter')
      .select(['status', 'supporter_address_lines'])
      .where('public_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('awaiting_confirmation')
    expect(row.supporter_address_lines).toBe('[]')
    const queued = await ctx.db
      .selectFrom('outbox_message')
      .select('kind')
      .where('kind', '=', 'confirmation')
      .execute()
    expect(queued.length).toBeGreaterThan(0)
    const page = await app.inject({ method: 'GET', url: `/letters/${id}` })
    expect(page.body).toContain('Check your e-mail')
  })

  it('offers only e-mail for a mission without a street address, and says so', async () => {
    const page = await app.inject({ method: 'GET', url: '/write/tcd' })
    expect(page.body).toContain('value="email"')
    expect(page.body).not.toContain('value="print"')
    expect(page.body).toContain('can only be e-mailed')
    const refused = await form('/write/tcd', {
      ...base,
      delivery: 'print',
      'supporter.addressLines': 'Rue 1',
      'supporter.city': 'Lyon',
      'supporter.country': 'FR',
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('this letter can only be e-mailed')
    // Written (as an older page could, without choosing), its page offers no PDF to print.
    const draft = await form('/write/tcd', base)
    const page2 = await app.inject({ method: 'GET', url: draft.headers.location as string })
    expect(page2.body).toContain('this letter is not for printing')
    expect(page2.body).not.toContain('/pdf"')
  })

  it('offers only print for a mission without an e-mail address', async () => {
    const page = await app.inject({ method: 'GET', url: '/write/bra' })
    expect(page.body).toContain('value="print"')
    expect(page.body).not.toContain('value="email"')
    expect(page.body).toContain('can only be printed and posted')
  })
})

describe('the next step after the letter', () => {
  const base = { template: 'supporter', language: 'en', 'supporter.name': 'Amina Wanjiru' }

  it('after a printed letter: how to post it, another state in one click, plain share links', async () => {
    const written = await form('/write/fra', {
      ...base,
      delivery: 'print',
      'supporter.addressLines': 'Kenyatta Avenue 14',
      'supporter.city': 'Nairobi',
      'supporter.country': 'KE',
    })
    const page = await app.inject({ method: 'GET', url: written.headers.location as string })
    expect(page.body).toContain('Once it is printed')
    const another = page.body.match(/<a class="button" href="\/write\/([a-z]{3})">Write to ([^<]+) next<\/a>/)
    expect(another?.[1]).toBeDefined()
    expect(another?.[1]).not.toBe('fra')
    for (const host of [
      'https://x.com/intent/post?',
      'https://www.facebook.com/sharer/sharer.php?',
      'https://wa.me/?',
      'mailto:?',
    ])
      expect(page.body).toContain(host)
    expect(page.body).toContain('id="share-url" class="share-url" readonly value="http://localhost:3000/"')
    expect(page.body).toContain('href="/join"')
    // No script of any network is loaded: the page's only scripts are the site's own.
    expect([...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].every((m) => m[1]?.startsWith('/'))).toBe(
      true,
    )
  })

  it('after an e-mailed letter: no request to post it too, a copy to keep instead', async () => {
    const written = await form('/write/fra', {
      ...base,
      delivery: 'email',
      'supporter.email': 'amina.next@example.org',
    })
    const url = written.headers.location as string
    const waiting = await app.inject({ method: 'GET', url })
    expect(waiting.body).toContain('there is no need to print or post it')
    expect(waiting.body).not.toContain('Print it, sign it, and post it')
    expect(waiting.body).toContain('Keep a copy (PDF)')
    expect(waiting.body).toContain('While you wait for the link')
  })
})
