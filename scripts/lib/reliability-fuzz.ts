/**
 * The fuzzer behind `npm run fuzz` and test/reliability/fuzz.test.ts: malformed requests against
 * every route of the app, sent in-process with `app.inject`, and the two rules every answer must
 * keep: never a 5xx, and every 4xx says what was wrong (a `message` under /api/, a page body
 * elsewhere). A seeded PRNG draws the requests, so a failure is replayed by running the same seed.
 *
 * No vitest import here: the script runs this file outside the test runner.
 */
import type { FastifyInstance } from 'fastify'
import { createRandom } from './demo-random.js'
import {
  badBody,
  badHeaders,
  type FuzzFixtures,
  fillPath,
  junkQuery,
  WRONG_METHODS,
} from './fuzz-malformed.js'
import { listRoutes, type RouteEntry } from './route-list.js'

/** Every route of the app (scripts/lib/route-list.ts), so the fuzzer covers routes added later. */
export const listAppRoutes = listRoutes

export type { FuzzFixtures }

export interface FuzzRequest {
  method: string
  /** The route it was drawn for ("POST /api/letters"), for the report. */
  route: string
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

/** How long one request took to answer, for the report's slowest. */
export interface FuzzTiming {
  route: string
  method: string
  url: string
  kind: string
  status: number
  ms: number
}

export interface FuzzReport {
  seed: string
  requests: number
  routes: number
  byStatus: Record<string, number>
  byKind: Record<string, number>
  failures: FuzzFailure[]
  /** The slowest answers, slowest first (at most SLOWEST_KEPT), slow-on-purpose work aside. */
  slowest: FuzzTiming[]
  /**
   * The slowest answer that does slow work on purpose (deliberateWork): rendering a PDF, hashing
   * a password. It is what the request asks for, not what a malformation costs, so it is apart.
   */
  slowestDeliberate: (FuzzTiming & { work: string }) | null
  ms: number
}

const SLOWEST_KEPT = 5
// Answers slower than this that would enter the slowest are timed twice more (runFuzz).
const CONFIRM_OVER_MS = 10

/** `count` malformed requests over `routes`, drawn from `seed`: the same seed, the same requests. */
export function buildFuzzRequests(
  routes: readonly RouteEntry[],
  seed: string,
  count: number,
  fixtures: FuzzFixtures,
): FuzzRequest[] {
  return Array.from(drawFuzzRequests(routes, seed, count, fixtures))
}

/**
 * The same requests as buildFuzzRequests, drawn one at a time as they are sent: 100,000 requests,
 * some with a body of nearly 1 MB, are never all in memory at once.
 */
export function* drawFuzzRequests(
  routes: readonly RouteEntry[],
  seed: string,
  count: number,
  fixtures: FuzzFixtures,
): Generator<FuzzRequest> {
  const rng = createRandom(seed)
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
    const kind = kinds.filter(Boolean).join(' + ')
    yield { method, route: `${route.method} ${route.url}`, url, headers, payload, kind }
  }
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

/** Sends the requests one at a time, judges every answer and times it. */
export async function runFuzz(
  app: FastifyInstance,
  seed: string,
  requests: Iterable<FuzzRequest>,
  routes: number,
): Promise<FuzzReport> {
  const byStatus: Record<string, number> = {}
  const byKind: Record<string, number> = {}
  const failures: FuzzFailure[] = []
  const slowest: FuzzTiming[] = []
  let slowestDeliberate: FuzzReport['slowestDeliberate'] = null
  const started = performance.now()
  let index = -1
  for (const request of requests) {
    index++
    let answer: Answer
    try {
      answer = await send(app, request)
    } catch (error) {
      // inject itself refused the request (e.g. a header Node would not send): not the app's fault.
      byStatus.refused = (byStatus.refused ?? 0) + 1
      byKind[`refused by the client: ${error instanceof Error ? error.message.slice(0, 60) : 'error'}`] = 1
      continue
    }
    const { status, body, contentType } = answer
    const work = deliberateWork(request.route, contentType)
    let ms = answer.ms
    // A slow answer is sent twice more and its least time kept: a stall of the whole process (a
    // garbage collection, another program on the CPU) is no request's cost, while a request that
    // is slow by itself (a regex that backtracks) is slow every time.
    if (
      ms > CONFIRM_OVER_MS &&
      ms > (work ? (slowestDeliberate?.ms ?? 0) : (slowest[SLOWEST_KEPT - 1]?.ms ?? 0))
    ) {
      for (let again = 0; again < 2; again++)
        ms = Math.min(ms, (await send(app, request).catch(() => answer)).ms)
    }
    const timing = {
      route: request.route,
      method: request.method,
      url: request.url.slice(0, 120),
      kind: request.kind,
      status,
      ms,
    }
    if (!work) keepSlowest(slowest, timing)
    else if (timing.ms > (slowestDeliberate?.ms ?? -1)) slowestDeliberate = { ...timing, work }
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
    requests: index + 1,
    routes,
    byStatus,
    byKind,
    failures,
    slowest,
    slowestDeliberate,
    ms: Math.round(performance.now() - started),
  }
}

// Routes that hash a password with scrypt, 50 to 100 ms on purpose (organizer-password.ts).
const PASSWORD_ROUTES = ['POST /organizers/login', 'POST /organizers/welcome/:token']

/** What slow work an answer does on purpose, or null: a PDF rendered, a password hashed. */
export function deliberateWork(route: string, contentType: string): string | null {
  if (contentType.startsWith('application/pdf')) return 'a PDF rendered'
  if (PASSWORD_ROUTES.includes(route)) return 'a password hashed (scrypt)'
  return null
}

interface Answer {
  status: number
  body: string
  contentType: string
  ms: number
}

async function send(app: FastifyInstance, request: FuzzRequest): Promise<Answer> {
  const sent = performance.now()
  const response = await app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  })
  return {
    status: response.statusCode,
    body: response.body,
    contentType: String(response.headers['content-type'] ?? ''),
    ms: performance.now() - sent,
  }
}

/**
 * One well-formed GET of every page and document, not counted: the first answer of a route pays
 * for compiling its template or drawing its map once per process, which is no request's cost.
 */
export async function warmUp(
  app: FastifyInstance,
  routes: readonly RouteEntry[],
  fixtures: FuzzFixtures,
): Promise<void> {
  const rng = createRandom('warm-up')
  for (const route of routes.filter((r) => r.method === 'GET')) {
    const headers = fixtures.organizer ? { cookie: fixtures.organizer.cookie } : {}
    await app.inject({ method: 'GET', url: fillPath(route.url, rng, fixtures, true), headers })
  }
}

/** Keeps the SLOWEST_KEPT slowest timings, slowest first. */
function keepSlowest(slowest: FuzzTiming[], timing: FuzzTiming): void {
  if (slowest.length === SLOWEST_KEPT && timing.ms <= slowest.at(-1)!.ms) return
  slowest.push(timing)
  slowest.sort((a, b) => b.ms - a.ms)
  slowest.length = Math.min(slowest.length, SLOWEST_KEPT)
}
