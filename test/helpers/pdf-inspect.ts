import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { create, type Font } from 'fontkit'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

// How outside tools see a PDF: poppler's pdfinfo, pdffonts and pdftotext, pdf.js's text and
// structure tree, and the embedded fonts' own glyphs.

/**
 * The glyphs drawn as .notdef (an empty box). The ToUnicode map hides them from extracted text
 * (each glyph maps back to the letters it was meant for, unicode-map.ts giving a glyph that
 * stands for other letters a slot of its own), so this reads the fonts: every slot after the
 * first of an embedded subset whose outline is the .notdef box of slot 0, and code 0 shown
 * anywhere.
 */
export function notdefGlyphs(pdf: Buffer): number {
  let count = 0
  for (const match of pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let bytes: Buffer
    try {
      bytes = inflateSync(Buffer.from(match[1] ?? '', 'latin1'))
    } catch {
      continue
    }
    const content = bytes.toString('latin1')
    for (const shown of content.matchAll(/\[[^\]]*\]\s*TJ|<[0-9a-fA-F]*>\s*Tj/g)) {
      for (const hex of shown[0].matchAll(/<([0-9a-fA-F]*)>/g)) {
        count += (hex[1]?.match(/.{4}/g) ?? []).filter((code) => code === '0000').length
      }
    }
    let font: Font
    try {
      font = create(bytes) as Font
    } catch {
      continue
    }
    const notdef = font.getGlyph(0).path.toSVG()
    if (notdef === '') continue
    for (let id = 1; id < font.numGlyphs; id++) if (font.getGlyph(id).path.toSVG() === notdef) count++
  }
  return count
}

/** Whether poppler's pdfinfo, pdffonts and pdftotext are installed (apt-get install poppler-utils). */
export const popplerAvailable = (() => {
  try {
    for (const tool of ['pdfinfo', 'pdffonts', 'pdftotext']) execFileSync(tool, ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** Runs a poppler tool on `pdf` (written to a temporary file, removed after) and returns what it prints. */
export function poppler(tool: 'pdfinfo' | 'pdffonts' | 'pdftotext', pdf: Buffer, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `${tool}-`))
  try {
    const file = join(dir, 'in.pdf')
    writeFileSync(file, pdf)
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The embedded fonts pdffonts lists: each name without its subset prefix, and whether embedded. */
export function embeddedFonts(pdf: Buffer): { name: string; embedded: boolean }[] {
  return poppler('pdffonts', pdf)
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', ...rest] = line.trim().split(/\s+/)
      // Columns after the name: type (one or two words), encoding, emb, sub, uni, object, ID.
      const flags = rest.slice(-5, -2)
      return { name: name.replace(/^[A-Z]{6}\+/, ''), embedded: flags[0] === 'yes' }
    })
}

export interface TextItem {
  str: string
  x: number
  width: number
  /** The structure content the text was drawn in ("p10R_mc3"), 'Artifact', or null if in none. */
  in: string | null
}

export interface StructNode {
  role: string
  text: string
  children: StructNode[]
}

/**
 * Each page's text items, with the marked content they are drawn in, and the structure tree of
 * the whole document, each element with the text of its own marked content, read by pdf.js.
 */
export async function readTagged(pdf: Buffer): Promise<{ items: TextItem[][]; tree: StructNode[] }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false })
    .promise
  const items: TextItem[][] = []
  const textOf = new Map<string, string>()
  const tree: StructNode[] = []
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n)
    const content = await page.getTextContent({ includeMarkedContent: true })
    const stack: (string | null)[] = []
    const pageItems: TextItem[] = []
    for (const item of content.items) {
      if ('type' in item) {
        // pdf.js gives the marked content's tag too, which its types leave out.
        const marked = item as { type: string; id?: string; tag?: string }
        if (marked.type === 'beginMarkedContentProps' || marked.type === 'beginMarkedContent') {
          stack.push(marked.tag === 'Artifact' ? 'Artifact' : (marked.id ?? null))
        } else if (marked.type === 'endMarkedContent') {
          stack.pop()
        }
        continue
      }
      const within = stack.findLast((s) => s !== null) ?? null
      pageItems.push({ str: item.str, x: item.transform[4], width: item.width, in: within })
      if (within && within !== 'Artifact') textOf.set(within, `${textOf.get(within) ?? ''}${item.str}`)
    }
    items.push(pageItems)
    const root = await page.getStructTree()
    // Each page's tree repeats the elements that have content on it: merge them by walking the
    // first page's tree for the outline, and all pages' content ids for the text.
    tree.push(...(root ? (root.children as unknown as RawNode[]).map((c) => toNode(c, textOf)) : []))
  }
  await doc.destroy()
  return { items, tree }
}

interface RawNode {
  role?: string
  type?: string
  id?: string
  children?: RawNode[]
}

function toNode(raw: RawNode, textOf: Map<string, string>): StructNode {
  const children = (raw.children ?? []).filter((c) => c.role !== undefined).map((c) => toNode(c, textOf))
  const own = (raw.children ?? [])
    .filter((c) => c.type === 'content' && c.id)
    .map((c) => textOf.get(c.id as string) ?? '')
    .join('')
  return { role: raw.role ?? '', text: own.replace(/\s+/g, ' ').trim(), children }
}

export function* walk(nodes: StructNode[]): Generator<StructNode> {
  for (const node of nodes) {
    yield node
    yield* walk(node.children)
  }
}
