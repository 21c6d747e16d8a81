/**
 * A row's id in a path: the validator takes "1e309" (Infinity) and "1e15" for whole numbers, and
 * PostgreSQL refused them with an error, a 500, where SQLite found no row (the fuzz test drew
 * `/organizers/partners/1e309` once new routes changed its draw). Every id is bounded (RowId,
 * src/lib/schema-types.ts, and `x-finite`): on either engine such an id is a 400 that names it.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { type OrganizerSession, signInOrganizer } from '../helpers/organizer-session.js'
import { buildTestApp } from '../helpers/test-app.js'

const { app, ctx } = await buildTestApp()
afterAll(() => app.close())

// A GET of each kind of route whose path carries a row's id, the id in place of :id.
const ROUTES = [
  '/organizers/partners/:id',
  '/organizers/asks/:id/edit',
  '/organizers/council/:id',
  '/organizers/updates/:id',
  '/api/asks/:id',
]
const OUT_OF_RANGE = ['1e309', '1e15', '2147483648', '99999999999999999999']

describe('a row id out of range', () => {
  let admin: OrganizerSession
  it.each(ROUTES)('%s: a 400 naming the id, never a 500', async (route) => {
    admin ??= await signInOrganizer(app, ctx, { role: 'admin' })
    for (const id of OUT_OF_RANGE) {
      const response = await app.inject({
        method: 'GET',
        url: route.replace(':id', id),
        headers: { cookie: admin.cookie, accept: 'application/json' },
      })
      expect(response.statusCode, `${route} with ${id}`).toBe(400)
      expect(response.body, `${route} with ${id}`).toMatch(/\bid\b/)
    }
    const missing = await app.inject({
      method: 'GET',
      url: route.replace(':id', '2147483647'),
      headers: { cookie: admin.cookie, accept: 'application/json' },
    })
    // No such row: a 404, or for the Council's terms a redirect to their list, never a 500.
    expect([303, 404], `${route} with the largest id`).toContain(missing.statusCode)
  })
})
