// The site's languages: what other modules use of i18n.
export {
  catalogue,
  catalogueFiles,
  english,
  LOCALES_DIR,
  type MessageArgs,
  type Translate,
  translate,
  translator,
} from './catalogue.js'
export { countryNameIn, listCountryOptions } from './countries.js'
export { collator, formatDate, formatDateTime, formatList, formatNumber, sortByName } from './formats.js'
export {
  DEFAULT_LANGUAGE,
  HTML_LANG,
  INTL_LOCALE,
  isSiteLanguage,
  LANGUAGE_AUTONYMS,
  SITE_LANGUAGES,
  type SiteLanguage,
  textDirection,
} from './languages.js'
