import { FAMILIES, type Face, type Family, faceOf, PRIMARY, type Weight } from './font-catalog.js'

/** A stretch of text set in one face: `start` and `end` are UTF-16 offsets into the text. */
export interface FontRun {
  start: number
  end: number
  face: Face
}

// Characters with no script of their own (spaces, digits, punctuation) and combining marks
// follow the text around them, so "محمد، 2019" keeps its comma in the Arabic face.
const SHARED = /[\p{scx=Zyyy}\p{scx=Zinh}]/u
// Joiners, variation selectors and other invisible format characters: printed by nothing, never
// refused where no face has a glyph for them.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u
// Line breaks and tabs are layout, not glyphs: the typesetter breaks lines on them.
const LAYOUT_CONTROL = /[\t\n\r\f\v\u2028\u2029]/u

// Characters Latin, Greek or Cyrillic text uses too, though other scripts claim them as well (the
// middle dot "·" is also Georgian and Han).
const PRIMARY_SCRIPTS = /[\p{scx=Latn}\p{scx=Grek}\p{scx=Cyrl}]/u

/**
 * The families that may set `char`, best first: its script's own, then Noto Serif; Noto Serif
 * first for a character Latin, Greek or Cyrillic also use, so the "·" of an Arabic letter's
 * running head does not bring in the Georgian face.
 */
function candidates(char: string): Family[] {
  const own = FAMILIES.filter((family) => family.scripts?.test(char) && family !== PRIMARY)
  return PRIMARY_SCRIPTS.test(char) ? [PRIMARY, ...own] : [...own, PRIMARY]
}

function covers(face: Face, codePoint: number): boolean {
  return face.font.hasGlyphForCodePoint(codePoint)
}

/** The face for one character after `previous`, or null where no bundled face has it. */
function faceFor(char: string, previous: Face | null, weight: Weight): Face | null {
  const codePoint = char.codePointAt(0) as number
  if (previous && SHARED.test(char) && covers(previous, codePoint)) return previous
  const families = candidates(char)
  // Punctuation two scripts share (。、「」 are Han and Hangul alike) stays with the text it
  // follows: in a Chinese sentence the Chinese face, after Hangul the Korean one.
  if (previous && families.includes(previous.family) && covers(previous, codePoint)) return previous
  for (const family of families) {
    const face = faceOf(family, weight)
    if (covers(face, codePoint)) return face
    // A bold face may lack a character its regular face has: the regular one prints it.
    if (weight !== 'regular') {
      const regular = faceOf(family, 'regular')
      if (covers(regular, codePoint)) return regular
    }
  }
  return null
}

/**
 * Splits `text` into runs, each set in one face, by script: "محمد Ahmed 王小明" gives an Arabic,
 * a Latin and a Chinese run (spaces joining the run before them). A character no face has stays
 * in the run around it: what a supporter types is checked with `uncoveredCharacters` before it is
 * accepted, so only data from elsewhere (a Blue Book name) could still print as a box, never fail
 * the letter.
 */
export function fontRuns(text: string, weight: Weight): FontRun[] {
  const runs: FontRun[] = []
  let current: FontRun | null = null
  let offset = 0
  for (const char of text) {
    const face = faceFor(char, current?.face ?? null, weight)
    if (current && (face === null || face === current.face)) {
      current.end = offset + char.length
    } else {
      current = { start: offset, end: offset + char.length, face: face ?? faceOf(PRIMARY, weight) }
      runs.push(current)
    }
    offset += char.length
  }
  return runs
}

/** True where `text` is all in Noto Serif: pdfkit's own line breaking sets it as it always has. */
export function isPrimaryOnly(text: string, weight: Weight): boolean {
  const face = faceOf(PRIMARY, weight)
  for (const char of text) {
    if (!covers(face, char.codePointAt(0) as number)) return false
  }
  return true
}

/**
 * The distinct characters of `text` that no bundled face can print (in regular or bold), in
 * order of first appearance; empty when all can be printed.
 */
export function uncoveredCharacters(text: string): string[] {
  const missing = new Set<string>()
  let previous: Face | null = null
  for (const char of text) {
    if (missing.has(char) || LAYOUT_CONTROL.test(char)) continue
    const face = faceFor(char, previous, 'regular')
    if (face === null) {
      if (!IGNORABLE.test(char)) missing.add(char)
      continue
    }
    previous = face
  }
  return [...missing]
}

/** "U+1F600 😀": how a refusal names a character a person may not be able to see. */
export function describeCharacter(char: string): string {
  const hex = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')
  return `U+${hex} ${char}`
}
