import fs from 'node:fs'
import path from 'node:path'
import Handlebars from 'handlebars'
import { DEFAULT_LANGUAGE, isSiteLanguage, translate } from '../i18n/index.js'

// Plain-text templates with their metadata: a file opens with a Handlebars comment holding JSON,
// then the body, paragraphs parted by a blank line. Letters and e-mails are written with them.

const META = /^\s*\{\{!--([\s\S]*?)--\}\}/

// @NOTE plain text out, so no HTML escaping here: HTML views escape when they render, the PDF
// prints text as text. What a person types is data, never compiled, so "{{" in it is inert.
const hbs = Handlebars.create()
// {{t "emails.greeting" name=supporterName}}: a message in the language of the data's `lang`.
hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => {
  const lang = (options.data?.root as { lang?: unknown } | undefined)?.lang
  return translate(isSiteLanguage(lang) ? lang : DEFAULT_LANGUAGE, key, options.hash)
})

export interface TextTemplate<M> {
  file: string
  meta: M
  /** Renders a metadata string (e.g. the subject) as a template, on one line. */
  renderMeta(key: keyof M & string, data: object): string
  renderParagraphs(data: object): string[]
}

export function loadTextTemplate<M extends object>(file: string): TextTemplate<M> {
  const text = fs.readFileSync(file, 'utf8')
  const match = META.exec(text)
  if (!match?.[1]) throw new Error(`${path.basename(file)}: no metadata comment at the top`)
  const meta = JSON.parse(match[1]) as M
  const body = hbs.compile(text.slice(match[0].length), { noEscape: true })
  const compiledMeta = new Map<string, HandlebarsTemplateDelegate>()
  return {
    file,
    meta,
    renderMeta: (key, data) => {
      let compiled = compiledMeta.get(key)
      if (!compiled) {
        compiled = hbs.compile(String(meta[key] ?? ''), { noEscape: true })
        compiledMeta.set(key, compiled)
      }
      return collapse(compiled(data))
    },
    renderParagraphs: (data) => toParagraphs(body(data)),
  }
}

/** Blank lines part paragraphs; the lines of one paragraph are joined with single spaces. */
export function toParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map(collapse)
    .filter((p) => p.length > 0)
}

function collapse(text: string): string {
  // Ordinary white space collapses; a no-break space (U+00A0, U+202F, U+2007) is the template's
  // or the data's choice (a date, French spacing before a colon) and stays.
  return text.replace(/[^\S\u00a0\u202f\u2007]+/g, ' ').trim()
}
