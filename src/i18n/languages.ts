// The languages the site speaks: the six official languages of the United Nations, in the order
// the UN lists them in its own language switch (Arabic, Chinese, English, French, Russian, Spanish).

export const SITE_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const
export type SiteLanguage = (typeof SITE_LANGUAGES)[number]

/** The language of the site when neither the visitor's choice nor their browser names another. */
export const DEFAULT_LANGUAGE: SiteLanguage = 'en'

export function isSiteLanguage(value: unknown): value is SiteLanguage {
  return typeof value === 'string' && (SITE_LANGUAGES as readonly string[]).includes(value)
}

/** Each language named in itself, as a language switch offers it. */
export const LANGUAGE_AUTONYMS: Readonly<Record<SiteLanguage, string>> = {
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
}

/**
 * The BCP 47 tag of a page's `lang` attribute: Chinese is written in simplified characters here,
 * which also lets the browser pick the mainland glyph forms.
 */
export const HTML_LANG: Readonly<Record<SiteLanguage, string>> = {
  ar: 'ar',
  zh: 'zh-Hans',
  en: 'en',
  fr: 'fr',
  ru: 'ru',
  es: 'es',
}

/**
 * The locale `Intl` formats numbers, dates and lists in. Arabic keeps Western digits
 * (`-u-nu-latn`), as the UN's Arabic pages and the campaign's Arabic letters write them; English
 * writes dates day first, as the UN does ("20 September 1960").
 */
export const INTL_LOCALE: Readonly<Record<SiteLanguage, string>> = {
  ar: 'ar-u-nu-latn',
  zh: 'zh-Hans-CN',
  en: 'en-GB',
  fr: 'fr-FR',
  ru: 'ru-RU',
  es: 'es-ES',
}

export function textDirection(language: SiteLanguage): 'ltr' | 'rtl' {
  return language === 'ar' ? 'rtl' : 'ltr'
}
