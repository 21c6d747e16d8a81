import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { type Browser, chromium } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (p): p is string => Boolean(p),
)

/** Debian's Chromium, or null with the reason the browser tests are skipped. */
export function findChromium(): { path: string | null; reason: string } {
  const found = CANDIDATES.find((p) => fs.existsSync(p))
  if (found) return { path: found, reason: '' }
  return {
    path: null,
    reason:
      'skipped: no Chromium found. Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).',
  }
}

/** Headless Chromium with the flags this network-less machine needs. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  })
}

/** A phone's screen: the narrowest width pages must read at without scrolling sideways. */
export const PHONE_VIEWPORT = { width: 360, height: 740 }

/** Listens on a free port of 127.0.0.1, for a browser to visit; returns the site's address. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}
