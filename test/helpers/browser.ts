import fs from 'node:fs'
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
