import { inflateSync } from 'node:zlib'

/**
 * A WOFF 1.0 file (https://www.w3.org/TR/WOFF/) as the plain TrueType/OpenType file it wraps.
 * fontkit reads WOFF, but inflates a table again each time it reads from it: every glyph drawn
 * from a WOFF face inflated the whole `glyf` table (an Arabic letter took over a second). The
 * fonts are unwrapped once, when first read. The @fontsource packages ship WOFF and WOFF2 of the
 * same fonts; WOFF2 (which fontkit also reads) cannot be subset by fontkit where glyphs are
 * composites, so the PDF reads WOFF and the browser gets WOFF2.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') return woff
  const flavor = woff.readUInt32BE(4)
  const numTables = woff.readUInt16BE(12)
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20
    const offset = woff.readUInt32BE(at + 4)
    const compressed = woff.readUInt32BE(at + 8)
    const length = woff.readUInt32BE(at + 12)
    const stored = woff.subarray(offset, offset + compressed)
    const data = compressed < length ? inflateSync(stored) : stored
    if (data.length !== length)
      throw new Error(`WOFF table ${woff.toString('latin1', at, at + 4)}: bad length`)
    return { tag: woff.subarray(at, at + 4), checksum: woff.readUInt32BE(at + 16), data }
  })
  const headerLength = 12 + 16 * numTables
  const size = tables.reduce((sum, t) => sum + align4(t.data.length), headerLength)
  const sfnt = Buffer.alloc(size)
  const entrySelector = Math.floor(Math.log2(numTables))
  const searchRange = 2 ** entrySelector * 16
  sfnt.writeUInt32BE(flavor, 0)
  sfnt.writeUInt16BE(numTables, 4)
  sfnt.writeUInt16BE(searchRange, 6)
  sfnt.writeUInt16BE(entrySelector, 8)
  sfnt.writeUInt16BE(numTables * 16 - searchRange, 10)
  let offset = headerLength
  tables.forEach((table, i) => {
    const record = 12 + i * 16
    table.tag.copy(sfnt, record)
    sfnt.writeUInt32BE(table.checksum, record + 4)
    sfnt.writeUInt32BE(offset, record + 8)
    sfnt.writeUInt32BE(table.data.length, record + 12)
    table.data.copy(sfnt, offset)
    offset += align4(table.data.length)
  })
  return sfnt
}

function align4(n: number): number {
  return (n + 3) & ~3
}
