import type { AppContext } from '../app-context.js'
import { getAsk } from '../asks/index.js'
import type { LetterTemplateVersionRow } from '../db/schema.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { type Actor, actorLabel, recordAudit } from '../organizers/index.js'
import { LETTER_LANGUAGES, type LetterLanguage } from './letter-document.js'
import { checkTemplateContent, type TemplateContent } from './letter-template-check.js'
import * as repo from './letter-template-versions.repository.js'
import { compileLetterTemplate, type LetterTemplate, type TemplateAudience } from './letter-templates.js'

// Letter templates per ask and language, versioned (migration 0023). An organizer writes a draft,
// previews it, publishes it; publishing supersedes the version published before, which is never
// changed again (the database's triggers refuse it too). A letter is written with the published
// version of its ask, else the first ask's (the files' seed), and records which.

type Ctx = Pick<AppContext, 'db' | 'clock'>

/** One stored version, as the organizers' pages show it. */
export interface TemplateVersion {
  id: number
  askId: number
  templateId: string
  language: LetterLanguage
  version: number
  title: string
  audience: TemplateAudience
  requiredFields: string[]
  subject: string
  body: string
  status: LetterTemplateVersionRow['status']
  origin: LetterTemplateVersionRow['origin']
  createdAt: string
  createdBy: string
  updatedAt: string
  publishedAt: string | null
  publishedBy: string | null
  supersededAt: string | null
}

/** A template ready to write letters with, and the stored version it comes from. */
export interface ResolvedTemplate extends LetterTemplate {
  versionId: number
  version: number
  /** The ask whose version it is: the letter's own, or the first ask's when it has none. */
  askId: number
}

export function toTemplateVersion(row: LetterTemplateVersionRow): TemplateVersion {
  return {
    id: row.id,
    askId: row.ask_id,
    templateId: row.template_id,
    language: row.language,
    version: row.version,
    title: row.title,
    audience: row.audience,
    requiredFields: JSON.parse(row.required_fields) as string[],
    subject: row.subject,
    body: row.body,
    status: row.status,
    origin: row.origin,
    createdAt: row.created_at,
    createdBy: row.created_by_label,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    publishedBy: row.published_by_label,
    supersededAt: row.superseded_at,
  }
}

// @NOTE a version is compiled once: a published or superseded version never changes (triggers of
// 0023), so its id names its text for good. Drafts change, and are never cached.
const compiled = new Map<number, ResolvedTemplate>()

function compile(row: LetterTemplateVersionRow): ResolvedTemplate {
  const cached = compiled.get(row.id)
  if (cached) return cached
  const version = toTemplateVersion(row)
  const template = {
    ...compileLetterTemplate(
      `${row.template_id}.${row.language} version ${row.version} of ask ${row.ask_id}`,
      {
        id: version.templateId,
        language: version.language,
        title: version.title,
        audience: version.audience,
        requiredFields: version.requiredFields,
        subject: version.subject,
      },
      version.body,
    ),
    versionId: row.id,
    version: row.version,
    askId: row.ask_id,
  }
  if (row.status !== 'draft') compiled.set(row.id, template)
  return template
}

/** The ask and the first ask, the one every ask falls back on. */
async function askAndFirst(
  ctx: Ctx,
  askId: number | null,
): Promise<{ own: number | null; first: number | null }> {
  return { own: askId, first: await repo.findFirstAskId(ctx.db) }
}

/**
 * The template a letter within `askId` is written with: the ask's published version of
 * (`templateId`, `language`), else the first ask's; undefined when neither has one.
 */
export async function resolveLetterTemplate(
  ctx: Ctx,
  askId: number | null,
  templateId: string,
  language: LetterLanguage,
): Promise<ResolvedTemplate | undefined> {
  const { own, first } = await askAndFirst(ctx, askId)
  const askIds = [...new Set([own, first].filter((id): id is number => id !== null))]
  if (askIds.length === 0) return undefined
  const rows = await repo.findPublished(ctx.db, askIds, templateId, language)
  const row = rows.find((r) => r.ask_id === own) ?? rows.find((r) => r.ask_id === first)
  return row ? compile(row) : undefined
}

