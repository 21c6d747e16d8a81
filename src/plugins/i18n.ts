import accepts from '@fastify/accepts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  DEFAULT_LANGUAGE,
  HTML_LANG,
  isSiteLanguage,
  LANGUAGE_AUTONYMS,
  SITE_LANGUAGES,
  type SiteLanguage,
  type Translate,
  textDirection,
  translator,
} from '../i18n/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The language this request is answered in (see languageOf). */
    siteLanguage: SiteLanguage
    /** Messages in that language. */
    t: Translate
  }
}

/** The cookie that keeps a visitor's explicit choice of language (a year; not personal data). */
export const LANGUAGE_COOKIE = 'lang'
const ONE_YEAR_S = 365 * 24 * 3600

/**
 * Which language a request is answered in: the one its address names (`?lang=fr`, which a shared
 * link carries and the language switch sets), else the one the visitor chose before (a cookie
 * that `?lang=` sets), else the first of the browser's languages the site speaks
 * (Accept-Language), else English. The organizers' area, the JSON API and the API docs stay in
 * English for now.
 */
export function languageOf(request: FastifyRequest): SiteLanguage {
  const path = request.url.split('?', 1)[0] ?? '/'
  if (ENGLISH_ONLY.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return DEFAULT_LANGUAGE
  const asked = (request.query as { lang?: unknown } | undefined)?.lang
  if (isSiteLanguage(asked)) return asked
  const kept = request.cookies?.[LANGUAGE_COOKIE]
  if (isSiteLanguage(kept)) return kept
  // Without the header, `accepts` would answer the first language offered.
  if (!request.headers['accept-language']) return DEFAULT_LANGUAGE
  const preferred = request.languages([...NEGOTIATION_ORDER])
  return isSiteLanguage(preferred) ? preferred : DEFAULT_LANGUAGE
}

const ENGLISH_ONLY = ['/organizers', '/api', '/docs']
// English first: a browser that rates two languages the same ("*" included) gets English.
const NEGOTIATION_ORDER = [DEFAULT_LANGUAGE, ...SITE_LANGUAGES.filter((code) => code !== DEFAULT_LANGUAGE)]

/**
 * Gives every request its language (`request.siteLanguage`, `request.t`) and every page what its
 * layout needs for it: `lang`, `htmlLang`, `dir`, the language switch (plain links, working
 * without JavaScript) and the `hreflang` alternates.
 */
export const i18nPlugin = fp(
  async (app: FastifyInstance, options: { publicUrl: string }) => {
    await app.register(accepts)
    app.decorateRequest('siteLanguage', DEFAULT_LANGUAGE)
    app.decorateRequest('t', null as unknown as Translate)
    // After the view's own onRequest hook, which gives each reply its `locals`.
    app.addHook('onRequest', async (request, reply) => {
      const language = languageOf(request)
      request.siteLanguage = language
      request.t = translator(language)
      const asked = (request.query as { lang?: unknown } | undefined)?.lang
      if (isSiteLanguage(asked) && request.cookies?.[LANGUAGE_COOKIE] !== asked) {
        reply.setCookie(LANGUAGE_COOKIE, asked, {
          path: '/',
          maxAge: ONE_YEAR_S,
          sameSite: 'lax',
          secure: options.publicUrl.startsWith('https:'),
          httpOnly: true,
        })
      }
      const pageUrl = reply.locals?.pageUrl
      reply.locals = {
        ...reply.locals,
        ...languageLocals(request, language, options.publicUrl),
        // A shared page opens in the language it was shared in.
        ...(typeof pageUrl === 'string' && language !== DEFAULT_LANGUAGE
          ? { pageUrl: `${pageUrl}?lang=${language}` }
          : {}),
      }
    })
    // The same address answers in several languages: caches must keep them apart.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
        varyOn(reply, 'Accept-Language, Cookie')
      return payload
    })
  },
  { name: 'i18n', dependencies: ['@fastify/cookie'] },
)

function varyOn(reply: FastifyReply, fields: string): void {
  const current = reply.getHeader('vary')
  reply.header('vary', current ? `${String(current)}, ${fields}` : fields)
}

/** A link to the same page in `language`: the request's own query, its `lang` replaced. */
export function sameAddressIn(url: string, language: SiteLanguage): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?]
  const params = new URLSearchParams(query)
  params.set('lang', language)
  return `${path}?${params.toString()}`
}

/** Open Graph's locale (language_TERRITORY), for link previews. */
const OG_LOCALE: Record<SiteLanguage, string> = {
  ar: 'ar_AR',
  zh: 'zh_CN',
  en: 'en_GB',
  fr: 'fr_FR',
  ru: 'ru_RU',
  es: 'es_ES',
}

// The switch and the alternates of an address in a language, kept: every page builds them, from
// its address alone. Bounded: addresses come from visitors.
const localesKept = new Map<string, ReturnType<typeof buildLanguageLocals>>()
const MOST_LOCALES_KEPT = 1000

function languageLocals(request: FastifyRequest, language: SiteLanguage, publicUrl: string) {
  const key = `${language} ${publicUrl} ${request.url}`
  let locals = localesKept.get(key)
  if (!locals) {
    locals = buildLanguageLocals(request.url, language, publicUrl)
    if (localesKept.size >= MOST_LOCALES_KEPT) localesKept.clear()
    localesKept.set(key, locals)
  }
  return locals
}

function buildLanguageLocals(url: string, language: SiteLanguage, publicUrl: string) {
  const path = url.split(/[?#]/, 1)[0] ?? '/'
  return {
    lang: language,
    ogLocale: OG_LOCALE[language],
    htmlLang: HTML_LANG[language],
    dir: textDirection(language),
    // Forms and links of the framed flow carry it: a framed page may get no cookie (embed).
    langQuery: `lang=${language}`,
    languageSwitch: SITE_LANGUAGES.map((code) => ({
      code,
      htmlLang: HTML_LANG[code],
      name: LANGUAGE_AUTONYMS[code],
      href: sameAddressIn(url, code),
      current: code === language,
    })),
    // Search engines: the page in every language, and the address without a choice for the rest.
    alternates: [
      ...SITE_LANGUAGES.map((code) => ({
        hreflang: HTML_LANG[code],
        href: `${publicUrl}${path}?lang=${code}`,
      })),
      { hreflang: 'x-default', href: `${publicUrl}${path}` },
    ],
  }
}
