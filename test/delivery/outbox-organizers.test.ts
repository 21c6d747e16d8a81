import { afterAll, describe, expect, it } from 'vitest'
import { resolveDelivery } from '../../src/delivery/outbox-resolve.js'
import { reconcileInterrupted } from '../../src/outbox/index.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { startTestSmtpServer } from '../helpers/smtp-server.js'
import { buildTestApp } from '../helpers/test-app.js'
import { confirmedLetter, FRANCE_EMAIL, letterStatus, pass, transportFor } from './delivery-helpers.js'

describe("the organizers' outbox page", async () => {
  const { app, ctx } = await buildTestApp()
  const { cookie } = await signInOrganizer(app, ctx, { role: 'coordinator' })
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  const transport = transportFor(ctx)
  await confirmedLetter(ctx, transport)
  await pass(ctx, transport)

  it('sends strangers to sign in, and refuses a made-up session', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/organizers/outbox' })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toBe('/organizers/login?next=%2Forganizers%2Foutbox')
    const forged = await app.inject({
      method: 'GET',
      url: '/organizers/outbox/files/x.eml',
      headers: { cookie: `cb_organizer=${'A'.repeat(43)}` },
    })
    expect(forged.statusCode).toBe(303)
  })

  it('lists the .eml files, and serves one, but no other file', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/organizers/outbox',
      headers: { cookie },
    })
    expect(page.statusCode).toBe(200)
    const name = /href="\/organizers\/outbox\/files\/([^"]+\.eml)"/.exec(page.body)?.[1]
    expect(name).toBeDefined()
    const file = await app.inject({
      method: 'GET',
      url: `/organizers/outbox/files/${name}`,
      headers: { cookie },
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('message/rfc822')
    expect(file.body).toContain('Message-ID:')
    for (const bad of ['..%2F..%2Fpackage.json', '..%2Ftest.sqlite', 'x.txt']) {
      const res = await app.inject({
        method: 'GET',
        url: `/organizers/outbox/files/${bad}`,
        headers: { cookie },
      })
      expect(res.statusCode, bad).toBe(404)
    }
  })
})

describe('settling an uncertain delivery', async () => {
  const smtp = await startTestSmtpServer()
  const { ctx } = await buildTestApp({ env: { SMTP_URL: smtp.url } })
  await setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] })
  const transport = transportFor(ctx)
  afterAll(async () => {
    transport.close()
    await smtp.stop()
  })

  async function uncertainLetter() {
    const { id } = await confirmedLetter(ctx, transport)
    await expect(
      pass(ctx, transport, {
        onStep: (step, m) => {
          if (step === 'accepted' && m.kind === 'mission_letter') throw new Error('killed')
        },
      }),
    ).rejects.toThrow()
    await reconcileInterrupted(ctx)
    const { reference } = await ctx.db
      .selectFrom('letter')
      .select('reference')
      .where('public_id', '=', id)
      .executeTakeFirstOrThrow()
    return { id, reference }
  }

  it('sends an uncertain letter again only when an organizer says so', async () => {
    const { id, reference } = await uncertainLetter()
    await pass(ctx, transport)
    const before = smtp.messages.filter(
      (m) => m.envelope.to.includes(FRANCE_EMAIL) && m.parsed.subject.includes(reference),
    ).length
    expect(before).toBe(1)
    expect(await resolveDelivery(ctx, reference, 'resend')).toContain('queued')
    await pass(ctx, transport)
    expect(
      smtp.messages.filter(
        (m) => m.envelope.to.includes(FRANCE_EMAIL) && m.parsed.subject.includes(reference),
      ),
    ).toHaveLength(2)
    expect(await letterStatus(ctx, id)).toBe('sent')
  })

  it('records an uncertain letter as delivered without sending it', async () => {
    const { id, reference } = await uncertainLetter()
    expect(await resolveDelivery(ctx, reference, 'sent')).toContain('delivered')
    await pass(ctx, transport)
    expect(
      smtp.messages.filter(
        (m) => m.envelope.to.includes(FRANCE_EMAIL) && m.parsed.subject.includes(reference),
      ),
    ).toHaveLength(1)
    expect(await letterStatus(ctx, id)).toBe('sent')
    await expect(resolveDelivery(ctx, reference, 'resend')).rejects.toThrow(/only an uncertain or failed/)
  })
})
