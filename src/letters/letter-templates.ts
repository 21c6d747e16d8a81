import fs from 'node:fs'
import path from 'node:path'
import Handlebars from 'handlebars'
import { projectPath } from '../lib/paths.js'
import type { LetterLanguage } from './letter-document.js'

// Letter templates: templates/letters/<id>.<language>.hbs, each opening with a Handlebars comment
// that holds its metadata as JSON (templates/letters/README.md). The body is plain text:
// paragraphs separated by a blank line.

export type TemplateAudience = 'supporter' | 'organization' | 'campaign'

export interface TemplateMeta {
  id: string
  language: LetterLanguage
  title: string
  audience: TemplateAudience
  requiredFields: string[]
  subject: string
}

export interface LetterTemplate extends TemplateMeta {
  renderSubject(data: object): string
  renderParagraphs(data: object): string[]
}

const DIR = projectPath('templates/letters')
const META = /^\s*\{\{!--([\s\S]*?)--\}\}/

// @NOTE plain text out, so no HTML escaping here: the preview escapes when it renders, the PDF
// prints text as text. What a supporter types is data, never compiled, so "{{" in it is inert.
const hbs = Handlebars.create()

let loaded: Map<string, LetterTemplate> | null = null

function key(id: string, language: LetterLanguage): string {
  return `${id}.${language}`
}

function load(): Map<string, LetterTemplate> {
  const templates = new Map<string, LetterTemplate>()
  for (const file of fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.hbs'))
    .sort()) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8')
    const match = META.exec(text)
    if (!match?.[1]) throw new Error(`${file}: no metadata comment at the top`)
    const meta = JSON.parse(match[1]) as TemplateMeta
    if (`${meta.id}.${meta.language}.hbs` !== file)
      throw new Error(`${file}: metadata says ${meta.id}.${meta.language}`)
    const body = hbs.compile(text.slice(match[0].length), { noEscape: true, strict: false })
    const subject = hbs.compile(meta.subject, { noEscape: true })
    templates.set(key(meta.id, meta.language), {
      ...meta,
      renderSubject: (data) => collapse(subject(data)),
      renderParagraphs: (data) => toParagraphs(body(data)),
    })
  }
  return templates
}

/** Every template in every language, by id then language. */
export function listTemplates(): LetterTemplate[] {
  loaded ??= load()
  return [...loaded.values()]
}

export function findTemplate(id: string, language: LetterLanguage): LetterTemplate | undefined {
  loaded ??= load()
  return loaded.get(key(id, language))
}

/** Blank lines part paragraphs; the lines of one paragraph are joined with single spaces. */
export function toParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map(collapse)
    .filter((p) => p.length > 0)
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
