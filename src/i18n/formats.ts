import { INTL_LOCALE, type SiteLanguage } from './languages.js'

// Numbers, dates and lists in a language, each formatter built once: Intl builds a new one on
// every toLocale…() call (~40 µs), and a page lists hundreds of figures and dates.

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.Collator>()

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.Collator>(
  key: string,
  build: () => T,
): T {
  let found = cache.get(key) as T | undefined
  if (!found) {
    found = build()
    cache.set(key, found)
  }
  return found
}

export function formatNumber(language: SiteLanguage, n: number): string {
  return cached(`n:${language}`, () => new Intl.NumberFormat(INTL_LOCALE[language])).format(n)
}

/**
 * A day in the reader's language, in UTC: "20 September 1960", "20 septembre 1960",
 * "1960年9月20日". Takes YYYY-MM-DD or an ISO timestamp; gives back what is not a date as it is.
 */
export function formatDate(language: SiteLanguage, iso: string, month: 'long' | 'short' = 'long'): string {
  const key = `${language}:${month}:${iso}`
  let text = formattedDates.get(key)
  if (text === undefined) {
    text = formatDateAnew(language, iso, month)
    if (formattedDates.size >= DATES_KEPT) formattedDates.clear()
    formattedDates.set(key, text)
  }
  return text
}

// A page shows the same few dates again and again (terms, versions, today): each kept formatted,
// up to DATES_KEPT, then the whole set is dropped and built again.
const DATES_KEPT = 5000
const formattedDates = new Map<string, string>()

function formatDateAnew(language: SiteLanguage, iso: string, month: 'long' | 'short'): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)
  if (Number.isNaN(date.getTime())) return iso
  return cached(
    `d:${language}:${month}`,
    () =>
      new Intl.DateTimeFormat(INTL_LOCALE[language], {
        day: 'numeric',
        month,
        year: 'numeric',
        timeZone: 'UTC',
      }),
  ).format(date)
}

/** A moment with its time, in UTC: "5 December 2026 at 14:30 UTC" in the reader's words. */
export function formatDateTime(language: SiteLanguage, iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return cached(
    `dt:${language}`,
    () =>
      new Intl.DateTimeFormat(INTL_LOCALE[language], {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone: 'UTC',
      }),
  ).format(date)
}

/** "A, B and C" in the reader's language. */
export function formatList(language: SiteLanguage, items: readonly string[]): string {
  return cached(
    `l:${language}`,
    () => new Intl.ListFormat(INTL_LOCALE[language], { style: 'long', type: 'conjunction' }),
  ).format(items)
}

/** Sorts names as a reader of the language expects (accents, and Chinese by pinyin). */
export function collator(language: SiteLanguage): Intl.Collator {
  return cached(`c:${language}`, () => new Intl.Collator(INTL_LOCALE[language], { sensitivity: 'base' }))
}

// Each name's place in its language's order, kept: the same 195 state names are sorted on every
// page that lists states, and comparing them through ICU each time cost more than the rest of the
// page. A name not seen before re-ranks the language's names once (names change rarely).
const ranks = new Map<SiteLanguage, Map<string, number>>()

/** `items` sorted by `nameOf` in the language's order (a new array), as `collator` would sort them. */
export function sortByName<T>(language: SiteLanguage, items: readonly T[], nameOf: (item: T) => string): T[] {
  let rank = ranks.get(language)
  if (!rank || items.some((item) => !rank?.has(nameOf(item)))) {
    const names = new Set([...(rank?.keys() ?? []), ...items.map(nameOf)])
    const compare = collator(language).compare
    rank = new Map([...names].sort(compare).map((name, index) => [name, index]))
    ranks.set(language, rank)
  }
  const known = rank
  return [...items].sort((a, b) => (known.get(nameOf(a)) ?? 0) - (known.get(nameOf(b)) ?? 0))
}
