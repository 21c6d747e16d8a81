import fs from 'node:fs'
import path from 'node:path'
import view from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import Handlebars from 'handlebars'
import {
  DEFAULT_LANGUAGE,
  formatDate,
  formatNumber,
  isSiteLanguage,
  type MessageArgs,
  type SiteLanguage,
  translate,
} from '../i18n/index.js'
import { FIELD_LABELS } from '../lib/labels.js'
import { projectPath } from '../lib/paths.js'
import { phoneLinks } from '../lib/phone-links.js'
import { trimEndWhere } from '../lib/text-safety.js'
import { OG_IMAGE_SIZE, SITE_IMAGE_URLS } from './site-images.js'

const TEMPLATES = projectPath('templates')

declare module 'fastify' {
  interface FastifyReply {
    /** @fastify/view's per-reply data, merged under each page's own (not in its types). */
    locals: Record<string, unknown>
  }
}

/**
 * Helpers that need a domain module's knowledge (a state's name in a language, what a role may
 * do): given by the composition root (src/view-helpers.ts), since this plugin sits below every
 * module and imports none.
 */
export type DomainHelpers = Record<string, Handlebars.HelperDelegate>

/** A Handlebars instance of our own, with the helpers and partials every page may use. */
export function createHandlebars(domainHelpers: DomainHelpers = {}): typeof Handlebars {
  const hbs = Handlebars.create()
  for (const [name, helper] of Object.entries(domainHelpers)) hbs.registerHelper(name, helper)
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  // {{or og.title title}}: the first value given (Handlebars passes its options object last).
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).find((value) => Boolean(value)) ?? '')
  hbs.registerHelper('lowercase', (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : ''))
  registerLanguageHelpers(hbs)
  hbs.registerHelper('fieldLabel', (field: string) => FIELD_LABELS[field] ?? field)
  hbs.registerHelper('join', (items: unknown, separator: unknown) =>
    Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ', ') : '',
  )
  // A Blue Book phone field, one dialable tel: link per number (src/lib/phone-links.ts).
  hbs.registerHelper('phoneLinks', (field: string | null | undefined) => phoneLinks(field))
  // {{cssString value}}: a quoted CSS string (for a custom property in a style attribute); the
  // attribute's own escaping then happens as for any value.
  hbs.registerHelper(
    'cssString',
    (value: unknown) =>
      `"${String(value ?? '').replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\a ' : `\\${c}`))}"`,
  )
  hbs.registerHelper('year', (iso: string | null | undefined) => (iso ? iso.slice(0, 4) : ''))
  registerFragmentCache(hbs)
  const partials = path.join(TEMPLATES, 'partials')
  for (const file of fs.readdirSync(partials)) {
    if (file.endsWith('.hbs'))
      hbs.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(partials, file), 'utf8'))
  }
  return hbs
}

/** The language a template is rendered in: its data's `lang` (the request's, or an e-mail's reader's). */
export function languageOfTemplate(options: Handlebars.HelperOptions): SiteLanguage {
  const lang = (options.data?.root as { lang?: unknown } | undefined)?.lang
  return isSiteLanguage(lang) ? lang : DEFAULT_LANGUAGE
}

/**
 * Helpers that write in the template's language (`lang` in its data):
 * - `{{t "home.ask.title" count=3}}`: a message from locales/<lang>/, escaped like any value;
 *   a key ending in `_html` keeps the message's own markup and escapes only its arguments;
 * - `{{number n}}`, `{{longDate iso}}`, `{{shortDate iso}}`: through Intl, in that language;
 * - `{{groupLabel code}}`, `{{languageLabel code}}`: the catalogue's names for codes.
 */
function registerLanguageHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => {
    const language = languageOfTemplate(options)
    const hash = (options.hash ?? {}) as MessageArgs
    if (!key.endsWith('_html')) return translate(language, key, hash)
    const escaped: MessageArgs = {}
    for (const [name, value] of Object.entries(hash))
      escaped[name] = typeof value === 'string' ? hbs.escapeExpression(value) : value
    return new hbs.SafeString(translate(language, key, escaped))
  })
  hbs.registerHelper('number', (n: unknown, options: Handlebars.HelperOptions) =>
    typeof n === 'number' ? formatNumber(languageOfTemplate(options), n) : '',
  )
  hbs.registerHelper('longDate', (iso: string | null | undefined, options: Handlebars.HelperOptions) =>
    iso ? formatDate(languageOfTemplate(options), iso) : '',
  )
  hbs.registerHelper('shortDate', (iso: string | null | undefined, options: Handlebars.HelperOptions) =>
    iso ? formatDate(languageOfTemplate(options), iso, 'short') : '',
  )
  hbs.registerHelper('groupLabel', (code: string | null, options: Handlebars.HelperOptions) =>
    code ? translate(languageOfTemplate(options), `common.groups.${code}`) : '',
  )
  hbs.registerHelper('languageLabel', (code: string, options: Handlebars.HelperOptions) =>
    isSiteLanguage(code) ? translate(languageOfTemplate(options), `common.languages.${code}`) : code,
  )
}

