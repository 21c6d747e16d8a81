import { describe, expect, it } from 'vitest'
import { type BlueBookEntry, BlueBookFormatError, parseBlueBook } from '../../src/directory/bluebook-parse.js'
import {
  formatPersonName,
  givenNameFirst,
  headOfMission,
  newYorkDate,
  parseStaff,
} from '../../src/directory/bluebook-staff.js'
import { hasMojibakeMarkers, nameKey, repairMojibake } from '../../src/directory/bluebook-text.js'

// Small Blue Books written here, in the layout of the UN's data.json (see ../shared/reference).

type Row = Record<string, unknown>

function country(name: string, fields: Row = {}): Row {
  return {
    MC_EntityBB: name,
    MC_EntityLong: name,
    MC_Address: `Permanent Mission of ${name} to the United Nations\r\n1 First Avenue\r\nNew York, NY 10017\r\n\r\n`,
    MC_Telephone: '212-555-0100',
    MC_Telefax: '',
    MC_eMail: 'mission@example.org',
    MC_WebSite: '',
    MC_UNCorrespondenceLanguage: 'English',
    MC_Category: '1',
    ...fields,
  }
}

function person(mission: string, fn: string, first: string, last: string, fields: Row = {}): Row {
  return {
    BB_Mission_bluebook: mission,
    BB_Function: fn,
    BB_FirstName: first,
    BB_LastName: last,
    BB_Title: 'H.E. Mr.',
    BB_NameOrder: true,
    BB_Status: 'Active',
    BB_Appointment: '2020-01-01T05:00:00.000Z',
    BB_Cred_Presented: null,
    ...fields,
  }
}

const book = (countries: Row[], bluebooks: Row[] = []): string => JSON.stringify({ countries, bluebooks })
const only = (text: string): BlueBookEntry => {
  const [entry, ...rest] = parseBlueBook(text).entries
  expect(rest).toEqual([])
  return entry!
}

describe('repairing double-encoded text', () => {
  it('repairs UTF-8 read as cp1252', () => {
    expect(repairMojibake("C\u00c3\u00b4te d'Ivoire")).toBe("Côte d'Ivoire")
    expect(repairMojibake('\u00e2\u20ac\u2122')).toBe('\u2019')
    expect(repairMojibake('T\u00c3\u00bcrkiye')).toBe('Türkiye')
    expect(repairMojibake('One Dag Hammarskj\u00c3\u00b6ld Plaza')).toBe('One Dag Hammarskjöld Plaza')
  })

  it('repairs UTF-8 read as Latin-1 (C1 control characters), as the 2024 file has it', () => {
    expect(repairMojibake('Stevanovi\u00c4\u0087')).toBe('Stevanović')
    expect(repairMojibake('T\u00c5\u008dn\u00c4\u0093')).toBe('Tōnē')
    expect(repairMojibake('People\u00e2\u0080\u0099s')).toBe('People\u2019s')
  })

  it('leaves correct text alone', () => {
    for (const text of [
      "Côte d'Ivoire",
      'Türkiye',
      'Tōnē',
      'SÃO TOMÉ',
      'naïve — “quoted” €5',
      'Ñandú',
      'Đurbuzović',
    ]) {
      expect(repairMojibake(text)).toBe(text)
      expect(hasMojibakeMarkers(text)).toBe(false)
    }
  })

  it('repairs every text field: names, addresses, staff', () => {
    const parsed = parseBlueBook(
      book(
        [
          country('T\u00c3\u00bcrkiye', {
            MC_Address:
              'Permanent Mission of T\u00c3\u00bcrkiye\r\nto the United Nations\r\nOne Dag Hammarskj\u00c3\u00b6ld Plaza\r\nNew York, NY 10017',
            MC_Telephone: '212-555-0100 (Permanent Representative\u00e2\u0080\u0099s Office)',
          }),
        ],
        [person('T\u00c3\u00bcrkiye', 'Permanent Representative', 'Ahmet', 'Y\u00c4\u00b1ld\u00c4\u00b1z')],
      ),
    )
    const entry = parsed.entries[0]!
    expect(entry.name).toBe('Türkiye')
    expect(entry.details.name).toBe('Permanent Mission of Türkiye to the United Nations')
    expect(entry.details.addressLines).toEqual(['One Dag Hammarskjöld Plaza', 'New York, NY 10017'])
    expect(entry.details.phone).toBe('212-555-0100 (Permanent Representative\u2019s Office)')
    expect(entry.head?.name).toBe('Ahmet Yıldız')
    expect(hasMojibakeMarkers(JSON.stringify(parsed))).toBe(false)
  })

  it('compares names without case, apostrophe or space differences, but keeps words and accents', () => {
    expect(nameKey('  CÔTE D\u2019IVOIRE ')).toBe(nameKey("Côte d'Ivoire"))
    expect(nameKey('C\u00c3\u00b4te d\u00e2\u20ac\u2122Ivoire')).toBe(nameKey("Côte d'Ivoire"))
    expect(nameKey('Sao Tome and Principe')).not.toBe(nameKey('São Tomé and Príncipe'))
    expect(nameKey('The Gambia')).not.toBe(nameKey('Gambia'))
  })
})

