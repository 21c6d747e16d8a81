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
