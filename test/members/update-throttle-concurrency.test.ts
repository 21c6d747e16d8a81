/**
 * The update throttle with many messages in flight: the outbox claims only what is left of the
 * minute's allowance, counting the updates being handed over beside those accepted, so that
 * OUTBOX_CONCURRENCY never lets more than UPDATES_PER_MINUTE through in a rolling minute.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { manualClock } from '../../src/lib/clock.js'
import { pass, transportFor } from '../delivery/delivery-helpers.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { TEST_NOW } from '../helpers/test-context.js'

const MINUTE = 60_000
const PER_MINUTE = 3
const smtp = await startTestSmtpServer()
const clock = manualClock(TEST_NOW)
const { app, ctx } = await buildTestApp({
  clock,
  env: { SMTP_URL: smtp.url, UPDATES_PER_MINUTE: String(PER_MINUTE), OUTBOX_CONCURRENCY: '16' },
})
const transport = transportFor(ctx)
afterAll(async () => {
  transport.close()
  await smtp.stop()
})

let organizer: OrganizerSession
const post = (url: string, fields: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: organizer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: organizer.csrfToken, ...fields }).toString(),
  })

beforeAll(async () => {
  organizer = await signInOrganizer(app, ctx, { name: 'Nia Organizer', role: 'coordinator' })
})

it('never lets more than UPDATES_PER_MINUTE go in a minute, with 16 messages in flight', async () => {
  const members = 10
  for (let i = 0; i < members; i++)
    await insertMember(ctx, { email: `flight${i}@example.org`, country: 'GH' })
  const drafted = await post('/organizers/updates', { subject: 'Ghana', body: 'News.', country: 'GH' })
  const id = Number(/\/organizers\/updates\/(\d+)/.exec(drafted.headers.location ?? '')?.[1])
  await post(`/organizers/updates/${id}/test`)
  await pass(ctx, transport)
  expect(smtp.messages).toHaveLength(1) // the test, which counts against the minute
  expect((await post(`/organizers/updates/${id}/send`)).statusCode).toBe(303)

  clock.advance(1000)
  smtp.reset()
  await pass(ctx, transport)
  expect(smtp.messages).toHaveLength(PER_MINUTE - 1)
  await pass(ctx, transport) // nothing more within the same minute, however many passes
  expect(smtp.messages).toHaveLength(PER_MINUTE - 1)

  const received: number[] = [smtp.messages.length]
  while (smtp.messages.length < members) {
    clock.advance(MINUTE)
    const before = smtp.messages.length
    await pass(ctx, transport)
    received.push(smtp.messages.length - before)
  }
  expect(received).toEqual([2, 3, 3, 2])
  const ids = smtp.messages.map((m) => m.parsed.messageId)
  expect(new Set(ids).size).toBe(members)
})
