import type { FastifyRequest } from 'fastify'

/**
 * A search form sends every field, empty ones as "" ("all groups"): treat those as absent, so
 * that the schema checks only what was really asked for.
 */
export async function dropEmptyQueryValues(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined
  if (!query) return
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' && value.trim() === '') delete query[key]
  }
}
