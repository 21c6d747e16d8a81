// Runs of combining marks, found in one pass. String.prototype.normalize reorders a run of marks
// by insertion, so its time grows with the square of the run (100,000 marks: 5 to 10 s), and
// /\p{M}{31}/u itself restarts at every mark of every run (1 MB of 30-mark runs: over 1 s). A table
// lookup per UTF-16 unit keeps both linear. UAX #15's "stream-safe" limit is 30 marks in a row:
// no language needs more.

export const MAX_MARKS_IN_A_ROW = 30

// COMBINING GRAPHEME JOINER: a starter (combining class 0), so normalization's reordering stops at it.
const CGJ = '\u034f'
// Marks outside planes 0 and 1: only the variation selectors of plane 14.
const PLANE_14_MARKS = [0xe0100, 0xe01ef] as const

let table: Uint8Array | undefined

/** 1 for each code point of planes 0 and 1 that is a mark (\p{M}), built once on first use (~10 ms). */
function markTable(): Uint8Array {
  if (table) return table
  // Every code point of planes 0 and 1 as UTF-16, less the lone surrogates; the marks kept.
  const units = new Uint16Array(0x10000 - 0x800 + 0x20000)
  let n = 0
  for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) units[n++] = cp
  for (let cp = 0x10000; cp < 0x20000; cp++) {
    units[n++] = 0xd800 + ((cp - 0x10000) >> 10)
    units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff)
  }
  const onlyMarks = new TextDecoder('utf-16le').decode(units.subarray(0, n)).replace(/\P{M}+/gu, '')
  const marks = new Uint8Array(0x20000)
  for (const mark of onlyMarks) marks[mark.codePointAt(0)!] = 1
  table = marks
  return marks
}

/**
 * Calls `atLimit(index)` at each position where a mark would make a run longer than 30
 * (`index` is the UTF-16 offset of that mark); stops early when it returns false.
 */
function walkMarkRuns(text: string, atLimit: (index: number) => boolean): void {
  const marks = markTable()
  let run = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    let cp = unit
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) cp = text.codePointAt(i)!
    const isMark = cp < 0x20000 ? marks[cp] === 1 : cp >= PLANE_14_MARKS[0] && cp <= PLANE_14_MARKS[1]
    if (!isMark) run = 0
    else if (run < MAX_MARKS_IN_A_ROW) run++
    else {
      if (!atLimit(i)) return
      run = 1
    }
    if (cp > 0xffff) i++
  }
}

/** Whether `text` has more than 30 combining marks in a row. */
export function hasLongMarkRun(text: string): boolean {
  let found = false
  walkMarkRuns(text, () => {
    found = true
    return false
  })
  return found
}

/**
 * `text` in UAX #15's stream-safe format: a combining grapheme joiner after each 30 marks in a
 * row, so that normalizing it never reorders more than 30 marks at once. Unchanged if it has no
 * such run, as all real text.
 */
export function streamSafe(text: string): string {
  const pieces: string[] = []
  let from = 0
  walkMarkRuns(text, (index) => {
    pieces.push(text.slice(from, index), CGJ)
    from = index
    return true
  })
  if (pieces.length === 0) return text
  pieces.push(text.slice(from))
  return pieces.join('')
}