describe('the address', () => {
  const address = (text: string) => only(book([country('Chad', { MC_Address: text })])).details

  it('joins a mission name wrapped over two lines and keeps the city line last', () => {
    const details = address(
      'Permanent Mission of the Republic\r\nof Chad to the United Nations\r\n129 East 36th Street\r\nNew York, NY 10016\r\n\r\n\r\n',
    )
    expect(details.name).toBe('Permanent Mission of the Republic of Chad to the United Nations')
    expect(details.addressLines).toEqual(['129 East 36th Street', 'New York, NY 10016'])
    expect(details.city).toBe('New York')
  })

  it('joins three name lines (trailing spaces too) and keeps several street lines', () => {
    const details = address(
      'Permanent Mission of the \r\nCo-operative Republic\r\nof Guyana to the United Nations\r\nOne Dag Hammarskjöld Plaza\r\n885 Second Avenue, 41st Floor\r\nNew York, NY 10017-2201',
    )
    expect(details.name).toBe(
      'Permanent Mission of the Co-operative Republic of Guyana to the United Nations',
    )
    expect(details.addressLines).toEqual([
      'One Dag Hammarskjöld Plaza',
      '885 Second Avenue, 41st Floor',
      'New York, NY 10017-2201',
    ])
  })

  it('reads a one-line name, LF line breaks, and a name ending in "the United Nations" without "to"', () => {
    expect(
      address('United States Mission to the United Nations\n799 United Nations Plaza\nNew York, NY 10017'),
    ).toMatchObject({
      name: 'United States Mission to the United Nations',
      city: 'New York',
      addressLines: ['799 United Nations Plaza', 'New York, NY 10017'],
    })
    expect(
      address(
        'Permanent Mission of the Kingdom\r\nof Lesotho the United Nations\r\n2 B St\r\nNew York, NY 10016',
      ).name,
    ).toBe('Permanent Mission of the Kingdom of Lesotho the United Nations')
  })

  it('writes the apostrophe of a mission name straight, like the directory’s state names', () => {
    const details = address(
      'Permanent Mission of C\u00c3\u00b4te d\u00e2\u0080\u0099Ivoire\r\nto the United Nations\r\n800 Second Avenue\r\nNew York, NY 10017',
    )
    expect(details.name).toBe("Permanent Mission of Côte d'Ivoire to the United Nations")
  })

  it('drops a second address after the city line, with a warning', () => {
    const parsed = parseBlueBook(
      book([
        country('Lao', {
          MC_Address:
            'Permanent Mission of Lao\r\nto the United Nations\r\n1 A St\r\nNew York, NY 10017\r\nand 2 B St\r\nNew York, NY 10016',
        }),
      ]),
    )
    expect(parsed.entries[0]!.details.addressLines).toEqual(['1 A St', 'New York, NY 10017'])
    expect(parsed.warnings).toEqual(['Lao: second address dropped: and 2 B St / New York, NY 10016'])
  })

  it('states no name or address when the field is blank or absent (the mission keeps its own)', () => {
    expect(address('\r\n\r\n')).not.toHaveProperty('name')
    const { MC_Address: _, ...withoutAddress } = country('Chad')
    expect(only(book([withoutAddress])).details).not.toHaveProperty('addressLines')
  })
})

