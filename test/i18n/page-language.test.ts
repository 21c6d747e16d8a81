import fs from 'node:fs'
import path from 'node:path'
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser'
import { Parser } from 'htmlparser2'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  catalogue,
  HTML_LANG,
  LOCALES_DIR,
  SITE_LANGUAGES,
  type SiteLanguage,
  textDirection,
} from '../../src/i18n/index.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { hashToken, newLinkToken } from '../../src/lib/tokens.js'
import { letterAwaitingConfirmation } from '../delivery/delivery-helpers.js'
import { FRANCE, setMission } from '../helpers/directory-fixtures.js'
import { insertMember } from '../helpers/member-fixtures.js'
import { buildTestApp } from '../helpers/test-app.js'

// A crawl of every public page in each language: each answers with its language's lang, dir and
// hreflang alternates, and no English sentence of the catalogue is left in its visible text
// (text, alt, aria-label, placeholder, title and the meta description). Parts written in another
// language on purpose carry their own `lang` (the letter in the mission's language, the language
// switch) and are left out.

const { app, ctx } = await buildTestApp()
const OTHERS = SITE_LANGUAGES.filter((language) => language !== 'en')
const sameAsEnglish = JSON.parse(
  fs.readFileSync(path.join(LOCALES_DIR, 'same-as-english.json'), 'utf8'),
) as Record<string, string[]>

/** The pages a supporter or a member can reach, with whatever link each needs. */
const pages: string[] = [
  '/',
  '/write',
  '/write/fra',
  '/write/fra?template=organization',
  '/embed/write',
  '/embed/write/fra',
  '/progress',
  '/states',
  '/states/fra',
  '/join',
  '/join/check-inbox',
  '/privacy',
  '/privacy/erase',
  '/privacy/erase/sent',
  '/privacy/erased',
  '/no-such-page',
]

beforeAll(async () => {
  await setMission(ctx, 'FRA', { ...FRANCE, emails: ['france@un.int'] })
  const draft = await createLetter(ctx, {
    state: 'FRA',
    language: 'fr',
    supporter: { name: 'Amina Diallo', city: 'Dakar', country: 'SN' },
    personalNote: 'Un paragraphe personnel.',
  })
  pages.push(`/letters/${draft.id}`)
  const awaiting = await letterAwaitingConfirmation(ctx, { language: 'fr' })
  pages.push(`/confirm/${awaiting.token}`, `/letters/${awaiting.id}`)
  const member = await insertMember(ctx)
  pages.push(`/members/${member.public_id}`, `/members/${member.public_id}/unsubscribe`)
  // A link to erase a known address, as the e-mail would carry it.
  const erasure = newLinkToken()
  await ctx.db
    .insertInto('erasure_request')
    .values({
      token_hash: erasure.hash,
      email: member.email,
      requested_at: '2026-06-01T12:00:00.000Z',
      expires_at: '2099-01-01T00:00:00.000Z',
      completed_at: null,
    })
    .execute()
  pages.push(`/privacy/erase/${erasure.token}`)
  // A join awaiting its confirmation: the link's token, as the e-mail would carry it.
  const join = newLinkToken()
  await insertMember(ctx, {
    status: 'pending',
    confirmed_at: null,
    confirm_token_hash: join.hash,
    confirm_expires_at: '2099-01-01T00:00:00.000Z',
  })
  pages.push(`/join/confirm/${join.token}`)
  expect(hashToken(join.token)).toBe(join.hash)
})

/** The English catalogue's sentences: literal runs of three words or more, markup left out. */
function englishSentences(language: SiteLanguage): Array<{ key: string; text: string }> {
  const found: Array<{ key: string; text: string }> = []
  const walk = (key: string, elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.literal) {
        for (const piece of element.value.replace(/<[^>]*>/g, '\n').split('\n')) {
          const text = piece.replace(/\s+/g, ' ').trim()
          if (text.split(' ').length >= 3 && text.length >= 12) found.push({ key, text })
        }
      }
      if (element.type === TYPE.plural || element.type === TYPE.select)
        for (const option of Object.values(element.options)) walk(key, option.value)
    }
  }
  for (const [key, message] of catalogue('en')) {
    if (sameAsEnglish[key]?.includes(language)) continue
    walk(key, parse(message, { ignoreTag: true }))
  }
  return found
}

