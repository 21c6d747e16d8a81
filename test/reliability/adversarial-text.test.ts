import { beforeAll, describe, expect, it } from 'vitest'
import { ADVERSARIAL_TEXT, adversarialValue } from '../../scripts/lib/adversarial-text.js'
import { parseEngagementInput } from '../../src/canvassing/engagement-input.js'
import { parseEmails, parseLanguages, parsePhones } from '../../src/directory/bluebook-parse.js'
import { headRank } from '../../src/directory/bluebook-staff.js'
import { cleanText, nameKey, repairMojibake } from '../../src/directory/bluebook-text.js'
import { parseMissionEdit } from '../../src/directory/mission-edit-input.js'
import { parseLetterInput } from '../../src/letters/letter-input.js'
import { cleanPdfText } from '../../src/letters/letter-pdf-text.js'
import { type FieldErrors, lines, multiLine, oneLine } from '../../src/lib/form-fields.js'
import { maskEmails } from '../../src/lib/log.js'
import { foldForSearch } from '../../src/lib/text.js'
import {
  findTextProblem,
  isPlausibleEmail,
  normalizeLine,
  normalizeMultiline,
  normalizeNfc,
  normalizeNfd,
} from '../../src/lib/text-safety.js'
import { parseJoinForm } from '../../src/members/member-input.js'
import { parseUpdateInput } from '../../src/members/update-input.js'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { inviteOrganizer } from '../../src/organizers/organizer-accounts.service.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { csrfFieldOf, type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 12, finding 1: text that makes a normalizer or a regex work in time super-linear in its
// length (scripts/lib/adversarial-text.ts). Every normalizer gets 1 MB of each kind; every text
// field of every form and of the JSON API gets a body over the size limit (413), and one just
// under it (60 KB in a form, ~900 KB in JSON), which its own field check must refuse by name. No
// timings here: the slowest request is measured by `npm run fuzz`, which sends the same strings.

const MB = 1024 * 1024

const KINDS = Object.entries(ADVERSARIAL_TEXT)

describe('every normalizer takes 1 MB of adversarial text', () => {
  const normalizers: Record<string, (text: string) => unknown> = {
    normalizeLine,
    normalizeMultiline,
    normalizeNfc,
    normalizeNfd,
    'findTextProblem (one line)': (t) => findTextProblem(t, false),
    'findTextProblem (several lines)': (t) => findTextProblem(t, true),
    isPlausibleEmail,
    foldForSearch,
    cleanPdfText,
    maskEmails,
    cleanText,
    nameKey,
    repairMojibake,
    parsePhones,
    parseEmails,
    parseLanguages,
    headRank,
  }
  for (const [kind, make] of KINDS) {
    it(`answers for ${kind}`, () => {
      const text = make(MB)
      for (const [name, normalize] of Object.entries(normalizers)) {
        expect(normalize(text), name).toBeDefined()
      }
    })
  }

  it('still folds what it folded before', () => {
    expect(normalizeMultiline(' a \u00a0\t\r\n\r\n\r\n\r\nb  \n')).toBe('a\n\nb')
    expect(normalizeLine('  Ana\u00a0 María \n')).toBe('Ana María')
    expect(normalizeNfc('e\u0301')).toBe('é')
    // A run of more than 30 marks is cut by a combining grapheme joiner before NFC, and refused.
    expect(normalizeNfc(`a${'\u0301'.repeat(61)}`)).toBe(
      `á${'\u0301'.repeat(29)}\u034f${'\u0301'.repeat(30)}\u034f\u0301`,
    )
    expect(findTextProblem(`a${'\u0301'.repeat(30)}`, false)).toBeNull()
    expect(findTextProblem(`a${'\u0301'.repeat(31)}`, false)).toBe('marks')
    expect(findTextProblem('Nguyễn Thị Hương Quỳnh'.normalize('NFD'), false)).toBeNull()
    expect(isPlausibleEmail('amina@example.co.ke')).toBe(true)
    expect(isPlausibleEmail('amina@example..ke')).toBe(false)
    expect(maskEmails('to amina@example.org and /b%40c.org')).toBe('to [e-mail] and /[e-mail]')
    expect(parseEmails('(a@b.org), <c@d.org>.')).toEqual(['a@b.org', 'c@d.org'])
    expect(parsePhones('+1 212 555-\n 0100 ,;')).toBe('+1 212 555-; 0100')
    expect(parseLanguages('English  and French')).toEqual(['en', 'fr'])
    expect(headRank('Permanent Representative (DPC: 2026)')).toBe(1)
  })
})

