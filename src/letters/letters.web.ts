import countries from 'i18n-iso-countries'
import { foldForSearch } from '../lib/text.js'
import type { LetterView } from './letters.service.js'

// Small helpers the letters' pages and API share.

/** "letter-to-france-CB-7K3M9Q.pdf": ASCII only, safe in a Content-Disposition header. */
export function pdfFileName(letter: Pick<LetterView, 'state' | 'reference'>): string {
  const slug = foldForSearch(letter.state.name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
  return `letter-to-${slug || letter.state.iso3.toLowerCase()}-${letter.reference}.pdf`
}

let countryOptions: { code: string; name: string }[] | null = null

/** Every country by its English name, for the sender's address. */
export function listCountryOptions(): { code: string; name: string }[] {
  countryOptions ??= Object.entries(countries.getNames('en', { select: 'official' }))
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'))
  return countryOptions
}