/**
 * Every template letters within `askId` may be written with, one per template and language: the
 * ask's own published versions, and the first ask's where it has none. By template, then language.
 */
export async function listLetterTemplates(
  ctx: Ctx,
  askId: number | null = null,
): Promise<ResolvedTemplate[]> {
  const { own, first } = await askAndFirst(ctx, askId)
  const askIds = [...new Set([own, first].filter((id): id is number => id !== null))]
  const chosen = new Map<string, LetterTemplateVersionRow>()
  for (const row of await repo.findAllPublished(ctx.db, askIds)) {
    const key = `${row.template_id}.${row.language}`
    const held = chosen.get(key)
    if (!held || (row.ask_id === own && held.ask_id !== own)) chosen.set(key, row)
  }
  return [...chosen.values()]
    .sort((a, b) => a.template_id.localeCompare(b.template_id) || a.language.localeCompare(b.language))
    .map(compile)
}

/** Every version of an ask's templates, by template, language, newest first. */
export async function listAskTemplateVersions(ctx: Ctx, askId: number): Promise<TemplateVersion[]> {
  return (await repo.findVersionsOfAsks(ctx.db, [askId])).map(toTemplateVersion)
}

/** The ids of the templates letters are written with: those the first ask has (the files'). */
export async function listTemplateIds(ctx: Ctx): Promise<string[]> {
  return [...new Set((await listLetterTemplates(ctx)).map((t) => t.id))].sort()
}

export async function getTemplateVersion(ctx: Ctx, id: number): Promise<TemplateVersion> {
  const row = await repo.findVersion(ctx.db, id)
  if (!row) throw new NotFoundError(`There is no letter template version with the id ${id}`)
  return toTemplateVersion(row)
}

/**
 * A draft of `templateId` in `language` for the ask, to edit before publishing: the draft already
 * open, else a new one (numbered after the last version) holding the text letters are written with
 * today (the ask's own published version, else the first ask's). Audited (template.create).
 */
export async function createTemplateDraft(
  ctx: Ctx,
  actor: Actor,
  askId: number,
  templateId: string,
  language: string,
): Promise<{ version: TemplateVersion; created: boolean }> {
  await getAsk(ctx, askId)
  const errors: Record<string, string> = {}
  if (!LETTER_LANGUAGES.includes(language as LetterLanguage))
    errors.language = `The language must be one of ${LETTER_LANGUAGES.join(', ')}.`
  const ids = await listTemplateIds(ctx)
  if (!ids.includes(templateId)) errors.template = `The template must be one of ${ids.join(', ')}.`
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const lang = language as LetterLanguage
  try {
    return await openDraft(ctx, actor, askId, templateId, lang)
  } catch (error) {
    // Two organizers opening the same draft at once: the second insert breaks the version's
    // unique number; the draft the first opened is the one to edit.
    const open = (await repo.findVersionsOf(ctx.db, askId, templateId, lang)).find(
      (v) => v.status === 'draft',
    )
    if (open) return { version: toTemplateVersion(open), created: false }
    throw error
  }
}

async function openDraft(
  ctx: Ctx,
  actor: Actor,
  askId: number,
  templateId: string,
  lang: LetterLanguage,
): Promise<{ version: TemplateVersion; created: boolean }> {
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    const versions = await repo.findVersionsOf(trx, askId, templateId, lang)
    const open = versions.find((v) => v.status === 'draft')
    if (open) return { version: toTemplateVersion(open), created: false }
    const from = await resolveLetterTemplate({ ...ctx, db: trx }, askId, templateId, lang)
    if (!from)
      throw new ValidationError({ language: `The template "${templateId}" has no version in ${lang}.` })
    const row = await repo.insertVersion(trx, {
      ask_id: askId,
      template_id: templateId,
      language: lang,
      version: (versions[0]?.version ?? 0) + 1,
      title: from.title,
      audience: from.audience,
      required_fields: JSON.stringify(from.requiredFields),
      subject: from.subject,
      body: (await repo.findVersion(trx, from.versionId))!.body,
      status: 'draft',
      origin: 'organizer',
      created_at: now,
      created_by: actor.kind === 'organizer' ? actor.id : null,
      created_by_label: actorLabel(actor),
      updated_at: now,
    })
    await recordAudit(trx, actor, now, {
      action: 'template.create',
      subjectType: 'letter_template_version',
      subjectId: String(row.id),
      summary: `Draft version ${row.version} of the ${templateId} letter (${lang}) for ask ${askId}, from version ${from.version} of ask ${from.askId}`,
      details: { askId, templateId, language: lang, version: row.version, fromVersionId: from.versionId },
    })
    return { version: toTemplateVersion(row), created: true }
  })
}