describe('contact fields', () => {
  const details = (fields: Row) => only(book([country('Chad', fields)])).details

  it('splits several e-mail addresses, drops notes, blanks, duplicates and implausible ones', () => {
    expect(
      details({
        MC_eMail:
          'a@un.int; b@mfa.gov.xx (Ambassador\u2019s office),\n c@x.org / A@UN.INT  d@e.org\r\n\r\n; not-an-address; @x.org; e@nodot',
      }).emails,
    ).toEqual(['a@un.int', 'b@mfa.gov.xx', 'c@x.org', 'd@e.org'])
    expect(details({ MC_eMail: '' }).emails).toEqual([])
  })

  it('keeps several phone numbers in one text, and reads "None" as no fax', () => {
    const d = details({
      MC_Telephone: '212-421-6925\r\n212-421-6926,\n212-889- 2491 ',
      MC_Telefax: 'None (email only)',
    })
    expect(d.phone).toBe('212-421-6925; 212-421-6926; 212-889-2491')
    expect(d.fax).toBeNull()
  })

  it('gives a website a scheme, repairs "http\\n//", and reads empty as none', () => {
    expect(details({ MC_WebSite: 'www.un.int/chad ' }).website).toBe('https://www.un.int/chad')
    expect(details({ MC_WebSite: 'http\n//chad.example.org/' }).website).toBe('http://chad.example.org/')
    expect(details({ MC_WebSite: 'https://chad.example.org' }).website).toBe('https://chad.example.org')
    expect(details({ MC_WebSite: 'www.un.int/chad\r\nhttps\n//other.example.org' }).website).toBe(
      'https://www.un.int/chad',
    )
    expect(details({ MC_WebSite: '' }).website).toBeNull()
  })

  it('reads correspondence languages joined by "/", "; " or a backslash, in file order', () => {
    expect(details({ MC_UNCorrespondenceLanguage: 'English' }).languages).toEqual(['en'])
    expect(details({ MC_UNCorrespondenceLanguage: 'French; English' }).languages).toEqual(['fr', 'en'])
    expect(details({ MC_UNCorrespondenceLanguage: 'English/French' }).languages).toEqual(['en', 'fr'])
    expect(details({ MC_UNCorrespondenceLanguage: 'Spanish\\French' }).languages).toEqual(['es', 'fr'])
    expect(details({ MC_UNCorrespondenceLanguage: '' }).languages).toEqual([])
  })
})

describe('categories', () => {
  it('keeps member (1) and observer (2) states, as strings or numbers, and counts the rest', () => {
    const parsed = parseBlueBook(
      book([
        country('A', { MC_Category: '1' }),
        country('B', { MC_Category: 1 }),
        country('C', { MC_Category: ' 2 ' }),
        country('D', { MC_Category: 2 }),
        country('African Union', { MC_Category: '4' }),
        country('World Bank', { MC_Category: 6 }),
        country('', { MC_Category: '9' }),
        country('E', { MC_Category: undefined }),
      ]),
    )
    expect(parsed.entries.map((e) => [e.name, e.membership])).toEqual([
      ['A', 'member'],
      ['B', 'member'],
      ['C', 'observer'],
      ['D', 'observer'],
    ])
    expect(parsed.otherEntities).toHaveLength(4)
  })
})

