import type { Glyph } from 'fontkit'

/**
 * Makes copied and extracted text right where one glyph stands for several letters.
 *
 * A PDF maps each glyph of a font back to text through one table (ToUnicode), one entry per
 * glyph. Noto Naskh Arabic draws many letters from a shared skeleton plus dots: ر and ز, ع and غ,
 * ح and ج share their joined forms. pdfkit keeps the first letter it saw for a glyph, so "المتكررة"
 * printed after a ز came back from the PDF as "المتكزرة". This gives a glyph that must map to a
 * second letter a second slot in the embedded subset (the same outline, a few bytes each), with
 * its own entry.
 *
 * @NOTE pdfkit 0.20's EmbeddedFont is not exported: the patch is applied to the prototype of the
 * first embedded font a document selects, once per process. It relies on `subset.includeGlyph`,
 * `subset.glyphs` (the subset writes each listed glyph, duplicates included) and `unicode`, and the
 * PDF tests (text extraction of Arabic) fail if pdfkit changes them.
 */
interface EmbeddedFontLike {
  layout(text: string, features?: unknown): { glyphs: Glyph[]; positions: unknown[] }
  subset: { includeGlyph(id: number): number; glyphs: number[] }
  unicode: number[][]
  widths: number[]
  scale: number
  encode(text: string, features?: unknown): [string[], unknown[]]
  __copies?: Map<string, number>
}

let patched = false

export function patchUnicodeMap(font: unknown): void {
  if (patched || !font || typeof (font as EmbeddedFontLike).encode !== 'function') return
  const proto = Object.getPrototypeOf(font) as EmbeddedFontLike
  if (!('subset' in (font as object))) return // a standard (AFM) font: nothing to patch
  proto.encode = function encode(this: EmbeddedFontLike, text: string, features?: unknown) {
    const { glyphs, positions } = this.layout(text, features)
    const codes: string[] = []
    for (const glyph of glyphs) {
      let gid = this.subset.includeGlyph(glyph.id)
      const mapped = this.unicode[gid]
      if (mapped != null && glyph.codePoints.length > 0 && !sameCodes(mapped, glyph.codePoints)) {
        gid = copyOf(this, glyph)
      }
      codes.push(`0000${gid.toString(16)}`.slice(-4))
      this.widths[gid] ??= glyph.advanceWidth * this.scale
      this.unicode[gid] ??= glyph.codePoints
    }
    return [codes, positions]
  }
  patched = true
}

function sameCodes(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((code, i) => code === b[i])
}

/** The slot of `glyph` that maps to its own letters, added to the subset the first time. */
function copyOf(font: EmbeddedFontLike, glyph: Glyph): number {
  font.__copies ??= new Map()
  const key = `${glyph.id}:${glyph.codePoints.join(',')}`
  let gid = font.__copies.get(key)
  if (gid === undefined) {
    font.subset.glyphs.push(glyph.id)
    gid = font.subset.glyphs.length - 1
    font.__copies.set(key, gid)
  }
  return gid
}
