/**
 * The malformed parts of the fuzzer's requests (scripts/lib/reliability-fuzz.ts): path values,
 * query strings, headers and bodies, each drawn from a seeded PRNG. Bodies include long
 * adversarial text (scripts/lib/adversarial-text.ts) in every text field the app reads.
 */
import { ADVERSARIAL_TEXT, adversarialValue, type BodyEncoding } from './adversarial-text.js'
import type { Random } from './demo-random.js'

export interface FuzzFixtures {
  /** A letter that exists, so routes get past "not found" into their real checks. */
  letterId: string
  /** A signed-in organizer's cookie header and CSRF token, to reach the organizers' routes. */
  organizer?: { cookie: string; csrfToken: string }
}

// ---------------------------------------------------------------------------------------------
// The malformed values.

/** Path-parameter values: traversal, NUL, invalid UTF-8 (as percent escapes), huge, wrong shape. */
const BAD_SEGMENTS = [
  '..',
  '../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%2e%2e',
  '..%5c..%5cwindows',
  '%00',
  'abc%00def',
  '%ff%fe',
  '%C3%28',
  '%E0%A4%A',
  '%',
  '%zz',
  '-1',
  '0',
  '99999999999999999999999',
  '1e309',
  'NaN',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '%20',
  '%0d%0aSet-Cookie:%20x=1',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  "'%20OR%201=1--",
  'tcd',
  'TCD',
  'XXX',
  'A'.repeat(43),
  '💙',
  '%F0%9F%92%99',
]

const TEMPLATE_NAMES = [
  '../../etc/passwd',
  '..%2f..%2fsrc%2fserver',
  '../views/pages/error',
  'a\u0000b',
  '',
  ' ',
]

/** Things that are not what a field expects. */
function wrongValue(rng: Random): unknown {
  const values: (() => unknown)[] = [
    () => null,
    () => 12345,
    () => -1.5,
    () => true,
    () => [],
    () => ['a', 1, null],
    () => ({}),
    () => ({ nested: { deeper: [1, 2, 3] } }),
    () => '',
    () => ' ',
    () => 'x'.repeat(10_000 + rng.int(50_000)),
    () => adversarial(rng, 'json', 2_000 + rng.int(20_000)).text,
    () => '\u0000\u0001\u0002',
    () => '\ud800',
    () => 'TCD',
    () => 'a@b',
    () => '<script>alert(1)</script>',
    () => rng.pick(TEMPLATE_NAMES),
    () => '1e309',
    () => '__proto__',
  ]
  return rng.pick(values)()
}

/**
 * Every text field the app's forms and JSON API read (letters, joining, sending, erasure, sign-in,
 * invitations, engagements, positions, updates, a mission's edit form, the Blue Book upload).
 * "supporter.x" is nested in JSON ({ supporter: { x } }), as the letters API takes it.
 */
const TEXT_FIELDS = [
  'supporter.name',
  'supporter.organization',
  'supporter.role',
  'supporter.addressLines',
  'supporter.city',
  'supporter.country',
  'supporter.email',
  'personalNote',
  'template',
  'language',
  'paperSize',
  'state',
  'email',
  'name',
  'country',
  'org_name',
  'org_website',
  'org_contact',
  'org_email',
  'org_country',
  'password',
  'passwordAgain',
  'note',
  'role',
  'text',
  'kind',
  'occurredOn',
  'notedOn',
  'position',
  'subject',
  'body',
  'city',
  'addressLines',
  'phone',
  'fax',
  'emails',
  'website',
  'headStatus',
  'headHonorific',
  'headName',
  'headFunction',
  'headCredentials',
  'baseVersion',
  'sourceDate',
  'answer',
]
const ADVERSARIAL_KINDS = Object.keys(ADVERSARIAL_TEXT)

/** One kind of adversarial text, `bytes` long once encoded (just under the body limit by default). */
function adversarial(rng: Random, encoding: BodyEncoding, bytes?: number): { name: string; text: string } {
  const name = rng.pick(ADVERSARIAL_KINDS)
  return { name, text: adversarialValue(ADVERSARIAL_TEXT[name]!, encoding, bytes) }
}

