/**
 * npx tsx scripts/site-images.ts
 *
 * Draws the site's icons and its sharing card once, with headless Chromium, into public/:
 * favicon.ico (16 and 32 px PNGs in an ICO, for browsers that ask for /favicon.ico),
 * apple-touch-icon.png (180 px, opaque: iOS fills transparency with black) and og-image.png (the
 * 1200 × 630 card social networks show with a shared link). The source of the icon is
 * public/favicon.svg; the card is drawn from the HTML below. The files are committed: run this
 * again only after changing either.
 */
import fs from 'node:fs'
import { chromium } from 'playwright-core'
import { projectPath } from '../src/lib/paths.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ICON_SVG = fs.readFileSync(projectPath('public/favicon.svg'), 'utf8')

const CARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><style>
  html, body { margin: 0; }
  body {
    width: 1200px; height: 630px; box-sizing: border-box; padding: 72px 88px;
    background: #0b4f8a; color: #fff; font-family: "Liberation Sans", "DejaVu Sans", sans-serif;
    display: flex; flex-direction: column; justify-content: space-between;
  }
  .brand { display: flex; align-items: center; gap: 22px; font-size: 40px; font-weight: 700; }
  .mark { width: 44px; height: 44px; border-radius: 50%; background: #7fc4ff;
    box-shadow: 0 0 0 9px rgba(255, 255, 255, 0.35); }
  h1 { font-size: 66px; line-height: 1.12; margin: 0; max-width: 1000px; letter-spacing: -0.5px; }
  p { font-size: 34px; margin: 0; color: #d6e8f8; }
  .rule { width: 120px; height: 8px; background: #7fc4ff; border-radius: 4px; margin-bottom: 28px; }
</style></head><body>
  <div class="brand"><span class="mark"></span>Code Blue letters</div>
  <div>
    <div class="rule"></div>
    <h1>Sexual abuse by UN peacekeepers belongs before an independent court.</h1>
  </div>
  <p>Write to the ambassadors of the 193 UN member states.</p>
</body></html>`

/** An ICO file holding the given PNGs (Windows Vista and every current browser read PNG entries). */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // 1 = icon
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, entry)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1)
    header.writeUInt8(0, entry + 2) // no palette
    header.writeUInt8(0, entry + 3)
    header.writeUInt16LE(1, entry + 4) // colour planes
    header.writeUInt16LE(32, entry + 6) // bits per pixel
    header.writeUInt32LE(png.length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...images.map((i) => i.png)])
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  async function icon(size: number, background: string | null): Promise<Buffer> {
    await page.setViewportSize({ width: size, height: size })
    const fill = background ? `background:${background};` : ''
    await page.setContent(
      `<!doctype html><html><body style="margin:0;${fill}"><img alt="" width="${size}" height="${size}" style="display:block" src="data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}"></body></html>`,
    )
    return page.screenshot({ omitBackground: !background, clip: { x: 0, y: 0, width: size, height: size } })
  }
  const favicon = ico([
    { size: 16, png: await icon(16, null) },
    { size: 32, png: await icon(32, null) },
  ])
  fs.writeFileSync(projectPath('public/favicon.ico'), favicon)
  // The blue runs to the corners: iOS rounds them itself.
  fs.writeFileSync(projectPath('public/apple-touch-icon.png'), await icon(180, '#0b4f8a'))

  await page.setViewportSize({ width: 1200, height: 630 })
  await page.setContent(CARD_HTML)
  fs.writeFileSync(projectPath('public/og-image.png'), await page.screenshot({ type: 'png' }))
  console.log('wrote public/favicon.ico, public/apple-touch-icon.png, public/og-image.png')
} finally {
  await browser.close()
}
