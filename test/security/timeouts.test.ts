import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { listenOnLoopback } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/test-app.js'

// Finding 5g of issue 12: a body sent a byte every 20 s held a connection for 336 s. A request
// (headers and body) must arrive whole within REQUEST_TIMEOUT_MS, or the connection is cut.

const TIMEOUT_MS = 500
/** Long enough for the check (every tenth of the timeout) on a busy machine; far below "never". */
const CUT_WITHIN_MS = 4000

const { app } = await buildTestApp({ env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } })
const base = await listenOnLoopback(app)
const { port } = new URL(base)

/**
 * Opens a real connection, sends `head` at once, then one byte of `drip` every 100 ms, until the
 * server closes the connection or CUT_WITHIN_MS + 2 s have passed. Returns what the server
 * answered and after how long it closed (null: it never did).
 */
function trickle(head: string, drip: string): Promise<{ answer: string; closedAfterMs: number | null }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    const started = Date.now()
    let answer = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    const finish = (closedAfterMs: number | null) => {
      clearInterval(timer)
      socket.destroy()
      resolve({ answer, closedAfterMs })
    }
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1')
    })
    socket.on('close', () => finish(Date.now() - started))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset while writing is the server cutting the connection too.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error)
    })
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        if (Date.now() - started > CUT_WITHIN_MS + 2000) return finish(null)
        if (!socket.destroyed) socket.write(drip[sent++ % drip.length] ?? ' ')
      }, 100)
    })
  })
}

describe('a request that arrives too slowly', () => {
  it('is cut with a 408 when its body comes a byte at a time', async () => {
    const head =
      'POST /api/letters HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100000\r\n\r\n{"personalNote":"'
    const { answer, closedAfterMs } = await trickle(head, 'slow ')
    expect(closedAfterMs, 'the server kept the connection open').not.toBeNull()
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
    expect(closedAfterMs).toBeLessThan(CUT_WITHIN_MS)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('is cut when its headers come a byte at a time', async () => {
    const { answer, closedAfterMs } = await trickle(
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      'a',
    )
    expect(closedAfterMs, 'the server kept the connection open').not.toBeNull()
    expect(closedAfterMs).toBeLessThan(CUT_WITHIN_MS)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('leaves a request that arrives in time alone, on a kept-alive connection', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/healthz`)
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
  })
})

describe('the server limits', () => {
  it('are a 30 s request timeout by default, with idle and keep-alive limits', async () => {
    const { app: defaults } = await buildTestApp()
    expect({
      requestTimeout: defaults.server.requestTimeout,
      headersTimeout: defaults.server.headersTimeout,
      keepAliveTimeout: defaults.server.keepAliveTimeout,
      idle: defaults.server.timeout,
    }).toEqual({ requestTimeout: 30_000, headersTimeout: 30_000, keepAliveTimeout: 72_000, idle: 120_000 })
  })
})