/** What a form or a request gives for a version's text. */
export type TemplateContentInput = Omit<TemplateContent, 'requiredFields'> & { requiredFields: string[] }

/** Saves a draft's text; a version already published is never changed (a ConflictError). */
export async function updateTemplateDraft(
  ctx: Ctx,
  actor: Actor,
  id: number,
  content: TemplateContentInput,
): Promise<TemplateVersion> {
  const before = await getTemplateVersion(ctx, id)
  refuseUnlessDraft(before)
  const errors = checkTemplateContent(content)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const now = ctx.clock.nowIso()
  const patch = {
    title: content.title.trim(),
    audience: content.audience as TemplateAudience,
    required_fields: JSON.stringify(content.requiredFields),
    subject: content.subject.trim(),
    body: content.body.replace(/\r\n?/g, '\n'),
  }
  const changed = (['title', 'audience', 'subject', 'body'] as const).filter((f) => patch[f] !== before[f])
  const fields: string[] = [...changed]
  if (patch.required_fields !== JSON.stringify(before.requiredFields)) fields.push('requiredFields')
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.updateDraft(trx, id, { ...patch, updated_at: now })
    if (!row)
      throw new ConflictError('This version was published meanwhile: a published version is never changed.')
    await recordAudit(trx, actor, now, {
      action: 'template.edit',
      subjectType: 'letter_template_version',
      subjectId: String(id),
      summary: `Edited draft version ${row.version} of the ${row.template_id} letter (${row.language}) for ask ${row.ask_id}${fields.length > 0 ? `: ${fields.join(', ')}` : ' (nothing changed)'}`,
      details: { changed: fields, before: { title: before.title, subject: before.subject } },
    })
    return toTemplateVersion(row)
  })
}

/**
 * Publishes a draft: letters within its ask are written with it from now on; the version
 * published before is superseded (kept, and kept by the letters written with it). Audited
 * (template.publish).
 */
export async function publishTemplateVersion(ctx: Ctx, actor: Actor, id: number): Promise<TemplateVersion> {
  const draft = await getTemplateVersion(ctx, id)
  refuseUnlessDraft(draft)
  const errors = checkTemplateContent(draft)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const now = ctx.clock.nowIso()
  return ctx.db.transaction().execute(async (trx) => {
    // Numbered after every other version: the seed may have published one since the draft began.
    const versions = await repo.findVersionsOf(trx, draft.askId, draft.templateId, draft.language)
    const last = Math.max(0, ...versions.filter((v) => v.id !== id).map((v) => v.version))
    if (draft.version <= last) await repo.updateDraft(trx, id, { version: last + 1 })
    const superseded = await repo.supersedePublished(trx, draft.askId, draft.templateId, draft.language, now)
    const row = await repo.publishDraft(trx, id, {
      at: now,
      organizerId: actor.kind === 'organizer' ? actor.id : null,
      label: actorLabel(actor),
    })
    if (!row) throw new ConflictError('This version was published meanwhile.')
    await recordAudit(trx, actor, now, {
      action: 'template.publish',
      subjectType: 'letter_template_version',
      subjectId: String(id),
      summary: `Published version ${row.version} of the ${row.template_id} letter (${row.language}) for ask ${row.ask_id}${superseded ? `, superseding version ${superseded.version}` : ''}`,
      details: {
        askId: row.ask_id,
        templateId: row.template_id,
        language: row.language,
        version: row.version,
        supersededVersionId: superseded?.id ?? null,
      },
    })
    return toTemplateVersion(row)
  })
}

function refuseUnlessDraft(version: TemplateVersion): void {
  if (version.status !== 'draft')
    throw new ConflictError(
      `Version ${version.version} is ${version.status}: a published version is never changed; open a new draft.`,
    )
}
