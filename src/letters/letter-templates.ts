import fs from 'node:fs'
import path from 'node:path'
import { projectPath } from '../lib/paths.js'
import { compileTextTemplate, readTextTemplate } from '../lib/text-templates.js'
import type { LetterLanguage } from './letter-document.js'
import { checkTemplateContent, type TemplateAudience } from './letter-template-check.js'

// Letter templates: templates/letters/<id>.<language>.hbs, each opening with its metadata as
// JSON (templates/letters/README.md). The body is plain text: paragraphs parted by a blank line.
// The files are the first ask's seed (letter-template-seed.ts): letters are written from the
// versions kept in the database (letter-template-versions.service.ts), which the same check and
// the same compiler serve.

export type { TemplateAudience }

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

/** A template file as written: its metadata and its body's source. */
export interface TemplateFile {
  file: string
  meta: TemplateMeta
  body: string
}

const DIR = projectPath('templates/letters')
let loaded: Map<string, LetterTemplate> | null = null
let files: TemplateFile[] | null = null

function key(id: string, language: LetterLanguage): string {
  return `${id}.${language}`
}

/**
 * Compiles a template from its metadata and body; `name` names it in errors. Throws when the
 * template breaks a rule of letter-template-check.ts (a file is refused at start, as a version is
 * when an organizer saves it).
 */
export function compileLetterTemplate(name: string, meta: TemplateMeta, body: string): LetterTemplate {
  const errors = checkTemplateContent({ ...meta, requiredFields: meta.requiredFields ?? [], body })
  const first = Object.entries(errors)[0]
  if (first) throw new Error(`${name}: ${first[0]}: ${first[1]}`)
  const template = compileTextTemplate(name, meta, body)
  return {
    ...meta,
    renderSubject: (data) => template.renderMeta('subject', data),
    renderParagraphs: template.renderParagraphs,
  }
}

/** Every file of templates/letters/, read and checked once. */
export function listTemplateFiles(): TemplateFile[] {
  files ??= fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.hbs'))
    .sort()
    .map((file) => {
      const { meta, body } = readTextTemplate<TemplateMeta>(path.join(DIR, file))
      if (`${meta.id}.${meta.language}.hbs` !== file)
        throw new Error(`${file}: metadata says ${meta.id}.${meta.language}`)
      return { file, meta, body }
    })
  return files
}

function load(): Map<string, LetterTemplate> {
  const templates = new Map<string, LetterTemplate>()
  for (const { file, meta, body } of listTemplateFiles())
    templates.set(key(meta.id, meta.language), compileLetterTemplate(file, meta, body))
  return templates
}

/** Every template FILE in every language, by id then language (the first ask's seed). */
export function listTemplates(): LetterTemplate[] {
  loaded ??= load()
  return [...loaded.values()]
}

/** A template FILE (the first ask's seed); letters are written from the versions stored. */
export function findTemplate(id: string, language: LetterLanguage): LetterTemplate | undefined {
  loaded ??= load()
  return loaded.get(key(id, language))
}
