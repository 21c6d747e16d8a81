import { describe, expect, it } from 'vitest'
import { createAsk } from '../../src/asks/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { listAuditEvents } from '../../src/organizers/audit.repository.js'
import { SHELL_ACTOR } from '../../src/organizers/index.js'
import { signInOrganizer } from '../helpers/organizer-session.js'
import { pdfPagesText } from '../helpers/pdf-text.js'
import { buildTestApp } from '../helpers/test-app.js'

// Batch printing filtered by ask: only the letters written within it, combined with the other
// filters, audited with the ask; an unknown or malformed ask is a 400 naming `ask`; the page
// offers every ask; without an ask the batch is the same as before.

const { app, ctx } = await buildTestApp()
const { cookie } = await signInOrganizer(app, ctx, { role: 'coordinator' })

// Letters to France and Chad before the wave go into the first ask; the wave (France and Kenya)
// takes the next letters to its states; Chad's stays in the first ask.
const supporter = { name: 'Batch Supporter', country: 'GB' }
const write = async (state: string) =>
  (await createLetter(ctx, { state, template: 'supporter', language: 'en', supporter })).reference
const before = [await write('FRA'), await write('TCD')]
const wave = await createAsk(ctx, SHELL_ACTOR, {
  title: 'France and Kenya',
  purpose: '',
  targetKind: 'state_list',
  states: ['FRA', 'KEN'],
  startsOn: '2026-05-01',
})
const within = [await write('FRA'), await write('KEN')]
const outside = await write('TCD')

const print = (query: string) =>
  app.inject({ method: 'GET', url: `/api/letters/print?${query}`, headers: { cookie } })
const referencesIn = async (pdf: Buffer) => {
  const text = (await pdfPagesText(pdf)).join('\n')
  return [...before, ...within, outside].filter((reference) => text.includes(reference))
}

describe('batch printing by ask', () => {
  it('prints only the letters written within the ask, and records the ask in the audit log', async () => {
    const res = await print(`ask=${wave}`)
    expect(res.statusCode).toBe(200)
    expect(await referencesIn(res.rawPayload)).toEqual(within)
    const audit = (await listAuditEvents(ctx.db, { limit: 1 }))[0]!
    expect(audit.summary).toMatch(/^Printed 2 letters/)
    expect(JSON.parse(audit.details ?? '{}').filter).toMatchObject({ askId: wave })
  })

  it('combines the ask with the other filters', async () => {
    expect(await referencesIn((await print(`ask=${wave}&state=KEN`)).rawPayload)).toEqual([within[1]])
    expect(await referencesIn((await print('ask=1&state=FRA,TCD')).rawPayload)).toEqual([...before, outside])
  })

  it('prints every letter when no ask is chosen, as before', async () => {
    const all = [...before, ...within, outside]
    expect(await referencesIn((await print('')).rawPayload)).toEqual(all)
    expect(await referencesIn((await print('ask=&state=')).rawPayload)).toEqual(all)
  })

  it('answers 400 naming `ask` for an unknown or malformed ask, printing nothing', async () => {
    const audited = (await listAuditEvents(ctx.db)).length
    for (const query of ['ask=9999', 'ask=abc', 'ask=0', 'ask=1.5']) {
      const res = await print(query)
      expect(res.statusCode, query).toBe(400)
      expect(res.json().field, query).toBe('ask')
    }
    expect(await listAuditEvents(ctx.db)).toHaveLength(audited)
  })

  it('offers every ask on the organizers’ printing page', async () => {
    const page = (await app.inject({ method: 'GET', url: '/organizers/letters', headers: { cookie } })).body
    expect(page).toContain('<select id="p-ask" name="ask">')
    expect(page).toContain(`<option value="${wave}">France and Kenya (running)</option>`)
    expect(page).toContain('<option value="1">All 193 member states</option>')
  })
})
