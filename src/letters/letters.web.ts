import countries from 'i18n-iso-countries'
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' }
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' }
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' }
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' }
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' }
import { collator, DEFAULT_LANGUAGE, type SiteLanguage } from '../i18n/index.js'
import { foldForSearch } from '../lib/text.js'
import { createHandlebars } from '../plugins/view.js'
import type { LetterDocument } from './letter-document.js'
import { paperAttributes } from './letter-paper.js'
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

// The countries' names in the site's six languages (registering one twice is harmless).
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

let paperTemplate: HandlebarsTemplateDelegate | null = null

/** The letter partial alone (templates/partials/letter-paper.hbs), for the write form's live preview. */
export function renderLetterPaper(document: LetterDocument): string {
  paperTemplate ??= createHandlebars().compile('{{> letter-paper letter paper=paper}}')
  return paperTemplate({ letter: { document }, paper: paperAttributes(document) })
}
