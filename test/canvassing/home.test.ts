import zlib from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { addEngagement } from '../../src/canvassing/engagements.service.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { writeLetterToFrance } from '../helpers/letter-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The home page (/): the ask, one button to write, the campaign's figures, joining; light enough
// for a phone on a slow connection. The head tags every page carries are tested in head-tags.test.ts.

const HOME_LIMIT_BYTES = 30 * 1024

const { app, ctx } = await buildTestApp()

async function home(headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url: '/', headers })
  return res
}

/** Every <a> of the page: its href, its class attribute and its text without tags. */
function links(html: string): { href: string; className: string; text: string }[] {
  return [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => ({
    href: /\bhref="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '',
    className: /\bclass="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '',
    text: (m[2] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/\s+/g, ' ')
      .trim(),
  }))
}

/** The page's <main> (the header's and footer's links left out). */
function mainOf(html: string): string {
  return /<main\b[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? ''
}

/** The text of the page's <main>, tags removed, entities of quotes decoded. */
function mainText(html: string): string {
  return mainOf(html)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

/** The light map's squares, in order: one status per member state (a path of squares per status). */
function cells(html: string): string[] {
  const grid = /<svg class="state-grid"[^>]*aria-hidden="true"[^>]*>([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? ''
  return [...grid.matchAll(/<path class="s-([a-z_]+)" d="([^"]*)"\/>/g)].flatMap(([, status, d]) =>
    Array<string>((d ?? '').match(/M/g)?.length ?? 0).fill(status ?? ''),
  )
}

describe('the home page on a fresh site', () => {
  it('answers 200 at / (no more redirect to /states) with the ask in its heading and first lines', async () => {
    const res = await home()
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers.location).toBeUndefined()
    const html = res.body
    expect(html).toMatch(/<h1 id="home-title">End impunity for sexual abuse by UN peacekeepers<\/h1>/)
    const text = mainText(html)
    // What Code Blue asks for and why, before the button.
    const ask = text.slice(0, text.indexOf('Write to an ambassador'))
    expect(ask).toContain('independent Special Court Mechanism')
    expect(ask).toContain('separate from the UN Secretariat')
    expect(ask).toMatch(/rarely face justice/)
    // The reasons and the figures of the Secretary-General's report, lower down.
    expect(text).toContain('gross institutional failure')
    expect(text).toContain('102 allegations')
    expect(text).toContain('125 victims, 27 of them children')
    expect(html).toContain(
      '<title>End impunity for sexual abuse by UN peacekeepers · Code Blue letters</title>',
    )
  })

  it('offers one primary action, "Write to an ambassador", to a suggested state, then any state', async () => {
    const all = links(mainOf((await home()).body))
    const primary = all.filter((l) => l.className.split(' ').includes('button--large'))
    expect(primary).toEqual([
      { href: '/write/suggest', className: 'button button--large', text: 'Write to an ambassador' },
    ])
    const any = all.find((l) => l.text === 'or choose any state')
    expect(any?.href).toBe('/write')
    // In the page's main part: the button first, then the choice of any state, then the rest.
    expect(all.slice(0, 2).map((l) => l.href)).toEqual(['/write/suggest', '/write'])
  })

  it('leads to joining and to the full progress page', async () => {
    const all = links(mainOf((await home()).body))
    expect(all.filter((l) => l.href === '/join').map((l) => l.text)).toContain('Join Code Blue')
    expect(all.find((l) => l.href === '/progress' && l.className === 'home-link')?.text).toBe(
      "Every state's progress, on a map and in a table",
    )
  })

  it('shows the figures of a fresh campaign: none of the 193 canvassed, 193 squares still to do', async () => {
    const html = (await home()).body
    expect(mainText(html)).toContain('0 of 193 member states canvassed')
    expect(mainText(html)).toContain('0 letters written so far, 0 delivered to the missions')
    expect(mainText(html)).toContain('0 of the 5 permanent members of the Security Council canvassed')
    const squares = cells(html)
    expect(squares).toHaveLength(193)
    expect(new Set(squares)).toEqual(new Set(['not_contacted']))
  })

  it('stays light: no script, no inline style element, under 30 KB compressed (brotli and gzip)', async () => {
    const plain = await home()
    expect(plain.body).not.toMatch(/<script\b/i)
    expect(plain.body).not.toMatch(/<style\b/i)
    for (const encoding of ['br', 'gzip']) {
      const res = await home({ 'accept-encoding': encoding })
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(res.rawPayload.length, encoding).toBeLessThan(HOME_LIMIT_BYTES)
      const decoded =
        encoding === 'br' ? zlib.brotliDecompressSync(res.rawPayload) : zlib.gunzipSync(res.rawPayload)
      expect(decoded.toString()).toBe(plain.body)
    }
  })
})

describe('the home page as the campaign goes on', () => {
  beforeAll(async () => {
    // A meeting with France (a permanent member: engaged) and a call to Ghana (contacted) canvass
    // two states; three letters to France are written (drafts count as written).
    await addEngagement(ctx, SHELL_ACTOR, 'FRA', {
      kind: 'meeting',
      occurredOn: '2026-05-20',
      text: 'Met the deputy.',
    })
    await addEngagement(ctx, SHELL_ACTOR, 'GHA', { kind: 'call', occurredOn: '2026-05-21', text: 'Called.' })
    for (let i = 0; i < 3; i++) await writeLetterToFrance(app)
  })

  it('counts what /api/coverage counts: canvassed states, letters written and delivered', async () => {
    const html = (await home()).body
    const { totals } = (await app.inject({ url: '/api/coverage' })).json() as {
      totals: { canvassed: number; memberStates: number; lettersWritten: number; lettersDelivered: number }
    }
    expect(totals).toMatchObject({ canvassed: 2, memberStates: 193, lettersWritten: 3, lettersDelivered: 0 })
    const text = mainText(html)
    expect(text).toContain(`${totals.canvassed} of ${totals.memberStates} member states canvassed`)
    expect(text).toContain(
      `${totals.lettersWritten} letters written so far, ${totals.lettersDelivered} delivered`,
    )
    expect(text).toContain('1 of the 5 permanent members of the Security Council canvassed')
  })

  it('colours the squares the most engaged first, with the counts in words beside them', async () => {
    const html = (await home()).body
    const squares = cells(html)
    expect(squares).toHaveLength(193)
    expect(squares.slice(0, 3)).toEqual(['engaged', 'contacted', 'not_contacted'])
    expect(squares.filter((s) => s === 'not_contacted')).toHaveLength(191)
    const legend = /<ul class="status-breakdown"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
    const counts = [
      ...legend.matchAll(/status-badge--([a-z_]+)">([^<]+)<\/span> <strong>(\d+)<\/strong>/g),
    ].map((m) => [m[2], Number(m[3])])
    expect(counts).toEqual([
      ['Engaged', 1],
      ['Replied', 0],
      ['Contacted', 1],
      ['Not contacted', 191],
    ])
  })

  it('says "1 letter" for one letter, not "1 letters"', async () => {
    const { app: other } = await buildTestApp()
    await writeLetterToFrance(other)
    const text = mainText((await other.inject({ url: '/' })).body)
    expect(text).toContain('1 letter written so far')
  })
})
