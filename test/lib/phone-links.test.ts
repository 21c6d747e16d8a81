import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseBlueBook } from '../../src/directory/bluebook-parse.js'
import { phoneLinks } from '../../src/lib/phone-links.js'
import { setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'
import { referenceFile } from '../helpers/test-context.js'

// Issue 14, item 7: state pages linked the raw phone field ("tel:212-249-2059; 212-249-5654").

const VALID_TEL = /^tel:\+[0-9-]+(;ext=[0-9]+)?$/

describe('phoneLinks', () => {
  it('splits numbers joined by ";" and gives each its tel: URI with +1', () => {
    expect(phoneLinks('212-249-2059; 212-249-5654')).toEqual([
      { text: '212-249-2059', href: 'tel:+1-212-249-2059', label: '' },
      { text: '212-249-5654', href: 'tel:+1-212-249-5654', label: '' },
    ])
  })

  it('writes an extension as ;ext= and keeps the label as printed', () => {
    expect(
      phoneLinks(
        '646-850-1824 Ext. 102 (Main line); 646-850-1827 Ext. 103 (Assistant to the Permanent Representative)',
      ),
    ).toEqual([
      { text: '646-850-1824 Ext. 102', href: 'tel:+1-646-850-1824;ext=102', label: '(Main line)' },
      {
        text: '646-850-1827 Ext. 103',
        href: 'tel:+1-646-850-1827;ext=103',
        label: '(Assistant to the Permanent Representative)',
      },
    ])
    expect(phoneLinks('212-599-0301 Ext. 254')).toEqual([
      { text: '212-599-0301 Ext. 254', href: 'tel:+1-212-599-0301;ext=254', label: '' },
    ])
  })

  it('finds several numbers in one piece, separated by a comma or only by a label', () => {
    expect(
      phoneLinks(
        '646-998-3018 (Secretariat), 646-370-6521 (Office of the Ambassador/Permanent Representative)',
      ).map((l) => [l.href, l.label]),
    ).toEqual([
      ['tel:+1-646-998-3018', '(Secretariat)'],
      ['tel:+1-646-370-6521', '(Office of the Ambassador/Permanent Representative)'],
    ])
    expect(
      phoneLinks('212-521-0672 (Social Section) 212-521-0675 (Admin & Budgetary Section)').map((l) => l.href),
    ).toEqual(['tel:+1-212-521-0672', 'tel:+1-212-521-0675'])
  })

  it('reads other ways of writing a number: brackets, dots, a +1, an international number', () => {
    expect(phoneLinks('(212) 555-0123 x12')[0]?.href).toBe('tel:+1-212-555-0123;ext=12')
    expect(phoneLinks('212.555.0123')[0]?.href).toBe('tel:+1-212-555-0123')
    expect(phoneLinks('+1 212 555 0123')[0]?.href).toBe('tel:+1-212-555-0123')
    expect(phoneLinks('+41 22 917 12 34')[0]?.href).toBe('tel:+41-22-917-12-34')
  })

  it('shows what is no number as text, without a link', () => {
    // An area code cannot start with 0: a typo in the Blue Book's fax field.
    expect(phoneLinks('212-040-0403 (Political Section)')).toEqual([
      { text: '212-040-0403 (Political Section)', href: null, label: '' },
    ])
    expect(phoneLinks('None (email only)')).toEqual([{ text: 'None (email only)', href: null, label: '' }])
    expect(phoneLinks('212-555-01')).toEqual([{ text: '212-555-01', href: null, label: '' }])
    expect(phoneLinks(null)).toEqual([])
    expect(phoneLinks('')).toEqual([])
  })
})

const reference = referenceFile('un-bluebook-2026-01-29-heads.json')
if (!reference.file) console.warn(`phone-links.test.ts: ${reference.reason}`)

describe.skipIf(!reference.file)('every phone field of the Blue Book', () => {
  it('comes out as valid tel: links or plain text, every digit of the field shown', () => {
    const book = parseBlueBook(fs.readFileSync(reference.file!, 'utf8'))
    let linked = 0
    let fields = 0
    for (const entry of book.entries) {
      for (const field of [entry.details.phone, entry.details.fax]) {
        if (!field) continue
        fields++
        const links = phoneLinks(field)
        expect(links.length, field).toBeGreaterThan(0)
        for (const link of links) {
          if (link.href !== null) {
            expect(link.href, field).toMatch(VALID_TEL)
            linked++
          }
        }
        // Nothing of the field is lost: its digits, in order, are those of the pieces shown.
        const shown = links.map((l) => `${l.text} ${l.label}`).join(' ')
        expect(shown.replace(/\D/g, ''), field).toBe(field.replace(/\D/g, ''))
      }
    }
    expect(fields).toBeGreaterThan(300)
    expect(linked).toBeGreaterThan(fields)
  })
})

describe('the state pages link each number on its own', async () => {
  const { app, ctx } = await buildTestApp()
  await setMission(ctx, 'BHS', {
    phone:
      '646-850-1824 Ext. 102 (Main line); 646-850-1827 Ext. 103 (Assistant to the Permanent Representative)',
  })

  const telLinks = (html: string) => [...html.matchAll(/href="(tel:[^"]*)"/g)].map((m) => m[1]!)

  it("France's page has only valid tel: links", async () => {
    const res = await app.inject({ method: 'GET', url: '/states/fra' })
    expect(res.statusCode).toBe(200)
    const links = telLinks(res.body)
    expect(links.length).toBeGreaterThan(0)
    for (const link of links) expect(link).toMatch(VALID_TEL)
  })

  it('links two numbers with extensions, their labels as text outside the links', async () => {
    const res = await app.inject({ method: 'GET', url: '/states/bhs' })
    expect(telLinks(res.body)).toEqual(['tel:+1-646-850-1824;ext=102', 'tel:+1-646-850-1827;ext=103'])
    expect(res.body).toContain('<a href="tel:+1-646-850-1824;ext=102">646-850-1824 Ext. 102</a> (Main line)')
  })

  it('links them the same way on the organizers’ state desk', async () => {
    const { cookie } = await signInOrganizer(app, ctx, { role: 'viewer' })
    const res = await app.inject({ method: 'GET', url: '/organizers/states/bhs', headers: { cookie } })
    expect(res.statusCode).toBe(200)
    expect(telLinks(res.body)).toEqual(['tel:+1-646-850-1824;ext=102', 'tel:+1-646-850-1827;ext=103'])
    const france = await app.inject({ method: 'GET', url: '/organizers/states/fra', headers: { cookie } })
    expect(telLinks(france.body)).toEqual(['tel:+1-212-702-4900'])
  })
})
