/**
 * The fuzzer behind `npm run fuzz` and test/reliability/fuzz.test.ts: malformed requests against
 * every route of the app, sent in-process with `app.inject`, and the two rules every answer must
 * keep: never a 5xx, and every 4xx says what was wrong (a `message` under /api/, a page body
 * elsewhere). A seeded PRNG draws the requests, so a failure is replayed by running the same seed.
 *
 * No vitest import here: the script runs this file outside the test runner.
 */
import type { FastifyInstance } from 'fastify'
import { createRandom, type Random } from './demo-random.js'
import { listRoutes, type RouteEntry } from './route-list.js'

/** Every route of the app (scripts/lib/route-list.ts), so the fuzzer covers routes added later. */
export const listAppRoutes = listRoutes

export interface FuzzFixtures {
  /** A letter that exists, so routes get past "not found" into their real checks. */
  letterId: string
  /** A signed-in organizer's cookie header and CSRF token, to reach the organizers' routes. */
  organizer?: { cookie: string; csrfToken: string }
}

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
  /** What kind of malformation this is, for the report. */
  kind: string
}

export interface FuzzFailure {
  index: number
  request: { method: string; url: string; kind: string; contentType?: string; bodyStart?: string }
  status: number
  reason: string
}

export interface FuzzReport {
  seed: string
  requests: number
  routes: number
  byStatus: Record<string, number>
  byKind: Record<string, number>
  failures: FuzzFailure[]
  ms: number
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
function badBody(rng: Random): Body {
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
  ]
  return rng.pick(choices)()
}

function junkQuery(rng: Random): string {
  const parts = [
    `template=${encodeURIComponent(rng.pick(TEMPLATE_NAMES))}`,
    `group=${rng.pick(['african', '%ff', '', 'x'.repeat(3000)])}`,
    `page=${rng.pick(['-1', '0', '1e309', 'abc', '99999999999'])}`,
    'state=../../etc&state=TCD',
    `__proto__[polluted]=1`,
    `lang=${rng.pick(['en', 'xx', '%00'])}`,
    `q=${rng.pick(['%E0%A4%A', '%', '💙', ''])}`,
    `format=${rng.pick(['csv', 'pdf', 'json', '../'])}`,
    `from=${rng.pick(['2026-13-45', 'yesterday', ''])}&to=${rng.pick(['0000-00-00', '9999-12-31'])}`,
  ]
  const n = 1 + rng.int(3)
  return Array.from({ length: n }, () => rng.pick(parts)).join('&')
}

function fillPath(route: string, rng: Random, fixtures: FuzzFixtures, wellFormed: boolean): string {
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

const WRONG_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'GET']

function badHeaders(rng: Random, fixtures: FuzzFixtures): { kind: string; headers: Record<string, string> } {
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

/** `count` malformed requests over `routes`, drawn from `seed`: the same seed, the same requests. */
export function buildFuzzRequests(
  routes: readonly RouteEntry[],
  seed: string,
  count: number,
  fixtures: FuzzFixtures,
): FuzzRequest[] {
  const rng = createRandom(seed)
  const requests: FuzzRequest[] = []
  for (let i = 0; i < count; i++) {
    // Every route in turn, then random: each route is hit at least count / routes.length times.
    const route = routes[i % routes.length]!
    const wellFormedPath = rng.chance(0.4)
    let url = fillPath(route.url, rng, fixtures, wellFormedPath)
    if (rng.chance(0.35)) url += `?${junkQuery(rng)}`
    const method = rng.chance(0.1) ? rng.pick(WRONG_METHODS) : route.method
    const header = badHeaders(rng, fixtures)
    const kinds = [wellFormedPath ? null : 'path: malformed parameter', header.kind]
    const headers = { ...header.headers }
    let payload: string | Buffer | undefined
    if (method !== 'GET' && method !== 'OPTIONS') {
      const body = badBody(rng)
      if (body.contentType) headers['content-type'] = body.contentType
      payload = body.payload
      kinds.push(body.kind)
    }
    if (
      headers['x-csrf-token'] === undefined &&
      fixtures.organizer &&
      payload !== undefined &&
      rng.chance(0.3)
    ) {
      // A form-style CSRF field in the body instead of the header.
      headers['content-type'] = 'application/x-www-form-urlencoded'
      payload = `_csrf=${rng.chance(0.5) ? fixtures.organizer.csrfToken : 'forged'}&${String(payload).slice(0, 200)}`
    }
    requests.push({ method, url, headers, payload, kind: kinds.filter(Boolean).join(' + ') })
  }
  return requests
}

/** Why an answer breaks the rules, or null when it keeps them. */
export function judgeAnswer(
  request: Pick<FuzzRequest, 'url'>,
  status: number,
  contentType: string,
  body: string,
): string | null {
  if (status >= 500) return `a ${status} (server error): ${body.slice(0, 300)}`
  // A traversal that reached the file system would show its contents.
  if (/root:x:0:0|"name":\s*"code-blue-letters"|loadConfig\(process\.env\)/.test(body))
    return 'path traversal: a file outside the public folders was served'
  if (status < 400) return null
  // Where the request lands once dot segments are resolved, as any HTTP client resolves them.
  const landed = new URL(request.url, 'http://fuzz.invalid').pathname
  if (landed.startsWith('/api/')) {
    if (!contentType.includes('application/json'))
      return `a ${status} under /api/ that is not JSON (${contentType})`
    try {
      const message = (JSON.parse(body) as { message?: unknown }).message
      if (typeof message !== 'string' || message.trim() === '')
        return `a ${status} without a message: ${body.slice(0, 200)}`
    } catch {
      return `a ${status} under /api/ whose body is not JSON: ${body.slice(0, 200)}`
    }
    return null
  }
  if (body.trim() === '') return `a ${status} with an empty body`
  return null
}

/** Sends the requests one at a time and judges every answer. */
export async function runFuzz(
  app: FastifyInstance,
  seed: string,
  requests: readonly FuzzRequest[],
  routes: number,
): Promise<FuzzReport> {
  const byStatus: Record<string, number> = {}
  const byKind: Record<string, number> = {}
  const failures: FuzzFailure[] = []
  const started = performance.now()
  for (const [index, request] of requests.entries()) {
    let status: number
    let body: string
    let contentType: string
    try {
      const response = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      })
      status = response.statusCode
      body = response.body
      contentType = String(response.headers['content-type'] ?? '')
    } catch (error) {
      // inject itself refused the request (e.g. a header Node would not send): not the app's fault.
      byStatus.refused = (byStatus.refused ?? 0) + 1
      byKind[`refused by the client: ${error instanceof Error ? error.message.slice(0, 60) : 'error'}`] = 1
      continue
    }
    const group = `${Math.floor(status / 100)}xx`
    byStatus[group] = (byStatus[group] ?? 0) + 1
    for (const kind of request.kind.split(' + ')) byKind[kind] = (byKind[kind] ?? 0) + 1
    const reason = judgeAnswer(request, status, contentType, body)
    if (reason) {
      const payload = request.payload === undefined ? undefined : String(request.payload).slice(0, 120)
      failures.push({
        index,
        request: {
          method: request.method,
          url: request.url.slice(0, 200),
          kind: request.kind,
          contentType: request.headers['content-type'],
          bodyStart: payload,
        },
        status,
        reason,
      })
    }
  }
  return {
    seed,
    requests: requests.length,
    routes,
    byStatus,
    byKind,
    failures,
    ms: Math.round(performance.now() - started),
  }
}
