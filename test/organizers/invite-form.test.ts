import { describe, expect, it, vi } from 'vitest'
import { SHELL_ACTOR } from '../../src/organizers/audit.repository.js'
import { inviteOrganizer } from '../../src/organizers/organizer-accounts.service.js'
import * as password from '../../src/organizers/organizer-password.js'
import { openForm } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

// The real scrypt, watched: a dead link must be answered before any password is hashed (each
// hash costs 32 MiB and ~100 ms, so a stream of posts to made-up links would tie up the server).
vi.mock('../../src/organizers/organizer-password.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/organizers/organizer-password.js')>()
  return { ...real, hashPassword: vi.fn(real.hashPassword) }
})

const PASSWORD = 'a long enough passphrase'
const account = (email: string) => ({ name: 'Ines', email, password: PASSWORD, passwordAgain: PASSWORD })

describe('the invitation form', () => {
  it('answers a link that is unknown, used or expired before hashing the password', async () => {
    const { app, ctx } = await buildTestApp()
    const invite = await inviteOrganizer(ctx, SHELL_ACTOR, { role: 'organizer' })
    const path = new URL(invite.url).pathname
    const form = await openForm(app, path)
    const post = (url: string, email: string) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: form.cookie },
        payload: { _csrf: form.csrf, ...account(email) },
      })
    const hashes = vi.mocked(password.hashPassword)

    hashes.mockClear()
    const joined = await post(path, 'ines@example.org')
    expect(joined.statusCode).toBe(303)
    expect(hashes).toHaveBeenCalledTimes(1)

    hashes.mockClear()
    const unknown = await post(`/organizers/welcome/${'A'.repeat(43)}`, 'a@example.org')
    expect(unknown.statusCode).toBe(404)
    const malformed = await post('/organizers/welcome/short', 'b@example.org')
    expect(malformed.statusCode).toBe(404)
    const used = await post(path, 'c@example.org')
    expect(used.statusCode).toBe(409)
    expect(hashes).not.toHaveBeenCalled()

    const old = await inviteOrganizer(ctx, SHELL_ACTOR, { role: 'organizer' })
    await ctx.db
      .updateTable('organizer_invite')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('used_at', 'is', null)
      .execute()
    const expired = await post(new URL(old.url).pathname, 'd@example.org')
    expect(expired.statusCode).toBe(410)
    expect(hashes).not.toHaveBeenCalled()
  })

  it('is rate-limited per client like sign-in', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_LOGINS: '3' } })
    const form = await openForm(app, '/organizers/login')
    const codes: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await app.inject({
        method: 'POST',
        url: `/organizers/welcome/${'B'.repeat(43)}`,
        headers: { cookie: form.cookie },
        payload: { _csrf: form.csrf, ...account(`e${i}@example.org`) },
      })
      codes.push(response.statusCode)
    }
    expect(codes).toEqual([404, 404, 404, 429])
  })
})
