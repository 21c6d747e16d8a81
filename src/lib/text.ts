import { normalizeNfd } from './text-safety.js'

/**
 * Text folded for searching: no accents, lower case, one kind of apostrophe, single spaces.
 * "Côte d’Ivoire" and "cote d'ivoire" fold to the same string.
 */
export function foldForSearch(text: string): string {
  return normalizeNfd(text)
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

/** `text` as a regular expression that matches it literally (every special character escaped). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
