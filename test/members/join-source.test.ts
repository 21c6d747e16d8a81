import { describe, expect, it } from 'vitest'
import { SOURCE_IGNORED } from '../../src/lib/source-code.js'
import { confirmMembership, joinCampaign, joinFromLetter } from '../../src/members/members.service.js'
import { buildTestApp } from '../helpers/test-app.js'

// Issue 14, item 3: a member who joins from a partner's or channel's link keeps its code
// (`member.source_code`), from the join form (as a form or as JSON) and from the letter form's offer.

const { app, ctx } = await buildTestApp()

const person = (email: string, more: Record<string, unknown> = {}) => ({
  kind: 'individual',
  name: 'Amina Diallo',
  email,
  country: 'SN',
  consent: 'yes',
  ...more,
})

async function memberOf(email: string) {
  return ctx.db.selectFrom('member').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
}

/** The confirmation link's token, read from the queued e-mail as its owner would read it. */
async function confirmationToken(memberId: number): Promise<string> {
  const row = await ctx.db
    .selectFrom('outbox_message')
    .select('payload')
    .where('member_id', '=', memberId)
    .where('kind', '=', 'member_confirmation')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  return (JSON.parse(row.payload ?? '{}') as { url: string }).url.split('/').pop() ?? ''
}

function postForm(fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/join',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  })
}

describe('joining with a source', () => {
  it('the join form stores a valid source with the membership', async () => {
    const res = await postForm(person('kofi@example.org', { source: 'amnesty-ke' }) as Record<string, string>)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/join/check-inbox')
    const member = await memberOf('kofi@example.org')
    expect(member.source_code).toBe('amnesty-ke')
    // `source` still says which form it came by.
    expect(member.source).toBe('join_form')
  })

  it('the same fields as JSON do too, and a code in capitals is lowered', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/join',
      payload: person('json@example.org', { source: 'Newsletter-2027-01' }),
    })
    expect(res.statusCode).toBe(303)
    expect((await memberOf('json@example.org')).source_code).toBe('newsletter-2027-01')
  })

  it('an invalid source is no error: the membership is asked for without it, and a notice says so', async () => {
    for (const [i, source] of ['not valid', 'x'.repeat(65), '<b>', '-x'].entries()) {
      const email = `invalid${i}@example.org`
      const res = await postForm(person(email, { source }) as Record<string, string>)
      expect(res.statusCode, source).toBe(303)
      expect((await memberOf(email)).source_code, source).toBeNull()
    }
    const result = await joinCampaign(ctx, person('notice@example.org', { source: 'not valid' }))
    expect(result.notices).toEqual([SOURCE_IGNORED])
    expect((await joinCampaign(ctx, person('quiet@example.org', { source: 'amnesty-ke' }))).notices).toEqual(
      [],
    )
  })

  it('a form with errors names them, not the source, and keeps a valid source for the next try', async () => {
    const res = await postForm({
      kind: 'individual',
      name: '',
      email: 'nobody@example.org',
      source: 'amnesty-ke',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('<input type="hidden" name="source" value="amnesty-ke">')
    expect(res.body).not.toContain('source code that is not valid')
  })

  it('GET /join?source= carries a valid code in the form, and says when a code is not valid', async () => {
    const page = await app.inject({ url: '/join?source=Amnesty-KE' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<input type="hidden" name="source" value="amnesty-ke">')
    const bad = await app.inject({ url: `/join?source=${encodeURIComponent('"><script>x</script>')}` })
    expect(bad.statusCode).toBe(200)
    expect(bad.body).not.toContain('name="source"')
    expect(bad.body).not.toContain('<script>x')
    expect(bad.body).toContain(SOURCE_IGNORED.message)
    for (const query of [`source=${'x'.repeat(5000)}`, 'source=a&source=b']) {
      const odd = await app.inject({ url: `/join?${query}` })
      expect(odd.statusCode, query).toBe(200)
      expect(odd.body).not.toContain('name="source"')
      expect(odd.body).toContain(SOURCE_IGNORED.message)
    }
    const plain = await app.inject({ url: '/join' })
    expect(plain.body).not.toContain('name="source"')
    expect(plain.body).not.toContain(SOURCE_IGNORED.message)
  })

  it('a letter’s writer who joins from it brings the letter’s source', async () => {
    await joinFromLetter(ctx, {
      name: 'Lucía Fernández',
      email: 'Lucia@Example.org',
      country: 'CO',
      source: 'amnesty-ke',
    })
    const member = await memberOf('lucia@example.org')
    expect(member).toMatchObject({ source: 'letter', source_code: 'amnesty-ke' })
    await joinFromLetter(ctx, { name: 'No Source', email: 'nosource@example.org', country: null })
    expect((await memberOf('nosource@example.org')).source_code).toBeNull()
  })

  it('asking again keeps the first source; a request without one takes the new one; confirming keeps it', async () => {
    await joinCampaign(ctx, person('twice@example.org', { source: 'first-partner' }))
    await joinCampaign(ctx, person('twice@example.org', { source: 'second-partner' }))
    expect((await memberOf('twice@example.org')).source_code).toBe('first-partner')

    await joinCampaign(ctx, person('late@example.org'))
    expect((await memberOf('late@example.org')).source_code).toBeNull()
    await joinCampaign(ctx, person('late@example.org', { source: 'second-partner' }))
    const late = await memberOf('late@example.org')
    expect(late.source_code).toBe('second-partner')

    await confirmMembership(ctx, await confirmationToken(late.id))
    expect(await memberOf('late@example.org')).toMatchObject({
      status: 'active',
      source_code: 'second-partner',
    })
  })
})
