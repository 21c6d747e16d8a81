/**
 * A date as an English reader expects it, in UTC: "20 September 1960" (or "20 Sept 1960" with
 * `month: 'short'`). Takes YYYY-MM-DD or an ISO timestamp; gives back what is not a date as it is.
 */
export function englishDate(iso: string, month: 'long' | 'short' = 'long'): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)
  if (Number.isNaN(date.getTime())) return iso
  return ENGLISH_DATE[month].format(date)
}

// @NOTE toLocaleDateString builds a new formatter on every call (~40 µs); pages list hundreds of
// dates, so each format is built once.
const ENGLISH_DATE = {
  long: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  short: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }),
}