/**
 * A part of a page rendered once and reused while what it shows is the same: the route gives a
 * key (all the part's inputs that are not in `parts`: language, filters, date) and `parts`, the
 * objects it shows, which must be the very same objects (by identity) for the stored HTML to
 * serve. The directory's rows are such objects: kept in a snapshot until the data under it
 * changes (directory-snapshot.ts), then replaced, so a change shows at once.
 */
export interface FragmentKey {
  readonly key: string
  readonly parts: readonly object[]
}

// @NOTE the list of states renders 195 rows of five cells on every request; kept, the page costs
// about a third of the CPU time, and the same in every language (README, "Benchmarks").
const FRAGMENTS_KEPT = 64

/** `{{#fragment key}}…{{/fragment}}`: the block's HTML kept for `key` (a FragmentKey, or null: not kept). */
function registerFragmentCache(hbs: typeof Handlebars): void {
  const kept = new Map<string, { parts: readonly object[]; html: string }>()
  hbs.registerHelper(
    'fragment',
    function (this: unknown, key: FragmentKey | null, options: Handlebars.HelperOptions) {
      if (!key) return options.fn(this)
      const found = kept.get(key.key)
      if (found && sameObjects(found.parts, key.parts)) return new hbs.SafeString(found.html)
      const html = options.fn(this)
      kept.delete(key.key)
      kept.set(key.key, { parts: key.parts, html })
      // The oldest first: a Map iterates in insertion order.
      if (kept.size > FRAGMENTS_KEPT) kept.delete(kept.keys().next().value as string)
      return new hbs.SafeString(html)
    },
  )
  // `{{#fragment (staticFragment "site-footer")}}`: a part that depends on the page's language only.
  hbs.registerHelper('staticFragment', (name: string, options: Handlebars.HelperOptions) => ({
    key: `${name}|${languageOfTemplate(options)}`,
    parts: NOTHING_SHOWN,
  }))
}

// The same words on every page in a language (the site's navigation, its footer): kept per language.
const NOTHING_SHOWN: readonly object[] = []

function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

/** What a page says of itself in search results and link previews when its data gives nothing. */
export const DEFAULT_DESCRIPTION = translate(DEFAULT_LANGUAGE, 'common.defaultDescription')

export interface ViewOptions {
  /** PUBLIC_URL: og:url and og:image are absolute addresses on it. */
  readonly publicUrl: string
  /** The domain modules' helpers (src/view-helpers.ts). */
  readonly helpers?: DomainHelpers
}

/**
 * Server-rendered pages: `reply.viewAsync('pages/x.hbs', data)` inside the main layout.
 *
 * The layout's head reads from the page's data: `title`; `description` (the meta description and
 * the link preview's text, DEFAULT_DESCRIPTION when absent); `og: { title, description }` to give
 * a link preview other words than the page's own. Every page gets og:* and twitter:* tags with
 * the site's card image and its own address (`pageUrl`, PUBLIC_URL + the request's path).
 */
export const viewPlugin = fp(async (app: FastifyInstance, options: ViewOptions) => {
  const publicUrl = options.publicUrl
  await app.register(view, {
    engine: { handlebars: createHandlebars(options.helpers) },
    root: TEMPLATES,
    layout: 'layouts/main.hbs',
    defaultContext: {
      icons: {
        svg: SITE_IMAGE_URLS['/favicon.svg'],
        ico: SITE_IMAGE_URLS['/favicon.ico'],
        touch: SITE_IMAGE_URLS['/apple-touch-icon.png'],
      },
      ogImage: { url: publicUrl + SITE_IMAGE_URLS['/og-image.png'], ...OG_IMAGE_SIZE },
    },
    // Templates are read once and kept; in development restart to see a change.
    production: true,
  })
  // After @fastify/view's own hook, which gives each reply its empty `locals`.
  app.addHook('onRequest', async (request, reply) => {
    reply.locals = { ...reply.locals, pageUrl: publicUrl + pagePath(request.url) }
  })
})

/** The request's path without its query (which may carry a token) or a trailing slash. */
function pagePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '/'
  return path.length > 1 && path.endsWith('/') ? trimEndWhere(path, (char) => char === '/') || '/' : path
}
