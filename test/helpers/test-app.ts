import type { FastifyInstance } from 'fastify'
import { afterAll } from 'vitest'
import { buildApp } from '../../src/app.js'
import type { AppContext, ContextOverrides } from '../../src/context.js'
import { createTestContext } from './test-context.js'

/** The web app on a fresh, seeded database of its own, for `app.inject(...)`; closed after the file. */
export async function buildTestApp(
  overrides: ContextOverrides & { env?: Record<string, string> } = {},
): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const ctx = await createTestContext(overrides)
  const app = await buildApp({ ctx })
  await app.ready()
  afterAll(async () => {
    await app.close()
  })
  return { app, ctx }
}
