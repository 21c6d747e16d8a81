import { describe, expect, it } from 'vitest'
import { flagFailingMissionEmails } from '../../src/directory/mission-email-failures.js'
import { type SiteLanguage, translate } from '../../src/i18n/index.js'
import { setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()

async function getPage(url: string) {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, html: res.body, headers: res.headers }
}

const rowCount = (html: string) => (html.match(/<th scope="row">/g) ?? []).length

describe('the list of states', () => {
  it('shows a change to a mission at once in every language, though its rows are kept between requests', async () => {
    for (const lang of ['en', 'ar'])
      expect((await getPage(`/states?lang=${lang}`)).html).not.toContain('Ada Kept')
    await setMission(ctx, 'TCD', {
      head: {
        status: 'filled',
        honorific: 'H.E. Ms.',
        name: 'Ada Kept',
        function: 'Permanent Representative',
        credentialsPresented: '2026-01-01',
      },
    })
    for (const lang of ['en', 'ar']) {
      const { html } = await getPage(`/states?lang=${lang}`)
      expect(html).toContain('Ada Kept')
      expect(rowCount(html)).toBe(195)
    }
    // A filtered list is kept apart from the whole list, and shows its own rows.
    expect(rowCount((await getPage('/states?group=african')).html)).toBe(54)
    expect(rowCount((await getPage('/states')).html)).toBe(195)
  })

  it('shows all 195 states, the header leading to it from every page', async () => {
    const home = await getPage('/')
    expect(home.status).toBe(200)
    expect(home.html).toContain('<li><a href="/states">Member states</a></li>')
    const { status, html, headers } = await getPage('/states')
    expect(status).toBe(200)
    expect(headers['content-type']).toMatch(/text\/html/)
    expect(rowCount(html)).toBe(195)
    expect(html).toContain('The 193 member states')
    expect(html).toContain('<a href="/states/tcd">Chad</a>')
  })

  it('filters by the search form, whose empty fields mean "all"', async () => {
    expect(rowCount((await getPage('/states?q=&group=african&council=&membership=')).html)).toBe(54)
    const observers = await getPage('/states?membership=observer')
    expect(rowCount(observers.html)).toBe(2)
    expect(observers.html).toContain('Observer state')
    const council = await getPage('/states?council=permanent')
    expect(rowCount(council.html)).toBe(5)
    expect(council.html).toMatch(/<option value="permanent" selected>/)
    expect(rowCount((await getPage('/states?q=ivory')).html)).toBe(1)
  })

  it("names the states in the page's language, in its order, and finds them by either name", async () => {
    const states = (html: string) => [...html.matchAll(/<a href="\/states\/([a-z]{3})">([^<]+)<\/a>/g)]
    const french = states((await getPage('/states?lang=fr')).html)
    expect(french).toHaveLength(195)
    const names = french.map(([, , name]) => name ?? '')
    expect(names.slice(0, 5)).toEqual(['Afghanistan', 'Afrique du Sud', 'Albanie', 'Algérie', 'Allemagne'])
    expect(names).toEqual([...names].sort(new Intl.Collator('fr', { sensitivity: 'base' }).compare))
    for (const q of ['allemagne', 'Germany', 'DEU'])
      expect(
        states((await getPage(`/states?lang=fr&q=${q}`)).html).map(([, code]) => code),
        q,
      ).toEqual(['deu'])
    const chinese = states((await getPage(`/states?lang=zh&q=${encodeURIComponent('法国')}`)).html)
    expect(chinese.map(([, code, name]) => [code, name])).toEqual([['fra', '法国']])
    // English pages keep the directory's names and order.
    expect(states((await getPage('/states?lang=en&q=germany')).html).map(([, , name]) => name)).toEqual([
      'Germany',
    ])
  })

  it('says so when nothing matches', async () => {
    const { html } = await getPage('/states?q=atlantis')
    expect(rowCount(html)).toBe(0)
    expect(html).toContain('No state matches')
  })

  it('escapes what a visitor types', async () => {
    const { html } = await getPage(`/states?q=${encodeURIComponent('<script>alert(1)</script>')}`)
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('answers an invalid filter with a 400 page naming it', async () => {
    const { status, html } = await getPage('/states?group=martian')
    expect(status).toBe(400)
    expect(html).toContain('<h1>Bad request</h1>')
    expect(html).toContain('&quot;group&quot;')
  })
})

describe('a state page', () => {
  it('shows a change to its mission and a bouncing address at once in every language, though kept between requests', async () => {
    await setMission(ctx, 'NER', { emails: ['ner.kept@example.org'] })
    for (const lang of ['en', 'ar']) {
      const { html } = await getPage(`/states/ner?lang=${lang}`)
      expect(html).toContain('ner.kept@example.org')
      expect(html).not.toContain('Omar Kept')
      expect(html).not.toContain('class="notice"')
    }
    await setMission(ctx, 'NER', {
      head: {
        status: 'filled',
        honorific: 'H.E. Mr.',
        name: 'Omar Kept',
        function: 'Permanent Representative',
        credentialsPresented: '2026-01-01',
      },
    })
    const note = (lang: string) => translate(lang as SiteLanguage, 'delivery.bouncing.note')
    for (const lang of ['en', 'ar']) {
      const { html } = await getPage(`/states/ner?lang=${lang}`)
      expect(html).toContain('Omar Kept')
      expect(html).not.toContain(note(lang))
    }
    // The directory is unchanged: the bouncing address alone changes the page.
    await flagFailingMissionEmails(
      ctx.db,
      'NER',
      ['ner.kept@example.org'],
      '2026-06-01T12:00:00.000Z',
      '550 no such user',
    )
    for (const lang of ['en', 'ar']) {
      const { html } = await getPage(`/states/ner?lang=${lang}`)
      expect(html).toContain('Omar Kept')
      expect(html).toContain(note(lang))
    }
    // Another state's page is its own.
    expect((await getPage('/states/mli')).html).not.toContain('Omar Kept')
  })

  it('shows the mission, the state, where each detail comes from and the history', async () => {
    const { status, html } = await getPage('/states/tcd')
    expect(status).toBe(200)
    expect(html).toContain('<h1>Chad</h1>')
    expect(html).toContain('Permanent Mission of the Republic of Chad to the United Nations')
    expect(html).toContain('20 September 1960')
    expect(html).toContain('African Group')
    expect(html).toContain('Seed data: data/seed/states.json')
    // The seed's contact details (data/seed/missions.json), dated as the Blue Book gave them.
    expect(html).toContain('129 East 36th Street<br>')
    expect(html).toContain('Seed data: data/seed/missions.json</td><td>18 December 2024</td>')
    expect(html).toContain('Abakar Mouctar')
  })

  it('says what it does not know for a mission the Blue Book does not list', async () => {
    const { html } = await getPage('/states/stp')
    expect(html).toContain('Not yet known: no Blue Book on record names the head of this mission.')
    expect(html).toContain('New York — street address not known yet')
  })

  it('shows a Council seat with its term and a group note', async () => {
    const usa = await getPage('/states/usa')
    expect(usa.html).toContain('Permanent member of the Security Council')
    expect(usa.html).toContain('United States Mission to the United Nations')
    expect(usa.html).toMatch(/observer/i)
    const latvia = await getPage('/states/lva')
    expect(latvia.html).toContain('Elected to the Security Council 2026–2027')
  })

  it("names the state and its mission in the page's language, the postal address as the Blue Book has it", async () => {
    const { html } = await getPage('/states/deu?lang=fr')
    expect(html).toContain('<h1>Allemagne</h1>')
    expect(html).toContain('<title>Allemagne')
    expect(html).toContain('Mission permanente de l’Allemagne auprès de l’Organisation des Nations Unies')
    expect(html).toMatch(/<address lang="en">Permanent Mission of Germany to the United Nations<br>/)
  })

  it('redirects an upper-case code to the canonical address', async () => {
    const { status, headers } = await getPage('/states/TCD')
    expect(status).toBe(301)
    expect(headers.location).toBe('/states/tcd')
  })

  it('answers an unknown state or page with a 404 page, not JSON', async () => {
    for (const url of ['/states/xxx', '/no-such-page']) {
      const { status, html, headers } = await getPage(url)
      expect(status, url).toBe(404)
      expect(headers['content-type'], url).toMatch(/text\/html/)
      expect(html, url).toContain('<h1>Page not found</h1>')
    }
  })

  it('serves the stylesheet', async () => {
    const res = await app.inject({ method: 'GET', url: '/public/site.css' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/css/)
  })
})
