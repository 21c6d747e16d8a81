import type { FastifyInstance } from 'fastify'

export interface RouteEntry {
  readonly method: string
  readonly url: string
}

/**
 * Every route of the app, read back from Fastify's own route tree (printRoutes), so a test that
 * walks them covers routes added later without being told.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n')
  const stack: string[] = []
  const routes: RouteEntry[] = []
  for (const line of lines) {
    // The indent is spaces and "│" only, so it cannot also match the "├── " that follows it.
    const match = /^([ │]*)([├└]── )(.+?) \(([A-Z, ]+)\)$/.exec(line)
    if (!match) continue
    const depth = Math.round(((match[1] ?? '').length + 4) / 4)
    stack.length = depth - 1
    const parent = stack.join('')
    const segment = match[3] ?? ''
    const path = depth === 1 ? segment : parent + segment
    stack.push(path.slice(parent.length))
    for (const method of (match[4] ?? '').split(', ')) {
      if (method !== 'HEAD') routes.push({ method, url: path.startsWith('/') ? path : `/${path}` })
    }
  }
  return routes
}
