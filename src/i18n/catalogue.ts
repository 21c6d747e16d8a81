import fs from 'node:fs'
import path from 'node:path'
import { IntlMessageFormat } from 'intl-messageformat'
import { projectPath } from '../lib/paths.js'
import { DEFAULT_LANGUAGE, INTL_LOCALE, SITE_LANGUAGES, type SiteLanguage } from './languages.js'

// The message catalogues: `locales/<language>/<namespace>.json`, each a tree of ICU MessageFormat
// strings, read once, flattened to keys such as `home.ask.title`, each compiled on first use.
//
// @NOTE a key whose last part ends in `_html` is a message written with markup (a link inside a
// sentence); the view's helper escapes its arguments and leaves the message's own markup. Every
// other message is plain text, escaped where it is shown.

export const LOCALES_DIR = projectPath('locales')

/** Arguments of a message: numbers for plurals and `{n, number}`, strings for the rest. */
export type MessageArgs = Record<string, string | number | Date | null | undefined>

/** A message in one language: `t('home.ask.title')`, `t('progress.count', { count: 3 })`. */
export type Translate = (key: string, args?: MessageArgs) => string

type Flat = Map<string, string>

let catalogues: Map<SiteLanguage, Flat> | null = null
const compiled = new Map<string, IntlMessageFormat>()
// A message without arguments is the same text every time: kept once formatted, per language.
// @NOTE a page's table repeats such labels per row (the list of states: five per state, 195
// states), and formatting each again made that page 14% slower in Russian than in English.
const plain = new Map<SiteLanguage, Map<string, string>>()
// A message with arguments, kept formatted for the same arguments: a page formats the same few
// (its state's name, its counts) on every request. Bounded: arguments may come from a visitor.
const filled = new Map<string, string>()
const MOST_FILLED = 2000

/** Every message of one language, by key (read from disk once). */
export function catalogue(language: SiteLanguage): ReadonlyMap<string, string> {
  catalogues ??= loadAll()
  return catalogues.get(language) ?? new Map()
}

/** The namespaces of a language's catalogue (its files), for the completeness tests. */
export function catalogueFiles(language: SiteLanguage): string[] {
  const dir = path.join(LOCALES_DIR, language)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
}

function loadAll(): Map<SiteLanguage, Flat> {
  const all = new Map<SiteLanguage, Flat>()
  for (const language of SITE_LANGUAGES) {
    const flat: Flat = new Map()
    for (const file of catalogueFiles(language)) {
      const tree = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, file), 'utf8')) as unknown
      flatten(tree, path.basename(file, '.json'), flat)
    }
    all.set(language, flat)
  }
  return all
}

function flatten(node: unknown, prefix: string, into: Flat): void {
  if (typeof node === 'string') {
    into.set(prefix, node)
    return
  }
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) flatten(value, `${prefix}.${key}`, into)
    return
  }
  throw new Error(`locales: ${prefix} is neither a message nor a group of messages`)
}

/**
 * The message `key` in `language` with its arguments filled in. A key the language's catalogue
 * lacks falls back to English (the completeness tests keep that from happening); a key English
 * lacks is a programming error and throws, so a page using it fails its tests at once.
 */
export function translate(language: SiteLanguage, key: string, args?: MessageArgs): string {
  const withoutArgs = args === undefined || isEmpty(args)
  if (withoutArgs) {
    const known = plain.get(language)?.get(key)
    if (known !== undefined) return known
  }
  const filledKey = withoutArgs ? null : argumentsKey(language, key, args)
  if (filledKey) {
    const known = filled.get(filledKey)
    if (known !== undefined) return known
  }
  let format = compiled.get(`${language}\u0000${key}`)
  if (!format) {
    const own = catalogue(language).get(key)
    const used = own === undefined ? DEFAULT_LANGUAGE : language
    const message = own ?? catalogue(DEFAULT_LANGUAGE).get(key)
    if (message === undefined) throw new Error(`No message "${key}" in locales/en`)
    // ignoreTag: markup in `_html` messages is text to ICU; the view escapes what goes into it.
    format = new IntlMessageFormat(message, INTL_LOCALE[used], undefined, { ignoreTag: true })
    compiled.set(`${language}\u0000${key}`, format)
  }
  const result = format.format(args as Record<string, string | number | Date>)
  const text = Array.isArray(result) ? result.join('') : String(result)
  if (withoutArgs) {
    let known = plain.get(language)
    if (!known) {
      known = new Map()
      plain.set(language, known)
    }
    known.set(key, text)
  } else if (filledKey) {
    if (filled.size >= MOST_FILLED) filled.clear()
    filled.set(filledKey, text)
  }
  return text
}

/** The key a formatted message is kept under, or null where an argument is not a plain value (a Date). */
function argumentsKey(language: SiteLanguage, key: string, args: MessageArgs): string | null {
  let id = `${language}\u0000${key}`
  for (const name in args) {
    const value = args[name]
    // The type is part of the key: "3" and 3 choose different plural forms.
    if (typeof value === 'string') id += `\u0000${name}\u0001s${value}`
    else if (typeof value === 'number') id += `\u0000${name}\u0001n${value}`
    else if (value === null) id += `\u0000${name}\u0001-`
    else if (value === undefined) id += `\u0000${name}\u0001_`
    else return null
  }
  return id
}

function isEmpty(args: MessageArgs): boolean {
  for (const _ in args) return false
  return true
}

/** `translate` bound to one language, for code that speaks to one reader. */
export function translator(language: SiteLanguage): Translate {
  return (key, args) => translate(language, key, args)
}

/** English: what the JSON API, the organizers' area and scripts say. */
export const english: Translate = translator(DEFAULT_LANGUAGE)
