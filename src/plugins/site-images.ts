import crypto from 'node:crypto'
import fs from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { projectPath } from '../lib/paths.js'

// The site's icons and its sharing card, drawn once by scripts/site-images.ts into public/. Each is
// served at the root, where browsers and social networks look for it, from memory (a few KB).
// Pages link them with ?v=<hash of the file>: that address never changes content, so it is cached
// for a year; the bare addresses browsers guess (/favicon.ico, /apple-touch-icon.png) for 30 days,
// so a new icon still reaches everyone within a month.

const IMAGES = [
  { path: '/favicon.ico', file: 'favicon.ico', type: 'image/x-icon' },
  { path: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
  { path: '/apple-touch-icon.png', file: 'apple-touch-icon.png', type: 'image/png' },
  { path: '/og-image.png', file: 'og-image.png', type: 'image/png' },
] as const

type ImagePath = (typeof IMAGES)[number]['path']

const YEAR = 'public, max-age=31536000, immutable'
const MONTH = 'public, max-age=2592000'

const loaded = IMAGES.map((image) => {
  const body = fs.readFileSync(projectPath('public', image.file))
  const version = crypto.createHash('sha256').update(body).digest('hex').slice(0, 12)
  return { ...image, body, version }
})

/** Each image's address as pages link it: its path with the content's version, `/favicon.svg?v=…`. */
export const SITE_IMAGE_URLS: Readonly<Record<ImagePath, string>> = Object.freeze(
  Object.fromEntries(loaded.map((i) => [i.path, `${i.path}?v=${i.version}`])) as Record<ImagePath, string>,
)

/** The sharing card's size, for og:image:width and og:image:height. */
export const OG_IMAGE_SIZE = { width: 1200, height: 630 } as const

/** GET /favicon.ico, /favicon.svg, /apple-touch-icon.png and /og-image.png, long cached. */
export const siteImagesPlugin = fp(async (app: FastifyInstance) => {
  for (const image of loaded) {
    const etag = `"${image.version}"`
    app.get(image.path, async (request, reply) => {
      const query = request.query as Record<string, unknown>
      reply
        .type(image.type)
        .header('etag', etag)
        .header('cache-control', query.v === image.version ? YEAR : MONTH)
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.send(image.body)
    })
  }
})
