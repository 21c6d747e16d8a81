import { beforeAll, describe, expect, it } from 'vitest'
import { CONFIRMATION_DAYS } from '../../src/delivery/delivery.service.js'
import { FRANCE_EMAIL, tokenFromOutbox } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// The edit page of a letter shows the writer's e-mail address only while the letter is a draft,
// and only to the browser that wrote it (its draft cookie holds a secret, not just the letter's
// id, which is in every link to the letter). The cookie lives as long as a draft may.

const { app, ctx } = await buildTestApp()
beforeAll(() => setMission(ctx, 'FRA', { ...FRANCE, emails: [FRANCE_EMAIL] }))

const WRITER = 'wren.private@example.org'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function writeFromBrowser() {
  const res = await app.inject({
    method: 'POST',
    url: '/write/fra',
    headers: FORM,
    payload: new URLSearchParams({
      template: 'supporter',
      language: 'en',
      'supporter.name': 'Wren Private',
      'supporter.email': WRITER,
    }).toString(),
  })
  expect(res.statusCode).toBe(303)
  const cookie = res.cookies.find((c) => c.name === 'draft_fra')
  if (!cookie) throw new Error('no draft cookie')
  return { url: res.headers.location as string, cookie }
}

function editPage(url: string, cookies: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `${url}/edit`, cookies })
}

describe("the writer's e-mail address on the edit page", () => {
  it('is shown to the browser that wrote the draft, and to no other', async () => {
    const { url, cookie } = await writeFromBrowser()
    const own = await editPage(url, { draft_fra: cookie.value })
    expect(own.statusCode).toBe(200)
    expect(own.body).toContain(`value="${WRITER}"`)

    const other = await editPage(url)
    expect(other.statusCode).toBe(200)
    expect(other.body).toContain('value="Wren Private"')
    expect(other.body).not.toContain(WRITER)
    // The letter's id is in its link: a cookie made from the link proves nothing.
    const id = url.split('/').pop() ?? ''
    for (const forged of [id, `${id}.${'A'.repeat(43)}`, `${id}.`]) {
      expect((await editPage(url, { draft_fra: forged })).body, forged).not.toContain(WRITER)
    }
  })

  it('keeps the address when another browser saves the draft without typing it again', async () => {
    const { url, cookie } = await writeFromBrowser()
    const saved = await app.inject({
      method: 'POST',
      url: `${url}/edit`,
      headers: FORM,
      payload: 'template=supporter&language=en&supporter.name=Wren+Elsewhere&supporter.email=',
    })
    expect(saved.statusCode).toBe(303)
    const own = await editPage(url, { draft_fra: cookie.value })
    expect(own.body).toContain('value="Wren Elsewhere"')
    expect(own.body).toContain(`value="${WRITER}"`)
  })

  it('is shown to nobody once the letter is on its way, and the cookie is then cleared', async () => {
    const { url, cookie } = await writeFromBrowser()
    const id = url.split('/').pop() ?? ''
    const send = await app.inject({
      method: 'POST',
      url: `${url}/send`,
      headers: FORM,
      payload: `email=${encodeURIComponent(WRITER)}`,
      cookies: { draft_fra: cookie.value },
    })
    expect(send.statusCode).toBe(303)
    const cleared = send.cookies.find((c) => c.name === 'draft_fra')
    expect(cleared?.value).toBe('')
    expect(cleared?.maxAge).toBe(0)
    expect((await editPage(url, { draft_fra: cookie.value })).body).not.toContain(WRITER)

    const confirm = await app.inject({ method: 'POST', url: `/confirm/${await tokenFromOutbox(ctx, id)}` })
    expect(confirm.statusCode).toBe(303)
    expect((await editPage(url, { draft_fra: cookie.value })).body).not.toContain(WRITER)
    expect((await editPage(url)).body).not.toContain(WRITER)
    // Nor does the state's writing page send this browser back to a letter already sent.
    const write = await app.inject({ method: 'GET', url: '/write/fra', cookies: { draft_fra: cookie.value } })
    expect(write.statusCode).toBe(200)
    expect(write.cookies.find((c) => c.name === 'draft_fra')?.maxAge).toBe(0)
  })
})

describe('the draft cookie', () => {
  it("lives as long as a draft: the confirmation link's life, not 30 days", async () => {
    const { cookie } = await writeFromBrowser()
    expect(cookie.maxAge).toBe(CONFIRMATION_DAYS * 86_400)
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
  })
})
