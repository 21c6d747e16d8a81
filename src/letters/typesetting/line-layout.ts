import bidiFactory, { type Bidi } from 'bidi-js'
import LineBreaker from 'linebreak'
import type { Face, Weight } from './font-catalog.js'
import { type FontRun, fontRuns } from './font-runs.js'

// Sets one paragraph of any script into lines: the faces by script (font-runs.ts), the break
// opportunities of the Unicode line breaking algorithm (UAX #14: between words, and between
// Chinese characters, which need no spaces), and the visual order of each line by the Unicode
// bidirectional algorithm (UAX #9), so Arabic reads right to left with Latin names and numbers
// inside it left to right.

// @NOTE the package is CommonJS whose module.exports is the factory; its types declare an ES
// default export, which TypeScript's NodeNext interop reads as a property.
const bidi = (bidiFactory as unknown as () => Bidi)()
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

export type Direction = 'ltr' | 'rtl'

/** One piece of a line, drawn as it stands: `text` is already in the order the glyphs are set. */
export interface Piece {
  text: string
  face: Face
  /** Offset of the piece's left edge from the line's left edge, before justification. */
  x: number
  width: number
  /** Spaces on the line to the piece's left. */
  gapsBefore: number
  /**
   * Chinese and Japanese text: a justified line spreads it letter by letter (it has no spaces to
   * widen), each glyph followed by one share of the line's extra width.
   */
  spread: boolean
  /** Shares of a justified line's extra width to the piece's left: spaces and spread glyphs. */
  sharesBefore: number
}

export interface Line {
  pieces: Piece[]
  width: number
  /** Inter-word gaps a justified line may widen. */
  gaps: number
  /** Shares a justified line divides its extra width into: its spaces and the gaps between spread glyphs. */
  shares: number
  /** The line's text in logical (reading) order. */
  logical: string
  /** The faces on the line, for its height. */
  faces: Face[]
}

export interface ParagraphLayout {
  lines: Line[]
  direction: Direction
}

export interface LayoutOptions {
  size: number
  width: number
  weight: Weight
  /** The paragraph's direction; 'auto' takes it from its first strong character. */
  direction: Direction | 'auto'
}

const SPACE = /^[ \u3000]+$/
// Scripts written without spaces between words, justified by spacing every character.
const SPREAD = /[\p{sc=Han}\p{sc=Hira}\p{sc=Kana}\p{sc=Bopo}\u3000-\u303f\uff00-\uffef]/u

/** Sets `text` (one paragraph, no line breaks) into lines of at most `width` points. */
export function layoutParagraph(text: string, options: LayoutOptions): ParagraphLayout {
  const runs = fontRuns(text, options.weight)
  const embedding = bidi.getEmbeddingLevels(text, options.direction)
  const direction: Direction = (embedding.paragraphs[0]?.level ?? 0) % 2 === 1 ? 'rtl' : 'ltr'
  const measure = measurer(text, runs, options.size)
  const lines: Line[] = []
  for (const [start, end] of breakIntoLines(text, measure, options.width)) {
    lines.push(orderLine(text, runs, embedding.levels, start, end, options.size))
  }
  return { lines, direction }
}

function widthOf(face: Face, text: string, size: number): number {
  return (face.font.layout(text).advanceWidth * size) / face.font.unitsPerEm
}

/** Width of text[start, end), run by run (each run shaped in its own face). */
function measurer(text: string, runs: FontRun[], size: number) {
  return (start: number, end: number): number => {
    let width = 0
    for (const run of runs) {
      if (run.end <= start || run.start >= end) continue
      width += widthOf(run.face, text.slice(Math.max(start, run.start), Math.min(end, run.end)), size)
    }
    return width
  }
}

/**
 * Greedy line filling over the break opportunities: [start, end) of each line, trailing spaces
 * excluded. A word wider than the line (a long web address) is cut between graphemes.
 */
function breakIntoLines(
  text: string,
  measure: (start: number, end: number) => number,
  width: number,
): Array<[number, number]> {
  const lines: Array<[number, number]> = []
  const breaker = new LineBreaker(text)
  let lineStart = 0
  let lineEnd = 0 // end of the last word placed, trailing spaces excluded
  let used = 0 // width from lineStart to the end of the last word, trailing spaces included
  let wordStart = 0
  for (let brk = breaker.nextBreak(); brk; brk = breaker.nextBreak()) {
    const wordEnd = brk.position
    const trimmed = trimEnd(text, wordStart, wordEnd)
    const inked = measure(wordStart, trimmed)
    if (lineEnd > lineStart && used + inked > width) {
      lines.push([lineStart, lineEnd])
      lineStart = wordStart
      used = 0
    }
    if (inked > width) {
      // Cut the word itself: whole graphemes, as many as fit on each line.
      for (const { index, segment } of graphemes.segment(text.slice(wordStart, trimmed))) {
        const at = wordStart + index
        const w = measure(at, at + segment.length)
        if (at > lineStart && used + w > width) {
          lines.push([lineStart, at])
          lineStart = at
          used = 0
        }
        used += w
      }
      used += measure(trimmed, wordEnd)
    } else {
      used += measure(wordStart, wordEnd)
    }
    lineEnd = trimmed
    if (brk.required && wordEnd < text.length) {
      lines.push([lineStart, lineEnd])
      lineStart = wordEnd
      lineEnd = wordEnd
      used = 0
    }
    wordStart = wordEnd
  }
  if (lineEnd > lineStart) lines.push([lineStart, lineEnd])
  return lines
}

