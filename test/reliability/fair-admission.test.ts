import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { fairAdmissionPlugin, REQUESTS_PER_TURN } from '../../src/plugins/fair-admission.js'

// A busy server must still let new visitors in: while open connections keep it saturated, a new
// connection is served after a few dozen of the others' requests, not after hundreds. Counted in
// requests, not milliseconds, so a slow or shared machine gives the same answer.

const KEEPING_BUSY = 40
const NEW_VISITORS = 10
const WORK_MS = 2

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function startServer() {
  app = Fastify()
  await app.register(fairAdmissionPlugin)
  let busyAnswered = 0
  app.get('/busy', async () => {
    const until = performance.now() + WORK_MS
    while (performance.now() < until) {
      // CPU work, as rendering a large page is
    }
    busyAnswered++
    return { ok: true }
  })
  // Answers how many busy requests the server had finished when this one ran.
  app.get('/ping', async () => ({ busyAnswered }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { port, busyAnswered: () => busyAnswered }
}

function get(port: number, path: string, agent: http.Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () => resolve(body))
      })
      .on('error', reject)
  })
}

describe('fair admission of new connections', () => {
  it('serves new connections within a few dozen requests while others keep the server busy', async () => {
    const server = await startServer()
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: KEEPING_BUSY })
    let stop = false
    const hammering = Array.from({ length: KEEPING_BUSY }, async () => {
      while (!stop) await get(server.port, '/busy', keepAlive)
    })
    try {
      // Saturated: every busy connection is open and has been answered a few times.
      while (server.busyAnswered() < KEEPING_BUSY * 5) await new Promise((r) => setTimeout(r, 5))
      const before = server.busyAnswered()
      // Each new visitor opens a connection of its own (no agent: no reuse).
      const answers = await Promise.all(
        Array.from({ length: NEW_VISITORS }, () => get(server.port, '/ping', false)),
      )
      const waitedFor = answers.map(
        (body) => (JSON.parse(body) as { busyAnswered: number }).busyAnswered - before,
      )
      // With it, a new visitor waits for the busy requests already queued, then each further one
      // for REQUESTS_PER_TURN more (measured: 40 to 76). Without it, each new connection waits for
      // whole turns of the busy requests: the tenth for ~400 of them (measured: 230 to 410).
      expect(Math.max(...waitedFor)).toBeLessThan(KEEPING_BUSY + NEW_VISITORS * REQUESTS_PER_TURN * 2)
    } finally {
      stop = true
      await Promise.all(hammering)
      keepAlive.destroy()
    }
  })
})
