import type { AppContext } from '../app-context.js'
import type { Ask } from '../asks/index.js'
import { LETTER_LANGUAGES, type LetterLanguage } from './letter-document.js'
import {
  listAskTemplateVersions,
  listLetterTemplates,
  listTemplateIds,
  type TemplateContentInput,
  type TemplateVersion,
} from './letter-template-versions.service.js'

// What the organizers' template pages show and read (letter-templates-organizers.routes.ts): an
// ask's table of templates and versions, and a version's form, its values as typed.

export const FIELDS = ['title', 'audience', 'requiredFields', 'subject', 'body', 'previewState'] as const
export type FormValues = Record<(typeof FIELDS)[number], string>
export const LANGUAGE_NAMES: Record<LetterLanguage, string> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  ar: 'Arabic',
  zh: 'Chinese',
  ru: 'Russian',
}
/** Each template and language of an ask: what its letters are written with, its draft, its versions. */
export async function templateTable(ctx: AppContext, ask: Ask) {
  const [ids, effective, versions] = await Promise.all([
    listTemplateIds(ctx),
    listLetterTemplates(ctx, ask.id),
    listAskTemplateVersions(ctx, ask.id),
  ])
  return ids.map((templateId) => ({
    templateId,
    languages: LETTER_LANGUAGES.map((language) => {
      const inUse = effective.find((t) => t.id === templateId && t.language === language) ?? null
      const own = versions.filter((v) => v.templateId === templateId && v.language === language)
      return {
        language,
        languageName: LANGUAGE_NAMES[language],
        inUse: inUse
          ? {
              version: inUse.version,
              versionId: inUse.versionId,
              title: inUse.title,
              ownAsk: inUse.askId === ask.id,
              askId: inUse.askId,
            }
          : null,
        draft: own.find((v) => v.status === 'draft') ?? null,
        versions: own,
      }
    }),
  }))
}

export function valuesOf(version: TemplateVersion, previewState: string): FormValues {
  return {
    title: version.title,
    audience: version.audience,
    requiredFields: version.requiredFields.join(', '),
    subject: version.subject,
    body: version.body,
    previewState,
  }
}

export function formValues(body: unknown): FormValues {
  const raw = (body ?? {}) as Record<string, unknown>
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '')
  return {
    title: text('title').trim(),
    audience: text('audience').trim(),
    requiredFields: text('requiredFields').trim(),
    subject: text('subject').trim(),
    // The body as typed (its blank lines part paragraphs); the browser's CRLF made LF.
    body: text('body').replace(/\r\n?/g, '\n'),
    previewState: text('previewState').trim().toUpperCase(),
  }
}

/** A draft's form as posted; a published version keeps its text, only the state is chosen. */
export function formValuesOf(version: TemplateVersion, body: unknown): Partial<FormValues> {
  const values = formValues(body)
  return version.status === 'draft' ? values : { previewState: values.previewState }
}

export function toContent(values: FormValues): TemplateContentInput {
  return {
    title: values.title,
    audience: values.audience,
    requiredFields: values.requiredFields.split(/[\s,;]+/).filter(Boolean),
    subject: values.subject,
    body: values.body,
  }
}