interface PageFacts {
  lang: string | undefined
  dir: string | undefined
  hreflangs: string[]
  text: string
}

/** What a reader meets on the page, in the page's own language (parts with another `lang` left out). */
function readPage(html: string): PageFacts {
  const facts: PageFacts = { lang: undefined, dir: undefined, hreflangs: [], text: '' }
  const stack: Array<{ name: string; skip: boolean }> = []
  const parts: string[] = []
  const skipping = () => stack.some((entry) => entry.skip)
  const VOID = new Set([
    'meta',
    'link',
    'br',
    'img',
    'input',
    'hr',
    'source',
    'wbr',
    'area',
    'col',
    'embed',
    'track',
  ])
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'html') {
          facts.lang = attributes.lang
          facts.dir = attributes.dir
        }
        if (name === 'link' && attributes.rel === 'alternate' && attributes.hreflang)
          facts.hreflangs.push(attributes.hreflang)
        const skip =
          name === 'script' || name === 'style' || (name !== 'html' && attributes.lang !== undefined)
        if (!skip && !skipping()) {
          for (const attribute of ['alt', 'aria-label', 'placeholder', 'title'])
            if (attributes[attribute]) parts.push(attributes[attribute] as string)
          if (name === 'meta' && attributes.name === 'description' && attributes.content)
            parts.push(attributes.content)
          if (
            name === 'input' &&
            (attributes.type === 'submit' || attributes.type === 'button') &&
            attributes.value
          )
            parts.push(attributes.value)
        }
        if (!VOID.has(name)) stack.push({ name, skip })
      },
      ontext(text) {
        if (!skipping()) parts.push(text)
      },
      onclosetag(name) {
        if (VOID.has(name)) return
        const at = stack.map((entry) => entry.name).lastIndexOf(name)
        if (at >= 0) stack.length = at
      },
    },
    { decodeEntities: true },
  )
  parser.write(html)
  parser.end()
  facts.text = parts.join('\n').replace(/\s+/g, ' ')
  return facts
}

describe('every public page, in each language', () => {
  it('the crawl reaches every page it lists', async () => {
    for (const url of pages) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(url === '/no-such-page' ? 404 : 200)
      expect(res.headers['content-type'], url).toMatch(/^text\/html/)
    }
  })

  it.each(SITE_LANGUAGES)('%s: lang, dir and the hreflang alternates', async (language) => {
    for (const url of pages) {
      const res = await app.inject({ method: 'GET', url: withLanguage(url, language) })
      const facts = readPage(res.body)
      expect(facts.lang, url).toBe(HTML_LANG[language])
      expect(facts.dir, url).toBe(textDirection(language))
      expect(facts.hreflangs.sort(), url).toEqual(
        [...SITE_LANGUAGES.map((code) => HTML_LANG[code]), 'x-default'].sort(),
      )
    }
  })

  it.each(OTHERS)('%s: no English sentence of the catalogue is left on any page', async (language) => {
    const sentences = englishSentences(language)
    const leaks: string[] = []
    for (const url of pages) {
      const res = await app.inject({ method: 'GET', url: withLanguage(url, language) })
      const { text } = readPage(res.body)
      for (const { key, text: sentence } of sentences)
        if (text.includes(sentence)) leaks.push(`${url}: ${key} "${sentence}"`)
    }
    expect([...new Set(leaks)]).toEqual([])
  })

  it("the check finds English where it is: the English pages hold the catalogue's sentences", async () => {
    const sentences = englishSentences('fr')
    const res = await app.inject({ method: 'GET', url: '/?lang=en' })
    const { text } = readPage(res.body)
    expect(sentences.filter(({ text: sentence }) => text.includes(sentence)).length).toBeGreaterThan(10)
  })
})

function withLanguage(url: string, language: SiteLanguage): string {
  return `${url}${url.includes('?') ? '&' : '?'}lang=${language}`
}
