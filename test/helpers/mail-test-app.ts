import { afterAll, beforeEach } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import type { MailTransport } from '../../src/outbox/transports.js'
import { transportFor } from '../delivery/delivery-helpers.js'
import { startTestSmtpServer } from './smtp-server.js'
import { buildTestApp } from './test-app.js'
import { TEST_NOW } from './test-context.js'

/**
 * The app on a fresh database, sending through a real SMTP server on loopback, with a clock the
 * test moves: before each test the server forgets its messages and the clock is back at TEST_NOW.
 */
export async function buildMailTestApp(env: Record<string, string> = {}) {
  const smtp = await startTestSmtpServer()
  const clock = manualClock(TEST_NOW)
  const { app, ctx } = await buildTestApp({ clock, env: { SMTP_URL: smtp.url, ...env } })
  const transport: MailTransport = transportFor(ctx)
  afterAll(async () => {
    transport.close()
    await smtp.stop()
  })
  beforeEach(() => {
    smtp.reset()
    clock.set(TEST_NOW)
  })
  return { smtp, clock, app, ctx, transport }
}
