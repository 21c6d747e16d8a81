import fs from 'node:fs'
import Handlebars from 'handlebars'
import { formatDateTime, type SiteLanguage, translate } from '../i18n/index.js'
import type { LetterDocument, LetterLanguage } from '../letters/index.js'
import { formsFor } from '../letters/index.js'
import { projectPath } from '../lib/paths.js'
import { loadTextTemplate, type TextTemplate } from '../lib/text-templates.js'

// How every e-mail is written: subject and text from templates/emails/<name>.<language>.hbs, the
// HTML part from the same paragraphs in templates/emails/layout.html.hbs.

export type TemplateName =
  | 'mission-letter'
  | 'digest'
  | 'confirmation'
  | 'reminder'
  | 'supporter-copy'
  | 'reply-request'
  | 'reply-notice'
  | 'review-rejected'
  | 'review-edited'
  | 'member-confirmation'
  | 'erasure-link'
  | 'member-update'
  | 'organizer-notice'

export interface MailText {
  subject: string
  text: string
  html: string
}

const templates = new Map<string, TextTemplate<{ subject: string }>>()
const html = Handlebars.create()
let layoutTemplate: HandlebarsTemplateDelegate | null = null

function layout(data: object): string {
  layoutTemplate ??= html.compile(fs.readFileSync(projectPath('templates/emails/layout.html.hbs'), 'utf8'))
  return layoutTemplate(data)
}

/**
 * The e-mails to writers and members are one template each (`<name>.hbs`) whose words come from
 * locales/<language>/emails.json, in the reader's language. A mission's letter and digest are
 * written per language (`<name>.<language>.hbs`), in the letter's; an organizer's notice in
 * English (`organizer-notice.en.hbs`).
 */
function fileOf(name: TemplateName, language: LetterLanguage): { file: string; language: LetterLanguage } {
  const key = `${name}.${language}`
  let found = files.get(key)
  if (!found) {
    found = findFile(name, language)
    files.set(key, found)
  }
  return found
}

// The templates ship with the code: which file serves a name and language is looked up once.
const files = new Map<string, { file: string; language: LetterLanguage }>()

function findFile(name: TemplateName, language: LetterLanguage): { file: string; language: LetterLanguage } {
  if (fs.existsSync(projectPath(`templates/emails/${name}.hbs`))) return { file: `${name}.hbs`, language }
  const own = fs.existsSync(projectPath(`templates/emails/${name}.${language}.hbs`))
  return own ? { file: `${name}.${language}.hbs`, language } : { file: `${name}.en.hbs`, language: 'en' }
}

function template(file: string): TextTemplate<{ subject: string }> {
  let found = templates.get(file)
  if (!found) {
    found = loadTextTemplate(projectPath(`templates/emails/${file}`))
    templates.set(file, found)
  }
  return found
}

const asParagraph = (p: string) => (/^https?:\/\/\S+$/.test(p) ? { link: p } : { text: p })

/** An e-mail from its template, with the letter after its paragraphs when one is given. */
export function renderMail(
  name: TemplateName,
  language: LetterLanguage,
  data: object,
  letter: LetterDocument | null,
): MailText {
  const { file, language: written } = fileOf(name, language)
  const t = template(file)
  const withLanguage = { ...data, lang: written }
  const subject = t.renderMeta('subject', withLanguage)
  const paragraphs = t.renderParagraphs(withLanguage)
  const text = [...paragraphs, ...(letter ? ['—', ...letterAsText(letter)] : [])].join('\n\n')
  const forms = formsFor(written)
  const body = layout({
    // "zh-Hans" and "rtl" for Chinese and Arabic: a mail client picks the fonts and the direction.
    language: forms.locale,
    dir: forms.direction,
    letterLanguage: letter ? formsFor(letter.language).locale : null,
    letterDir: letter ? formsFor(letter.language).direction : null,
    subject,
    paragraphs: paragraphs.map(asParagraph),
    letter,
  })
  return { subject, text, html: body }
}

// Stands in a template for someone's own paragraphs, which are not a template's to reflow.
const OWN_MARK = '\u0000own\u0000'

/**
 * An e-mail whose template places someone's own text (`own`: paragraphs parted by blank lines)
 * where it says `{{own}}`; in HTML each of its lines is a paragraph, so a list, a lead-in or a
 * signature does not run into one line.
 */
export function renderMailAround(
  name: TemplateName,
  language: LetterLanguage,
  data: object,
  own: string,
): MailText {
  const { file, language: written } = fileOf(name, language)
  const t = template(file)
  const withLanguage = { ...data, lang: written, update: OWN_MARK }
  const subject = t.renderMeta('subject', withLanguage)
  const ownParagraphs = own
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  const parts = t
    .renderParagraphs(withLanguage)
    .flatMap((p) =>
      p === OWN_MARK ? ownParagraphs.map((text) => ({ text, own: true })) : [{ text: p, own: false }],
    )
  const body = layout({
    language: formsFor(written).locale,
    dir: formsFor(written).direction,
    subject,
    paragraphs: parts.flatMap(({ text, own: isOwn }) => (isOwn ? linesOf(text) : [text])).map(asParagraph),
    letter: null,
  })
  return { subject, text: parts.map((p) => p.text).join('\n\n'), html: body }
}

function linesOf(paragraph: string): string[] {
  return paragraph
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
}

/** The letter as plain text, as a mail client without HTML shows it. */
export function letterAsText(doc: LetterDocument): string[] {
  return [
    doc.recipient.join('\n'),
    `${doc.dateLine}\n${doc.referenceLine}`,
    doc.subject,
    doc.salutation,
    ...doc.paragraphs,
    doc.close,
    doc.signature.join('\n'),
  ]
}

/** A moment as the reader writes it, in UTC: "5 December 2026 at 14:30 UTC". */
export function dateTimeIn(language: SiteLanguage, iso: string): string {
  return translate(language, 'emails.dateTimeUtc', { when: formatDateTime(language, iso) })
}
