import type { AskModeration, HeldBecause } from '../db/schema.js'
import { escapeRegExp } from '../lib/text.js'
import { normalizeNfkc } from '../lib/text-safety.js'

// Whether a confirmed e-mail letter waits for an organizer before the outbox: the ask's setting,
// the writer's history and the list of words and phrases, as pure functions (no database).

/** A term as it is listed and matched: NFKC (full-width and compatibility forms folded), lower case. */
export function normalizeForMatching(text: string): string {
  return normalizeNfkc(text).toLocaleLowerCase('und').replace(/\s+/gu, ' ').trim()
}

// Scripts written without spaces between words: a term in them is found anywhere in the text.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]'

/**
 * Whether `normalizedText` (normalizeForMatching) carries `normalizedTerm`: as a substring for a
 * term in Chinese (or another unspaced script), else on whole words, so that "war" is not found
 * in "software" nor "حرب" in a longer word.
 */
export function containsTerm(normalizedText: string, normalizedTerm: string): boolean {
  if (!normalizedTerm) return false
  if (UNSPACED.test(normalizedTerm)) return normalizedText.includes(normalizedTerm)
  const escaped = escapeRegExp(normalizedTerm)
  return new RegExp(`(?<!${WORD_CHAR})${escaped}(?!${WORD_CHAR})`, 'u').test(normalizedText)
}

/** What the writer typed, each field that goes into the letter from them. */
export interface TypedText {
  personalNote: string | null
  name: string
  organization: string | null
  role: string | null
  addressLines: readonly string[]
  city: string | null
}

/** The listed terms (as listed) found in anything the writer typed. */
export function termsFound(
  typed: TypedText,
  terms: readonly { term: string; normalized: string }[],
): string[] {
  const text = normalizeForMatching(
    [typed.personalNote, typed.name, typed.organization, typed.role, ...typed.addressLines, typed.city]
      .filter((v): v is string => typeof v === 'string' && v.length > 0)
      .join('\n'),
  )
  return terms.filter((t) => containsTerm(text, t.normalized)).map((t) => t.term)
}

export type HoldDecision = { because: HeldBecause; terms: string[] } | null

/**
 * Why a letter is held, or null to send it. A listed term holds whatever the ask's setting. With
 * no paragraph of the writer's own, the body is the campaign's text: nothing to read first.
 */
export function holdDecision(input: {
  moderation: AskModeration
  typed: TypedText
  terms: readonly { term: string; normalized: string }[]
  /** The writer's address has a letter sent (or approved at review) before this one. */
  returningWriter: boolean
}): HoldDecision {
  const found = termsFound(input.typed, input.terms)
  if (found.length > 0) return { because: 'term', terms: found }
  if (!input.typed.personalNote?.trim()) return null
  if (input.moderation === 'all') return { because: 'all', terms: [] }
  if (input.moderation === 'first_time' && !input.returningWriter) return { because: 'first_time', terms: [] }
  return null
}

/** The lines of a personal paragraph an organizer may take out (its non-blank lines, numbered from 0). */
export function noteLines(note: string | null): string[] {
  return (note ?? '').split(/\r?\n/)
}

/**
 * The paragraph without the lines numbered in `remove` (indexes of noteLines), and the text taken
 * out. Blank lines stay where they were, so the paragraphs left keep their breaks.
 */
export function withoutLines(
  note: string,
  remove: readonly number[],
): { note: string | null; removed: string[] } {
  const lines = noteLines(note)
  const drop = new Set(remove)
  const removed = lines.filter((line, i) => drop.has(i) && line.trim() !== '')
  const kept = lines.filter((_, i) => !drop.has(i))
  const text = kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return { note: text === '' ? null : text, removed }
}

/**
 * `text` cut into runs, those that are one of `terms` marked, for the review queue to highlight
 * (matched as containsTerm matches, on the text as typed).
 */
export function markTerms(text: string, terms: readonly string[]): { text: string; mark: boolean }[] {
  // Each term its own regex (no alternation of them all): where two overlap, they mark as one run.
  const spans: [number, number][] = []
  for (const term of terms.map((t) => normalizeForMatching(t)).filter(Boolean)) {
    const escaped = escapeRegExp(term).replace(/ /g, '\\s+')
    const pattern = UNSPACED.test(term)
      ? new RegExp(`${escaped}`, 'giu')
      : new RegExp(`(?<!${WORD_CHAR})${escaped}(?!${WORD_CHAR})`, 'giu')
    for (const match of text.matchAll(pattern)) spans.push([match.index, match.index + match[0].length])
  }
  if (spans.length === 0 || text === '') return [{ text, mark: false }]
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const runs: { text: string; mark: boolean }[] = []
  let last = 0
  for (const [start, end] of spans) {
    if (end <= last) continue
    const from = Math.max(start, last)
    if (from > last) runs.push({ text: text.slice(last, from), mark: false })
    const previous = runs.at(-1)
    if (previous?.mark && from === last) previous.text += text.slice(from, end)
    else runs.push({ text: text.slice(from, end), mark: true })
    last = end
  }
  if (last < text.length) runs.push({ text: text.slice(last), mark: false })
  return runs
}
