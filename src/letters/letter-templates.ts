import fs from 'node:fs'
import path from 'node:path'
import { projectPath } from '../lib/paths.js'
import { loadTextTemplate } from '../lib/text-templates.js'
import type { LetterLanguage } from './letter-document.js'

// Letter templates: templates/letters/<id>.<language>.hbs, each opening with its metadata as
// JSON (templates/letters/README.md). The body is plain text: paragraphs parted by a blank line.

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
    const template = loadTextTemplate<TemplateMeta>(path.join(DIR, file))
    const meta = template.meta
    if (`${meta.id}.${meta.language}.hbs` !== file)
      throw new Error(`${file}: metadata says ${meta.id}.${meta.language}`)
    templates.set(key(meta.id, meta.language), {
      ...meta,
      renderSubject: (data) => template.renderMeta('subject', data),
      renderParagraphs: template.renderParagraphs,
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