/** A body with long adversarial text in one text field, sized 1 KB, 16 KB or just under the limit. */
function adversarialBody(rng: Random, encoding: BodyEncoding): Body {
  const size = rng.pick([1024, 16 * 1024, undefined])
  const { name, text } = adversarial(rng, encoding, size)
  const field = rng.pick(TEXT_FIELDS)
  const sized = size === undefined ? 'just under the body limit' : `${size / 1024} KB`
  const kind = `${encoding}: long adversarial text (${name}, ${sized})`
  if (encoding === 'form') {
    const payload = new URLSearchParams({ 'supporter.name': 'Fuzz', [field]: text }).toString()
    return { kind, contentType: 'application/x-www-form-urlencoded', payload }
  }
  const [outer, inner] = field.split('.')
  const json: Record<string, unknown> = { state: 'TCD', supporter: { name: 'Fuzz' } }
  if (inner) json[outer!] = { name: 'Fuzz', [inner]: text }
  else json[field] = text
  return { kind, contentType: 'application/json', payload: JSON.stringify(json) }
}

const FIELDS = [
  'state',
  'template',
  'language',
  'paperSize',
  'supporter',
  'personalNote',
  'email',
  'name',
  'password',
  'passwordAgain',
  'role',
  'token',
  '_csrf',
  'kind',
  'notes',
  'position',
  'date',
  'country',
  'helps',
  'consent',
  'subject',
  'body',
  '__proto__',
  'constructor',
  'unknownField',
]

function junkObject(rng: Random, size: number): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (let i = 0; i < size; i++) object[rng.pick(FIELDS)] = wrongValue(rng)
  if (rng.chance(0.3)) object.supporter = { name: wrongValue(rng), country: wrongValue(rng), extra: 1 }
  return object
}

/** A value percent-encoded for a form; a lone surrogate (which encodeURIComponent refuses) as %ff. */
function formValue(value: unknown): string {
  try {
    return encodeURIComponent(String(value))
  } catch {
    return '%ff'
  }
}