function trimEnd(text: string, start: number, end: number): number {
  let at = end
  while (at > start && /\s/.test(text[at - 1] as string)) at--
  return at
}

interface Segment {
  start: number
  end: number
  level: number
  face: Face
  space: boolean
}

/** The line's pieces in visual order (UAX #9 rule L2), with their positions. */
function orderLine(
  text: string,
  runs: FontRun[],
  levels: Uint8Array,
  start: number,
  end: number,
  size: number,
): Line {
  const segments = segmentsOf(text, runs, levels, start, end)
  const highest = Math.max(...segments.map((s) => s.level))
  const lowestOdd = Math.min(...segments.map((s) => s.level).filter((l) => l % 2 === 1), highest + 1)
  for (let level = highest; level >= lowestOdd; level--) {
    let i = 0
    while (i < segments.length) {
      if ((segments[i] as Segment).level < level) {
        i++
        continue
      }
      let j = i
      while (j < segments.length && (segments[j] as Segment).level >= level) j++
      const reversed = segments.slice(i, j).reverse()
      segments.splice(i, j - i, ...reversed)
      i = j
    }
  }
  const pieces: Piece[] = []
  const faces = new Set<Face>()
  let x = 0
  let gaps = 0
  let shares = 0
  for (const segment of segments) {
    const logical = text.slice(segment.start, segment.end)
    faces.add(segment.face)
    if (segment.space) {
      x += widthOf(segment.face, logical, size)
      gaps += 1
      shares += 1
      continue
    }
    const drawn = inDrawingOrder(logical, segment)
    const width = widthOf(segment.face, drawn, size)
    const spread = SPREAD.test(logical)
    pieces.push({ text: drawn, face: segment.face, x, width, gapsBefore: gaps, spread, sharesBefore: shares })
    if (spread) shares += [...graphemes.segment(drawn)].length
    x += width
  }
  // The space after a line's last spread glyph is beyond its last letter: not a share.
  if (pieces.at(-1)?.spread) shares -= 1
  return { pieces, width: x, gaps, shares, logical: text.slice(start, end), faces: [...faces] }
}

/** Splits text[start, end) where the face or the embedding level changes, and around spaces. */
function segmentsOf(
  text: string,
  runs: FontRun[],
  levels: Uint8Array,
  start: number,
  end: number,
): Segment[] {
  const segments: Segment[] = []
  for (const run of runs) {
    if (run.end <= start || run.start >= end) continue
    let at = Math.max(start, run.start)
    const stop = Math.min(end, run.end)
    while (at < stop) {
      const level = levels[at] as number
      const space = SPACE.test(text[at] as string)
      let next = at + 1
      // A surrogate pair's second half always stays with its first.
      while (
        next < stop &&
        (isLowSurrogate(text, next) || (levels[next] === level && SPACE.test(text[next] as string) === space))
      )
        next++
      segments.push({ start: at, end: next, level, face: run.face, space })
      at = next
    }
  }
  return segments
}

function isLowSurrogate(text: string, at: number): boolean {
  const code = text.charCodeAt(at)
  return code >= 0xdc00 && code <= 0xdfff
}

/**
 * The piece's text as it must be handed to the shaper so that its glyphs come out in visual
 * order. fontkit reverses the glyphs of a right-to-left script itself; for anything else at a
 * right-to-left level (punctuation, a Latin-font bracket) the graphemes are reversed here, and
 * at an odd level paired brackets are mirrored: "(" reads ")" in Arabic.
 */
function inDrawingOrder(logical: string, segment: Segment): string {
  const rtlLevel = segment.level % 2 === 1
  const mirrored = rtlLevel ? mirror(logical) : logical
  const shaperReverses = segment.face.font.layout(mirrored).direction === 'rtl'
  return shaperReverses === rtlLevel ? mirrored : reverseGraphemes(mirrored)
}

function mirror(text: string): string {
  let out = ''
  for (const char of text) out += bidi.getMirroredCharacter(char) ?? char
  return out
}

function reverseGraphemes(text: string): string {
  return Array.from(graphemes.segment(text), (g) => g.segment)
    .reverse()
    .join('')
}
