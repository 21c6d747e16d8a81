import { normalizeNfc } from '../lib/text-safety.js'

// Text repair and name normalisation for the Blue Book import. Pure: no I/O.

/**
 * cp1252's characters for bytes 0x80-0x9F, in byte order (the WHATWG index; the five bytes it
 * leaves undefined stand for themselves). @NOTE Node 20.18.3+ decodes windows-1252 as Latin-1
 * there (nodejs/node#60888), so the decoder alone cannot be trusted.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

/**
 * What each character stands for as one byte, for text that was UTF-8 but got decoded as a
 * single-byte charset. The Blue Book has both flavours: cp1252 ("â€™", 0x80 read as "€") and
 * Latin-1 (0x80-0x9F read as C1 control characters, as in "Ä\u0087" for "ć").
 */
const BYTE_OF: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>()
  const cp1252 = new TextDecoder('windows-1252')
  for (let byte = 0; byte < 256; byte++) map.set(cp1252.decode(new Uint8Array([byte])), byte)
  for (let byte = 0x80; byte < 0xa0; byte++) {
    map.set(CP1252_HIGH[byte - 0x80]!, byte)
    map.set(String.fromCharCode(byte), byte)
  }
  return map
})()

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** How many bytes a UTF-8 sequence starting with `byte` has; 0 if it cannot start one. */
function sequenceLength(byte: number): number {
  if (byte >= 0xc2 && byte <= 0xdf) return 2
  if (byte >= 0xe0 && byte <= 0xef) return 3
  if (byte >= 0xf0 && byte <= 0xf4) return 4
  return 0
}

const isContinuation = (char: string | undefined): boolean => {
  const byte = char === undefined ? undefined : BYTE_OF.get(char)
  return byte !== undefined && byte >= 0x80 && byte <= 0xbf
}

function repairOnce(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const char = text[i]!
    const length = sequenceLength(BYTE_OF.get(char) ?? 0)
    if (length > 0) {
      const tail = text.slice(i + 1, i + length)
      if (tail.length === length - 1 && [...tail].every(isContinuation)) {
        const bytes = Uint8Array.from([char, ...tail], (c) => BYTE_OF.get(c)!)
        try {
          out += strictUtf8.decode(bytes)
          i += length
          continue
        } catch {
          // Not valid UTF-8 (e.g. an overlong form): the characters were meant as they are.
        }
      }
    }
    out += char
    i++
  }
  return out
}

/**
 * Repairs UTF-8 text that was read as cp1252 or Latin-1 ("CÃ´te" -> "Côte", "â€™" -> "’").
 * Only a lead character followed by the right number of continuation characters that together
 * decode as valid UTF-8 is replaced, so correct text ("Côte d'Ivoire", "Tōnē") is left alone.
 * Repeats for text that was double-encoded twice; the result is NFC.
 */
export function repairMojibake(text: string): string {
  let current = text
  for (let round = 0; round < 3; round++) {
    const next = repairOnce(current)
    if (next === current) break
    current = next
  }
  return normalizeNfc(current)
}

/** True if the text holds what looks like UTF-8 read as cp1252: a lead byte, then a continuation. */
export function hasMojibakeMarkers(text: string): boolean {
  const chars = [...text]
  return chars.some((char, i) => sequenceLength(BYTE_OF.get(char) ?? 0) > 0 && isContinuation(chars[i + 1]))
}

/** Repaired, NFC, whitespace collapsed (NBSP included) and trimmed. */
export function cleanText(text: string): string {
  return repairMojibake(text)
    .replace(/[\s\u00a0\u2007\u202f]+/g, ' ')
    .trim()
}

/**
 * The apostrophe written straight: the directory (the seed's names, the Blue Book's own
 * MC_EntityBB) spells "Côte d'Ivoire" with U+0027, its addresses with U+2019. One spelling keeps
 * mission names and state names alike. U+02BC (a letter in Tongan or Hawaiian names) is kept.
 */
export function straightenApostrophes(text: string): string {
  return text.replace(/[\u2018\u2019]/g, "'")
}

/**
 * The key two names are compared by: repaired, NFC, case-folded, one kind of apostrophe, quote,
 * hyphen and space. It removes no words and no accents: "Sao Tome" and "São Tomé" stay apart
 * (the seed lists both spellings as aliases where the Blue Book uses both).
 */
export function nameKey(name: string): string {
  return cleanText(name)
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2010\u2011\u2012\u2013]/g, '-')
    .toLowerCase()
}
