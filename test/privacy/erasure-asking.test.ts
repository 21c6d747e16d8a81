import { describe, expect, it } from 'vitest'
import { createLetter } from '../../src/letters/letters.service.js'
import { pass } from '../delivery/delivery-helpers.js'
import { buildMailTestApp } from '../helpers/mail-test-app.js'
import { insertMember } from '../helpers/member-fixtures.js'

// "Erase my data" must not tell, by its answer or by how long the answer takes, whether the
// campaign knows an address. The request does the same work for any address (it records the
// ask); the outbox pass looks the address up, afterwards, and e-mails a link only to one it knows.

const { app, ctx, smtp, transport } = await buildMailTestApp()

const MEMBER = 'known.member@asking.example'
const WRITER = 'known.writer@asking.example'
const STRANGER = 'nobody.at.all@asking.example'

await insertMember(ctx, { email: MEMBER })
await createLetter(ctx, { state: 'FRA', language: 'en', supporter: { name: 'Known Writer', email: WRITER } })

function ask(email: string) {
  return app.inject({
    method: 'POST',
    url: '/privacy/erase',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `email=${encodeURIComponent(email)}`,
  })
}

/** The answer as the visitor gets it, less the headers that differ between any two answers. */
function answer(res: Awaited<ReturnType<typeof ask>>) {
  const { date: _date, 'x-ratelimit-remaining': _remaining, ...headers } = res.headers
  return { status: res.statusCode, headers, body: res.rawPayload.toString('base64') }
}

async function linksTo(email: string) {
  return ctx.db
    .selectFrom('outbox_message')
    .select('id')
    .where('kind', '=', 'erasure_link')
    .where('recipients', '=', JSON.stringify([email]))
    .execute()
}

describe('asking for erasure', () => {
  it('answers a known and an unknown address with the same bytes, having looked neither up', async () => {
    const known = await ask(MEMBER)
    const alsoKnown = await ask(WRITER)
    const unknown = await ask(STRANGER)
    expect(known.statusCode).toBe(303)
    expect(answer(known)).toEqual(answer(unknown))
    expect(answer(alsoKnown)).toEqual(answer(unknown))

    // Nothing depends on the address yet: no link, no request, only the three asks alike.
    expect(await linksTo(MEMBER)).toEqual([])
    expect(await linksTo(WRITER)).toEqual([])
    expect(await ctx.db.selectFrom('erasure_request').select('id').execute()).toEqual([])
    const asks = await ctx.db.selectFrom('erasure_ask').select('email').orderBy('id').execute()
    expect(asks.map((a) => a.email)).toEqual([MEMBER, WRITER, STRANGER])
  })

  it('sends the links from the outbox pass, to the known addresses only, and forgets the asks', async () => {
    await pass(ctx, transport)
    expect(await linksTo(MEMBER)).toHaveLength(1)
    expect(await linksTo(WRITER)).toHaveLength(1)
    expect(await linksTo(STRANGER)).toEqual([])
    expect(await ctx.db.selectFrom('erasure_ask').select('id').execute()).toEqual([])
    const requests = await ctx.db.selectFrom('erasure_request').select('email').orderBy('id').execute()
    expect(requests.map((r) => r.email)).toEqual([MEMBER, WRITER])
    const delivered = smtp.messages.flatMap((m) => m.envelope.to)
    expect(delivered.sort()).toEqual([WRITER, MEMBER].sort())
  })
})