describe('heads of mission', () => {
  const headOf = (staff: Row[], name = 'Chad') => only(book([country(name)], staff)).head

  it('takes the Permanent Representative, not deputies, alternates, assistants, former or military staff', () => {
    const head = headOf([
      person('Chad', 'Deputy Permanent Representative', 'Dee', 'Puty'),
      person('Chad', 'Alternate Permanent Representative', 'Al', 'Ternate'),
      person('Chad', 'Former Permanent Representative', 'Fo', 'Rmer'),
      person('Chad', 'Assistant to the Permanent Representative', 'As', 'Sistant'),
      person('Chad', 'Naval Representative', 'Na', 'Val'),
      person('Chad', 'Representative to the Security Council', 'Se', 'Curity'),
      person('Chad', ' Permanent Representative ', 'Ada', 'Head', {
        BB_Title: ' H.E. Mrs. ',
        BB_Cred_Presented: '2021-02-25T05:00:00.000Z',
      }),
    ])
    expect(head).toEqual({
      status: 'filled',
      honorific: 'H.E. Mrs.',
      name: 'Ada Head',
      function: 'Permanent Representative',
      credentialsPresented: '2021-02-25',
    })
  })

  it('takes a Permanent Observer, and the United States’ "Representative"', () => {
    expect(headOf([person('Holy See', 'Permanent Observer', 'Gabriele', 'Caccia')], 'Holy See')?.name).toBe(
      'Gabriele Caccia',
    )
    const us = headOf(
      [
        person('USA', 'Deputy Representative', 'Tammy', 'Bruce'),
        person('USA', 'Representative', 'Michael G.', 'Waltz'),
      ],
      'USA',
    )
    expect(us).toMatchObject({ status: 'filled', name: 'Michael G. Waltz', function: 'Representative' })
  })

  it('reads a "(DPC: ...)" placeholder with no name as a vacant post', () => {
    const head = headOf([
      person('Chad', 'Permanent Representative (DPC: ...)', '', '', { BB_Title: 'H.E. ...', BB_Status: '' }),
      person('Chad', 'Deputy Permanent Representative', 'Dee', 'Puty'),
    ])
    expect(head).toEqual({
      status: 'vacant',
      honorific: null,
      name: null,
      function: null,
      credentialsPresented: null,
    })
  })

  it('reads staff without a head as a vacant post, and no staff at all as not stated', () => {
    expect(headOf([person('Chad', 'Deputy Permanent Representative', 'Dee', 'Puty')])?.status).toBe('vacant')
    expect(
      headOf([person('Chad', 'Permanent Representative', 'Old', 'Head', { BB_Status: 'Inactive' })])?.status,
    ).toBe('vacant')
    expect(headOf([])).toBeNull()
  })

  it('counts the same person listed twice once, and matches staff to entries by repaired name', () => {
    const parsed = parseBlueBook(
      book(
        [country("C\u00c3\u00b4te D'Ivoire")],
        [
          person("CÔTE D'IVOIRE", 'Permanent Representative', 'Song', 'Kim', { BB_NameOrder: 'false' }),
          person("Côte D'Ivoire", 'Permanent Representative', 'Song', 'Kim', {
            BB_NameOrder: 0,
            BB_Cred_Presented: '2025-09-21T04:00:00.000Z',
          }),
          person('United Kingdom', 'Permanent Representative (DPC: ...)', '', ''),
        ],
      ),
    )
    expect(parsed.warnings).toEqual([])
    expect(parsed.entries[0]!.head).toMatchObject({ name: 'Kim Song', credentialsPresented: '2025-09-21' })
    expect(parsed.unattachedStaff.map((g) => [g.missionName, g.staff.length])).toEqual([
      ['United Kingdom', 1],
    ])
  })

  it('keeps the head appointed last when two different people are listed, with a warning', () => {
    const staff = [
      person('Chad', 'Permanent Representative', 'Old', 'Head', {
        BB_Appointment: '2019-03-01T05:00:00.000Z',
      }),
      person('Chad', 'Permanent Representative', 'New', 'Head', {
        BB_Appointment: '2025-03-01T05:00:00.000Z',
      }),
    ].map((row) => parseStaff(row as Parameters<typeof parseStaff>[0]))
    const finding = headOfMission(staff)
    expect(finding.head?.name).toBe('New Head')
    expect(finding.warning).toBe('2 heads listed (New Head, Old Head): kept New Head, appointed last')
  })

  it('formats names: order flag, footnote markers, post-nominals', () => {
    expect(formatPersonName('Barbara', 'Woodward, DCMG, OBE', true)).toBe('Barbara Woodward, DCMG, OBE')
    expect(formatPersonName('Fatima Kyari', 'Mohammed*', true)).toBe('Fatima Kyari Mohammed')
    expect(formatPersonName('Ian', 'Madeleine +', true)).toBe('Ian Madeleine')
    expect(formatPersonName('Cong', 'Fu', false)).toBe('Fu Cong')
    expect(formatPersonName(' Jérôme', 'Bonnafont ', true)).toBe('Jérôme Bonnafont')
    expect(formatPersonName('', '', true)).toBeNull()
    expect(formatPersonName('...', '...', true)).toBeNull()
    expect([true, 'true', 1, '1', undefined].map(givenNameFirst)).toEqual([true, true, true, true, true])
    expect([false, 'false', 0, '0', ' FALSE '].map(givenNameFirst)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('gives the New York calendar day of credentials, or null', () => {
    expect(newYorkDate('2020-12-02T05:00:00.000Z')).toBe('2020-12-02')
    expect(newYorkDate('2025-09-21T04:00:00.000Z')).toBe('2025-09-21')
    expect(newYorkDate('2021-02-25T03:00:00.000Z')).toBe('2021-02-24')
    expect(newYorkDate('2021-02-25')).toBe('2021-02-25')
    for (const none of [null, undefined, '', 'not a date']) expect(newYorkDate(none)).toBeNull()
  })
})

describe('input that is not a Blue Book', () => {
  const valid = book([country('Chad')])
  const cases: [string, string][] = [
    ['empty', ''],
    ['blank', '  \n '],
    ['not JSON', 'Permanent Missions to the United Nations'],
    ['truncated JSON', valid.slice(0, valid.length / 2)],
    ['an array', '[]'],
    ['no countries', '{"bluebooks": []}'],
    ['countries not an array', '{"countries": {"MC_EntityBB": "Chad"}}'],
    ['an entry that is not an object', '{"countries": ["Chad"]}'],
    ['an entry without MC_EntityBB', JSON.stringify({ countries: [{ MC_Category: '1' }] })],
    ['no state entries', book([country('African Union', { MC_Category: '4' })])],
    ['bluebooks not an array', JSON.stringify({ countries: [country('Chad')], bluebooks: 'x' })],
    ['a staff row without a mission', book([country('Chad')], [{ BB_Function: 'Permanent Representative' }])],
    ['a text field that is not text', book([country('Chad', { MC_eMail: { a: 1 } })])],
  ]

  it.each(cases)('throws BlueBookFormatError with a one-line message: %s', (_, text) => {
    expect(() => parseBlueBook(text)).toThrow(BlueBookFormatError)
    try {
      parseBlueBook(text)
    } catch (error) {
      expect((error as Error).message).toMatch(/^not a Blue Book: [^\n]+$/)
    }
  })

  it('accepts a byte-order mark and a file without bluebooks', () => {
    expect(
      parseBlueBook(`\uFEFF${JSON.stringify({ countries: [country('Chad')] })}`).entries[0]!.head,
    ).toBeNull()
  })
})
