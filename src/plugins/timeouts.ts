import type { ServerOptions } from 'node:http'

/** A connection on which nothing moved either way for this long is closed. */
export const IDLE_CONNECTION_MS = 120_000
/**
 * How long a kept-alive connection may wait for its next request. Longer than the idle limit of
 * the proxy in front (nginx's upstream keepalive_timeout is 60 s): the proxy closes an idle
 * connection first, rather than sending a request down one the app is closing (a 502).
 */
export const KEEP_ALIVE_MS = 72_000

/**
 * Fastify's options that bound how long a client may hold a connection (issue 12, finding 5g: a
 * body sent a byte every 20 s held one for 336 s).
 *
 * - `requestTimeout`: the whole request, headers and body, must arrive within it; else Node answers
 *   408 and closes. Node checks open requests every `connectionsCheckingInterval` (30 s by
 *   default, which would double a 30 s limit): here every tenth of the limit.
 * - `headersTimeout` is the same limit for the headers (Node's default is 60 s; it may not exceed
 *   requestTimeout).
 * - `connectionTimeout`: a connection idle both ways (a client that stopped reading an answer)
 *   goes after IDLE_CONNECTION_MS; long enough for the slowest answer the app computes.
 * - `keepAliveTimeout`: see KEEP_ALIVE_MS.
 *
 * `maxRequestsPerSocket` stays unlimited: a connection sending requests that arrive in time is
 * doing useful work, and fair admission (see fair-admission.ts) already shares the server between
 * connections; behind a proxy all visitors come through a few long-lived connections.
 */
export function serverTimeouts(requestTimeoutMs: number) {
  const http: ServerOptions = {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.round(requestTimeoutMs / 10)),
  }
  return {
    http,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: IDLE_CONNECTION_MS,
    keepAliveTimeout: KEEP_ALIVE_MS,
  }
}
