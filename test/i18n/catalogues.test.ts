import fs from 'node:fs'
import path from 'node:path'
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser'
import { describe, expect, it } from 'vitest'
import {
  catalogue,
  catalogueFiles,
  INTL_LOCALE,
  LOCALES_DIR,
  SITE_LANGUAGES,
  type SiteLanguage,
  translate,
} from '../../src/i18n/index.js'

// The catalogues are complete and consistent: every language has English's keys and no others,
// each message with the same arguments, none empty, none left in English unless listed as the
// same on purpose (locales/same-as-english.json), plural forms the language has, markup only in
// `_html` messages.

const OTHERS = SITE_LANGUAGES.filter((language) => language !== 'en')
const english = catalogue('en')
const sameAsEnglish = JSON.parse(
  fs.readFileSync(path.join(LOCALES_DIR, 'same-as-english.json'), 'utf8'),
) as Record<string, string[]>

/** Every argument a message uses, with its kind: `count:plural`, `name:argument`. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument) into.add(`${element.value}:argument`)
    if (element.type === TYPE.number) into.add(`${element.value}:number`)
    if (element.type === TYPE.date || element.type === TYPE.time) into.add(`${element.value}:date`)
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      into.add(`${element.value}:${element.type === TYPE.plural ? 'plural' : 'select'}`)
      for (const option of Object.values(element.options)) argumentsOf(option.value, into)
    }
  }
  return into
}

function pluralsOf(elements: MessageFormatElement[], into: string[][] = []): string[][] {
  for (const element of elements) {
    if (element.type === TYPE.plural) {
      into.push(Object.keys(element.options))
      for (const option of Object.values(element.options)) pluralsOf(option.value, into)
    }
    if (element.type === TYPE.select)
      for (const option of Object.values(element.options)) pluralsOf(option.value, into)
  }
  return into
}

describe('the message catalogues', () => {
  it('English has messages, in files each language has too', () => {
    expect(english.size).toBeGreaterThan(100)
    for (const language of OTHERS) expect(catalogueFiles(language), language).toEqual(catalogueFiles('en'))
  })

  it.each(OTHERS)('%s has every English key and no other', (language) => {
    const own = catalogue(language)
    const missing = [...english.keys()].filter((key) => !own.has(key))
    const extra = [...own.keys()].filter((key) => !english.has(key))
    expect(missing, `missing in ${language}`).toEqual([])
    expect(extra, `not in English`).toEqual([])
  })

  it.each(SITE_LANGUAGES)('%s: every message parses, with the same arguments as in English', (language) => {
    const wrong: string[] = []
    for (const [key, message] of catalogue(language)) {
      const reference = english.get(key)
      if (reference === undefined) continue
      const own = [...argumentsOf(parse(message, { ignoreTag: true }))].sort()
      const expected = [...argumentsOf(parse(reference, { ignoreTag: true }))].sort()
      if (own.join() !== expected.join()) wrong.push(`${key}: ${own.join(' ')} ≠ ${expected.join(' ')}`)
    }
    expect(wrong).toEqual([])
  })

  it.each(SITE_LANGUAGES)('%s: plurals use the forms the language has, always with "other"', (language) => {
    const categories = new Set(new Intl.PluralRules(INTL_LOCALE[language]).resolvedOptions().pluralCategories)
    const wrong: string[] = []
    for (const [key, message] of catalogue(language)) {
      for (const options of pluralsOf(parse(message, { ignoreTag: true }))) {
        if (!options.includes('other')) wrong.push(`${key}: no "other"`)
        for (const option of options)
          if (!option.startsWith('=') && !categories.has(option as Intl.LDMLPluralRule))
            wrong.push(`${key}: "${option}" is not a plural form of ${language}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it.each(SITE_LANGUAGES)('%s: no message is empty; markup only in _html messages', (language) => {
    const wrong: string[] = []
    for (const [key, message] of catalogue(language)) {
      if (message.trim() === '') wrong.push(`${key}: empty`)
      if (!key.endsWith('_html') && /<\/?[a-z][^>]*>/i.test(message)) wrong.push(`${key}: markup`)
    }
    expect(wrong).toEqual([])
  })

  it.each(OTHERS)('%s: no message is left in English unless listed as the same on purpose', (language) => {
    const untranslated = [...catalogue(language)]
      .filter(([key, message]) => message === english.get(key))
      .filter(([key]) => !sameAsEnglish[key]?.includes(language))
      .map(([key]) => key)
    expect(untranslated).toEqual([])
  })

  it('lists as "the same on purpose" only keys that exist', () => {
    const listed = Object.keys(sameAsEnglish).filter((key) => key !== '//')
    expect(listed.filter((key) => !english.has(key))).toEqual([])
    for (const key of listed)
      for (const language of sameAsEnglish[key] ?? []) expect(OTHERS).toContain(language as SiteLanguage)
  })
})

describe('formatted messages kept between calls', () => {
  it('answers each set of arguments with its own text, however the calls alternate', () => {
    const count = (n: number | string, language: SiteLanguage = 'en') =>
      translate(language, 'directory.states.count', { count: n as number })
    for (let round = 0; round < 2; round++) {
      expect(count(1)).toBe('1 state.')
      expect(count(2)).toBe('2 states.')
      expect(count(1)).toBe('1 state.')
      expect(count(193, 'fr')).toMatch(/^193 États\.$/)
      expect(count(1, 'ru')).not.toBe(count(2, 'ru'))
    }
    // The same words by other argument names or types are other messages.
    const letters = (args: Record<string, number | string>) => translate('en', 'home.progress.letters', args)
    expect(letters({ written: 1, delivered: 1 })).toBe(
      '1 letter written so far, 1 delivered to the missions.',
    )
    expect(letters({ written: 1, delivered: 3000 })).toBe(
      '1 letter written so far, 3,000 delivered to the missions.',
    )
  })
})
