import countries from 'i18n-iso-countries'
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' }
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' }
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' }
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' }
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' }
import { collator } from './formats.js'
import { DEFAULT_LANGUAGE, type SiteLanguage } from './languages.js'

// The world's countries named in the site's six languages, for the sender's address on the
// write form and the join form (registering a locale twice is harmless).
for (const locale of [en, fr, es, ar, zh, ru]) countries.registerLocale(locale)

const countryOptions = new Map<SiteLanguage, { code: string; name: string }[]>()

/** Every country by its name in `language`, in that language's order, for the sender's address. */
export function listCountryOptions(
  language: SiteLanguage = DEFAULT_LANGUAGE,
): { code: string; name: string }[] {
  let options = countryOptions.get(language)
  if (!options) {
    const compare = collator(language).compare
    options = Object.entries(countries.getNames(language, { select: 'official' }))
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => compare(a.name, b.name))
    countryOptions.set(language, options)
  }
  return options
}

/** A country's official name in `language` (ISO 3166-1 alpha-2 `code`); undefined for an unknown code. */
export function countryNameIn(language: SiteLanguage, code: string): string | undefined {
  return countries.getName(code, language, { select: 'official' })
}