describe('every field checker refuses text far over its limit by name, before normalizing it', () => {
  const today = '2026-05-01'
  for (const [kind, make] of KINDS) {
    it(`refuses 60 KB of ${kind}`, () => {
      const text = make(60 * 1024)
      const errors: FieldErrors = {}
      expect(oneLine(text, 'a', 'A', 120, errors)).toBeNull()
      expect(lines(text, 'b', 'B', 960, errors)).toEqual([])
      expect(multiLine(text, 'c', 'C', 1500, errors)).toBeNull()
      expect(Object.keys(errors)).toEqual(['a', 'b', 'c'])

      const letter = parseLetterInput({ supporter: { name: 'Ana' }, personalNote: text })
      expect('errors' in letter && letter.errors.personalNote).toMatch(/at most 1,500 characters/)
      const engagement = parseEngagementInput({ kind: 'note', occurredOn: today, text }, today)
      expect('errors' in engagement && engagement.errors.text).toMatch(/at most 4,000 characters/)
      expect(() => parseUpdateInput({ subject: text, body: 'b' })).toThrow(/not saved/)
      const join = parseJoinForm({ kind: 'individual', name: text })
      expect('errors' in join && join.errors.name).toMatch(/at most 120 characters/)
      const mission = parseMissionEdit({ addressLines: text, emails: text }, today)
      expect('errors' in mission && [mission.errors.addressLines, mission.errors.emails]).toEqual([
        expect.stringMatching(/at most 960 characters/),
        expect.stringMatching(/at most 2,540 characters/),
      ])
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Over HTTP: every text field of every form and of the JSON API.

const { app, ctx } = await buildTestApp({
  env: { RATE_LIMIT_LETTERS: '1000000', RATE_LIMIT_SENDS: '1000000', RATE_LIMIT_LOGINS: '1000000' },
})
let organizer: OrganizerSession
let letterId = ''
let draftCookie = ''
let inviteToken = ''
let welcomeCookie = ''
let welcomeCsrf = ''

beforeAll(async () => {
  await setMission(ctx, 'FRA', FRANCE)
  organizer = await signInOrganizer(app, ctx, { role: 'admin' })
  const written = await app.inject({
    method: 'POST',
    url: '/write/fra',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ 'supporter.name': 'Amina Wanjiru', 'supporter.country': 'KE' }).toString(),
  })
  expect(written.statusCode, written.body).toBe(303)
  letterId = String(written.headers.location).split('/').pop() ?? ''
  draftCookie = written.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const invite = await inviteOrganizer(ctx, SHELL_ACTOR, { role: 'organizer' })
  inviteToken = invite.url.split('/').pop() ?? ''
  // The welcome form carries its own CSRF token and cookie, from its page.
  const welcome = await app.inject({ method: 'GET', url: `/organizers/welcome/${inviteToken}` })
  welcomeCookie = welcome.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  welcomeCsrf = csrfFieldOf(welcome.body) ?? ''
})

interface TextField {
  method?: 'POST'
  url: () => string
  body: 'form' | 'json'
  /** The field's name in the body ("supporter.name" is nested in JSON). */
  field: string
  /** The key its message has (JSON errors) or the element id its message is shown by (pages). */
  errorKey?: string
  /** Other fields sent with it, so the check reaches this one. */
  with?: Record<string, string>
  organizer?: boolean
  cookie?: () => string
  /** The field's limit is so high that a value under the body limit may be valid. */
  mayFit?: boolean
  /** A form's own _csrf field. */
  csrf?: () => string
}

const LETTER_FIELDS: [string, string][] = [
  ['supporter.name', 'name'],
  ['supporter.organization', 'organization'],
  ['supporter.role', 'role'],
  ['supporter.addressLines', 'addressLines'],
  ['supporter.city', 'city'],
  ['supporter.country', 'country'],
  ['supporter.email', 'email'],
  ['personalNote', 'personalNote'],
  ['template', 'template'],
  ['language', 'language'],
  ['paperSize', 'paperSize'],
]
const MISSION_FIELDS = ['name', 'city', 'addressLines', 'phone', 'fax', 'emails', 'website']
const HEAD_FIELDS = ['headHonorific', 'headName', 'headFunction', 'headCredentials']

const FIELDS: TextField[] = [
  ...LETTER_FIELDS.flatMap(([field, id]): TextField[] => [
    { url: () => '/api/letters', body: 'json', field, with: { state: 'FRA' } },
    { url: () => '/write/fra', body: 'form', field, errorKey: id },
    { url: () => `/letters/${letterId}/edit`, body: 'form', field, errorKey: id, cookie: () => draftCookie },
  ]),
  { url: () => `/api/letters/${letterId}/send`, body: 'json', field: 'email' },
  { url: () => `/letters/${letterId}/send`, body: 'form', field: 'email', errorKey: 'send-email' },
  ...['name', 'email', 'country'].map(
    (field): TextField => ({ url: () => '/join', body: 'form', field, with: { kind: 'individual' } }),
  ),
  ...['org_name', 'org_website', 'org_contact', 'org_email', 'org_country'].map(
    (field): TextField => ({ url: () => '/join', body: 'form', field, with: { kind: 'organization' } }),
  ),
  { url: () => '/privacy/erase', body: 'form', field: 'email' },
  ...['name', 'email'].map(
    (field): TextField => ({
      url: () => `/organizers/welcome/${inviteToken}`,
      body: 'form',
      field,
      with: { password: 'correct horse battery staple', passwordAgain: 'correct horse battery staple' },
      cookie: () => welcomeCookie,
      csrf: () => welcomeCsrf,
    }),
  ),
  {
    url: () => '/api/states/FRA/engagements',
    body: 'json',
    field: 'text',
    with: { kind: 'note', occurredOn: '2026-01-05' },
    organizer: true,
  },
  {
    url: () => '/organizers/states/FRA/engagements',
    body: 'form',
    field: 'text',
    errorKey: 'engagement-text',
    with: { kind: 'note', occurredOn: '2026-01-05' },
    organizer: true,
  },
  {
    url: () => '/organizers/states/FRA/position',
    body: 'form',
    field: 'note',
    errorKey: 'position-note',
    with: { position: 'supports', notedOn: '2026-01-05' },
    organizer: true,
  },
  { url: () => '/organizers/updates', body: 'form', field: 'subject', organizer: true },
  // 20,000 characters once folded: what fits in a form may be a fine message (refused for its
  // missing subject), so only the answer is checked, not a message on this field.
  { url: () => '/organizers/updates', body: 'form', field: 'body', organizer: true, mayFit: true },
  {
    url: () => '/organizers/team/invite',
    body: 'form',
    field: 'note',
    with: { role: 'organizer' },
    organizer: true,
  },
  ...[...MISSION_FIELDS, ...HEAD_FIELDS].map(
    (field): TextField => ({
      url: () => '/organizers/directory/FRA/edit',
      body: 'form',
      field,
      with: { headStatus: 'filled' },
      organizer: true,
    }),
  ),
]

function requestFor(target: TextField, value: string) {
  const fields = { ...target.with, ...(target.csrf ? { _csrf: target.csrf() } : {}), [target.field]: value }
  const cookies = [target.organizer ? organizer.cookie : '', target.cookie?.() ?? ''].filter(Boolean)
  const headers: Record<string, string> = {
    'content-type': target.body === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    ...(cookies.length ? { cookie: cookies.join('; ') } : {}),
    ...(target.organizer ? { 'x-csrf-token': organizer.csrfToken } : {}),
  }
  let payload: string
  if (target.body === 'form') payload = new URLSearchParams(fields).toString()
  else {
    // JSON nests the supporter's fields: { supporter: { name } }.
    const json: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(fields)) {
      const [outer, inner] = key.split('.')
      if (inner) json[outer!] = { ...(json[outer!] as object), [inner]: v }
      else json[key] = v
    }
    payload = JSON.stringify(json)
  }
  return { method: 'POST' as const, url: target.url(), headers, payload }
}

const label = (t: TextField) =>
  `${t.body} ${t.url().replace(letterId, ':id').replace(inviteToken, ':token')} ${t.field}`

describe('every text field of every form and of the JSON API', () => {
  it('answers 413 with a message to a body over the size limit', async () => {
    for (const target of FIELDS) {
      const response = await app.inject(requestFor(target, 'x'.repeat(MB + 10)))
      expect(response.statusCode, label(target)).toBe(413)
      expect(response.body, label(target)).toContain('too large')
    }
  })

  for (const [kind, make] of KINDS) {
    it(`refuses ${kind} just under the size limit, naming the field`, async () => {
      for (const target of FIELDS) {
        const value = adversarialValue(make, target.body)
        const response = await app.inject(requestFor(target, value))
        const where = `${label(target)}: ${response.statusCode} ${response.body.slice(0, 300)}`
        expect([400, 422], where).toContain(response.statusCode)
        if (target.mayFit) {
          expect(response.body, where).toContain('field-error')
        } else if (target.body === 'json') {
          const body = response.json() as { errors?: Record<string, string>; field?: string; message: string }
          const key = target.errorKey ?? target.field
          // The field's own message, or the schema's (which names one field).
          expect(body.errors?.[key] ?? (body.field === key ? body.message : ''), where).not.toBe('')
        } else {
          expect(response.body, where).toContain(`id="${target.errorKey ?? target.field}-error"`)
        }
      }
    }, 120_000)
  }
})