function deeplyNested(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`
}

interface Body {
  kind: string
  contentType?: string
  payload?: string | Buffer
}

/** One malformed body, with the content type it claims. */
export function badBody(rng: Random): Body {
  const json = 'application/json'
  const form = 'application/x-www-form-urlencoded'
  const choices: (() => Body)[] = [
    () => ({
      kind: 'json: wrong types',
      contentType: json,
      payload: JSON.stringify(junkObject(rng, 1 + rng.int(6))),
    }),
    () => ({ kind: 'json: not an object', contentType: json, payload: JSON.stringify(wrongValue(rng)) }),
    () => ({ kind: 'json: truncated', contentType: json, payload: '{"state": "TCD", "supporter": {' }),
    () => ({ kind: 'json: empty', contentType: json, payload: '' }),
    () => ({ kind: 'json: deeply nested', contentType: json, payload: deeplyNested(500 + rng.int(5000)) }),
    () => ({
      kind: 'json: prototype pollution',
      contentType: json,
      payload: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
    }),
    () => ({
      kind: 'json: huge (over the 1 MiB limit)',
      contentType: json,
      payload: JSON.stringify({ state: 'TCD', personalNote: 'x'.repeat(1024 * 1024 + 10) }),
    }),
    () => ({
      kind: 'invalid UTF-8',
      contentType: rng.pick([json, form, 'text/plain; charset=utf-8']),
      payload: Buffer.concat([
        Buffer.from('{"state":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe0, 0xa4]),
        Buffer.from('"}'),
      ]),
    }),
    () => ({
      kind: 'form: unknown and repeated fields',
      contentType: form,
      payload: `state=TCD&state=FRA&${rng.pick(FIELDS)}=${formValue(wrongValue(rng))}&a[b][c]=1&_csrf=forged`,
    }),
    () => ({
      kind: 'form: bad percent escapes',
      contentType: form,
      payload: 'name=%E0%A4%A&email=%ff%fe&x=%',
    }),
    () => ({
      kind: 'form: huge (over the 64 KiB form limit)',
      contentType: form,
      payload: `personalNote=${'y'.repeat(70 * 1024)}`,
    }),
    () => ({
      kind: 'content type: unsupported',
      contentType: rng.pick(['application/xml', 'text/csv', 'image/png']),
      payload: '<a>1</a>',
    }),
    () => ({
      kind: 'content type: multipart without boundary',
      contentType: 'multipart/form-data',
      payload: 'garbage',
    }),
    () => ({
      kind: 'content type: multipart, broken',
      contentType: 'multipart/form-data; boundary=XX',
      payload:
        '--XX\r\nContent-Disposition: form-data; name="file"; filename="../../x.json"\r\n\r\n{not json\r\n--XX',
    }),
    () => ({ kind: 'content type: json claimed, form sent', contentType: json, payload: 'state=TCD&name=x' }),
    () => ({ kind: 'no body', payload: undefined }),
    () => adversarialBody(rng, 'json'),
    () => adversarialBody(rng, 'form'),
  ]
  return rng.pick(choices)()
}

export function junkQuery(rng: Random): string {
  const parts = [
    `template=${encodeURIComponent(rng.pick(TEMPLATE_NAMES))}`,
    `group=${rng.pick(['african', '%ff', '', 'x'.repeat(3000)])}`,
    `page=${rng.pick(['-1', '0', '1e309', 'abc', '99999999999'])}`,
    'state=../../etc&state=TCD',
    `__proto__[polluted]=1`,
    `lang=${rng.pick(['en', 'xx', '%00'])}`,
    `q=${rng.pick(['%E0%A4%A', '%', '💙', ''])}`,
    `format=${rng.pick(['csv', 'pdf', 'json', '../'])}`,
    // A search box's worth of adversarial text (4 KB: a real server's headers stop at 16 KB).
    `q=${new URLSearchParams({ q: adversarial(rng, 'form', 4096).text }).toString().slice(2)}`,
    `from=${rng.pick(['2026-13-45', 'yesterday', ''])}&to=${rng.pick(['0000-00-00', '9999-12-31'])}`,
  ]
  const n = 1 + rng.int(3)
  return Array.from({ length: n }, () => rng.pick(parts)).join('&')
}

export function fillPath(route: string, rng: Random, fixtures: FuzzFixtures, wellFormed: boolean): string {
  let url = route.replace(/:([A-Za-z0-9]+)/g, (_all, name: string) => {
    if (wellFormed) {
      if (name === 'id' || name === 'publicId' || name === 'letterId') return fixtures.letterId
      if (name === 'iso3') return rng.pick(['TCD', 'fra', 'KEN'])
      return rng.pick(['x', 'A'.repeat(43)])
    }
    return rng.pick(BAD_SEGMENTS)
  })
  url = url.replace(/\*$/, () =>
    rng.pick([
      '../../../../etc/passwd',
      '%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '..%2f..%2f..%2fpackage.json',
      '.env',
      'static/%00.js',
      'css/../../src/server.ts',
      rng.pick(BAD_SEGMENTS),
    ]),
  )
  return url
}

export const WRONG_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'GET']

export function badHeaders(
  rng: Random,
  fixtures: FuzzFixtures,
): { kind: string; headers: Record<string, string> } {
  const organizer = fixtures.organizer
  const choices: (() => { kind: string; headers: Record<string, string> })[] = [
    () => ({ kind: 'no cookies', headers: {} }),
    () => ({ kind: 'cookie: forged session', headers: { cookie: `cb_organizer=${'A'.repeat(43)}` } }),
    () => ({
      kind: 'cookie: malformed',
      headers: { cookie: rng.pick(['=;;=', 'cb_organizer', 'cb_organizer=%ff%fe', `x=${'z'.repeat(8000)}`]) },
    }),
    () => ({ kind: 'cookie: forged CSRF', headers: { cookie: 'cb_csrf=forged', 'x-csrf-token': 'forged' } }),
    () => ({ kind: 'origin: another site', headers: { origin: 'https://evil.example' } }),
    () => ({ kind: 'origin: null (a sandboxed frame)', headers: { origin: 'null' } }),
    () => ({ kind: 'accept: odd', headers: { accept: rng.pick(['application/xml', '*/*;q=abc', '']) } }),
  ]
  if (organizer) {
    choices.push(
      () => ({
        kind: 'organizer, CSRF token wrong',
        headers: { cookie: organizer.cookie, 'x-csrf-token': 'forged' },
      }),
      () => ({
        kind: 'organizer, CSRF token right',
        headers: { cookie: organizer.cookie, 'x-csrf-token': organizer.csrfToken },
      }),
      () => ({ kind: 'organizer, no CSRF token', headers: { cookie: organizer.cookie } }),
    )
  }
  return rng.pick(choices)()
}
