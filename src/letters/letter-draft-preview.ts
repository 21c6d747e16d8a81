import type { AppContext } from '../app-context.js'
import { currentAskIdFor } from '../asks/index.js'
import { getStateForLetters } from '../directory/index.js'
import { translate } from '../i18n/index.js'
import { ValidationError } from '../lib/errors.js'
import { defaultLanguage } from './letter-compose.js'
import { LETTER_LANGUAGES, type LetterDocument, type LetterLanguage } from './letter-document.js'
import { parseLetterInput } from './letter-input.js'
import { listLetterTemplates } from './letter-template-versions.service.js'
import type { LetterTemplate } from './letter-templates.js'
import { chooseTemplate, composeDraft } from './letters.service.js'

// The letter the write form would produce, shown beside the form while it is filled in: composed
// by the same code as the stored letter, from what is typed so far, and never stored. What is not
// given yet shows as a bracketed placeholder, so the writer sees where their words will go.

/** The fields a placeholder stands in for, by their key in locales/<language>/write.json. */
const PLACEHOLDER_KEYS = {
  'supporter.name': 'write.placeholders.name',
  'supporter.organization': 'write.placeholders.organization',
  'supporter.city': 'write.placeholders.city',
  personalNote: 'write.placeholders.personalNote',
} as const

type PlaceholderField = keyof typeof PLACEHOLDER_KEYS

/**
 * The placeholders in the LETTER's language ("[Your name]", "[Votre nom]"): they stand inside the
 * letter, which may be in another language than the page around it.
 */
export function placeholders(language: LetterLanguage): Record<PlaceholderField, string> {
  const entries = Object.entries(PLACEHOLDER_KEYS).map(([field, key]) => [field, translate(language, key)])
  return Object.fromEntries(entries) as Record<PlaceholderField, string>
}

/** The reference a letter gets when it is saved; the preview shows its place. */
const REFERENCE_PLACEHOLDER = 'CB-······'

type Form = Record<string, unknown>
type State = Awaited<ReturnType<typeof getStateForLetters>>['state']

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '')

/** A template a writer may choose, by its title in its own language. */
export interface TemplateChoice {
  id: string
  language: LetterLanguage
  title: string
}

/** The letter the form would write, and the templates of the ask it would be written within. */
export interface DraftPreview {
  document: LetterDocument
  templates: TemplateChoice[]
}

/**
 * The letter to `iso3` as the form `raw` (flat form fields, as posted) would write it, within the
 * ask a letter to `iso3` is written within now. A field the input check refuses is left out
 * rather than reported: the form reports it when it is sent.
 */
export async function previewDraft(ctx: AppContext, iso3: string, raw: Form): Promise<DraftPreview> {
  const { state, tags } = await getStateForLetters(ctx, iso3)
  const askId = await currentAskIdFor(ctx, state.iso3)
  // The language the form asks for, else the mission's; if the letter ends up in another (a
  // template refused, so the default letter), drawn again with that language's placeholders.
  const asked = text(raw.language) as LetterLanguage
  const guess = LETTER_LANGUAGES.includes(asked) ? asked : defaultLanguage(state)
  let draft = await draftFrom(ctx, askId, raw, state, guess)
  if (draft.template.language !== guess)
    draft = await draftFrom(ctx, askId, raw, state, draft.template.language)
  const document = composeDraft(ctx, {
    template: draft.template,
    state,
    tags,
    input: draft.input,
    reference: REFERENCE_PLACEHOLDER,
    now: ctx.clock.nowIso(),
    previous: null,
  })
  const templates = (await listLetterTemplates(ctx, askId)).map(({ id, language, title }) => ({
    id,
    language,
    title,
  }))
  return { document, templates }
}

/**
 * A template not yet published (an organizer's draft) as a letter to `iso3`: the same composer,
 * with the placeholders a writer's preview shows where a supporter's words will go, and, for a
 * follow-up, an earlier letter of today so its sentence shows.
 */
export async function previewTemplate(
  ctx: AppContext,
  iso3: string,
  template: LetterTemplate,
): Promise<LetterDocument> {
  const { state, tags } = await getStateForLetters(ctx, iso3)
  const shown = placeholders(template.language)
  let parsed = parseLetterInput({
    'supporter.name': shown['supporter.name'],
    'supporter.organization': shown['supporter.organization'],
    'supporter.city': shown['supporter.city'],
    personalNote: shown.personalNote,
  })
  if ('errors' in parsed) parsed = parseLetterInput({ 'supporter.name': shown['supporter.name'] })
  if ('errors' in parsed) throw new Error('the placeholder letter did not pass the input check')
  const now = ctx.clock.nowIso()
  return composeDraft(ctx, {
    template,
    state,
    tags,
    input: parsed.input,
    reference: REFERENCE_PLACEHOLDER,
    now,
    previous: template.id === 'follow-up' ? { reference: REFERENCE_PLACEHOLDER, createdAt: now } : null,
  })
}

/** The input and template of the preview, with `language`'s placeholders for what is missing. */
async function draftFrom(
  ctx: AppContext,
  askId: number | null,
  raw: Form,
  state: State,
  language: LetterLanguage,
) {
  const shown = placeholders(language)
  const form: Form = { ...raw }
  for (const [field, placeholder] of Object.entries(shown)) if (!text(form[field])) form[field] = placeholder
  // The join offer and the e-mail address never show in the letter: left out of the preview.
  delete form.joinCampaign
  delete form['supporter.email']
  let parsed = parseLetterInput(form)
  if ('errors' in parsed) {
    for (const field of Object.keys(parsed.errors))
      form[field] = field in shown ? shown[field as PlaceholderField] : undefined
    parsed = parseLetterInput(form)
  }
  if ('errors' in parsed) parsed = parseLetterInput({ 'supporter.name': shown['supporter.name'] })
  if ('errors' in parsed) throw new Error('the placeholder letter did not pass the input check')
  let template: Awaited<ReturnType<typeof chooseTemplate>>
  try {
    template = await chooseTemplate(ctx, askId, parsed.input, state, false)
  } catch (error) {
    // An unknown template or language: the default letter, as the form will say when sent.
    if (!(error instanceof ValidationError)) throw error
    template = await chooseTemplate(
      ctx,
      askId,
      { ...parsed.input, templateId: null, language: null },
      state,
      false,
    )
  }
  return { input: parsed.input, template }
}
