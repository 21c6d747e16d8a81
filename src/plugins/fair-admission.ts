import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Requests handled per turn of the event loop before it looks for new connections again. */
export const REQUESTS_PER_TURN = 4

/**
 * Lets new visitors in while the server is busy.
 *
 * @NOTE Since libuv 1.45 (Node 20), Node accepts at most one new connection per turn of its event
 * loop, and a turn first handles every request that has arrived on the open connections. When a
 * burst of visitors keeps N connections busy, each turn costs N requests' work, and the k-th new
 * connection waits for k such turns: measured here, 100 connections opened at once left a third of
 * them unanswered for over 10 s while the others were served in under a second. So requests queue
 * here in arrival order and run a few per turn; between batches the loop accepts the next
 * connection. An idle server runs a request at once (in the same turn it arrived).
 */
export const fairAdmissionPlugin = fp(
  async (app: FastifyInstance) => {
    const waiting: (() => void)[] = []
    let scheduled = false

    const runBatch = () => {
      try {
        for (let i = 0; i < REQUESTS_PER_TURN && waiting.length > 0; i++) waiting.shift()!()
      } finally {
        // Scheduled from within setImmediate, the next batch runs in the next turn, after its
        // poll. In `finally`: whatever one request does, those behind it are never left waiting.
        scheduled = waiting.length > 0
        if (scheduled) setImmediate(runBatch)
      }
    }

    app.addHook('onRequest', (_request, _reply, done) => {
      waiting.push(done)
      if (!scheduled) {
        scheduled = true
        setImmediate(runBatch)
      }
    })
  },
  { name: 'fair-admission' },
)
