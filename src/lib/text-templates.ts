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
  const { meta, body } = readTextTemplate<M>(file)
  return compileTextTemplate(file, meta, body)
}

/** A template file's metadata (the JSON of its opening comment) and its body, as written. */
export function readTextTemplate<M extends object>(file: string): { meta: M; body: string } {
  return splitTextTemplate<M>(path.basename(file), fs.readFileSync(file, 'utf8'))
}

/** `text` (named `name` in errors) as its metadata and its body. */
export function splitTextTemplate<M extends object>(name: string, text: string): { meta: M; body: string } {
  const match = META.exec(text)
  if (!match?.[1]) throw new Error(`${name}: no metadata comment at the top`)
  return { meta: JSON.parse(match[1]) as M, body: text.slice(match[0].length) }
}

/**
 * A template from its metadata and body, wherever they were kept (a file, a database row); named
 * `file` in what it reports. Compiled once: keep the result rather than compile it per use.
 */
export function compileTextTemplate<M extends object>(
  file: string,
  meta: M,
  source: string,
): TextTemplate<M> {
  const body = hbs.compile(source, { noEscape: true })
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

/** What a template's source reads and uses, to check it before it is ever rendered. */
export interface TemplateInspection {
  /** The variables it reads, as written ("state.of", "personalNote"). */
  variables: { path: string; line: number }[]
  /** The block helpers it opens ("if", "unless", "each"), with how many arguments each is given. */
  blocks: { name: string; line: number; params: number }[]
  /** What plain text refuses outright: a triple-stash, a partial, a helper call, a @data variable. */
  refused: { what: string; line: number }[]
}

/**
 * Parses `source` as Handlebars and lists what it reads; a syntax error throws with Handlebars'
 * own message (it names the line).
 */
export function inspectTemplate(source: string): TemplateInspection {
  const found: TemplateInspection = { variables: [], blocks: [], refused: [] }
  walk(Handlebars.parse(source) as unknown as Node, found)
  return found
}

type Node = { type: string; loc?: { start: { line: number } } } & Record<string, unknown>

function walk(node: Node | null | undefined, found: TemplateInspection): void {
  if (!node) return
  const line = node.loc?.start.line ?? 0
  const path = node.path as Node | undefined
  const params = (node.params as Node[] | undefined) ?? []
  const hashPairs = ((node.hash as Node | undefined)?.pairs as Node[] | undefined) ?? []
  switch (node.type) {
    case 'Program':
      for (const child of node.body as Node[]) walk(child, found)
      return
    case 'MustacheStatement':
      if (node.escaped === false) found.refused.push({ what: 'a triple-stash {{{…}}}', line })
      if (params.length > 0 || hashPairs.length > 0) {
        found.refused.push({ what: `a helper call {{${String(path?.original ?? '')} …}}`, line })
      } else walk(path, found)
      return
    case 'BlockStatement':
      found.blocks.push({ name: String(path?.original ?? ''), line, params: params.length })
      for (const param of params) walk(param, found)
      for (const pair of hashPairs) walk(pair.value as Node, found)
      walk(node.program as Node, found)
      walk(node.inverse as Node, found)
      return
    case 'SubExpression':
      found.refused.push({ what: `a helper call (${String(path?.original ?? '')} …)`, line })
      return
    case 'PathExpression':
      if (node.data === true) found.refused.push({ what: `the variable @${String(node.original)}`, line })
      else found.variables.push({ path: String(node.original), line })
      return
    case 'PartialStatement':
    case 'PartialBlockStatement':
      found.refused.push({ what: 'a partial {{> …}}', line })
      return
    case 'Decorator':
    case 'DecoratorBlock':
      found.refused.push({ what: 'a decorator {{* …}}', line })
      return
    default:
      // Text, comments and literals ("x", 1, true) read nothing.
      return
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
