import type { AppContext } from '../context.js'
import { getStateForLetters } from '../directory/directory.service.js'
import { ValidationError } from '../lib/errors.js'
import type { LetterDocument } from './letter-document.js'
import { parseLetterInput } from './letter-input.js'
import { chooseTemplate, composeDraft } from './letters.service.js'

// The letter the write form would produce, shown beside the form while it is filled in: composed
// by the same code as the stored letter, from what is typed so far, and never stored. What is not
// given yet shows as a bracketed placeholder, so the writer sees where their words will go.

export const PLACEHOLDERS = {
  'supporter.name': '[Your name]',
  'supporter.organization': '[Your organization]',
  'supporter.city': '[Your city]',
  personalNote: '[Your own paragraph goes here: why this matters to you, and where you write from.]',
} as const

/** The reference a letter gets when it is saved; the preview shows its place. */
const REFERENCE_PLACEHOLDER = 'CB-······'

type Form = Record<string, unknown>

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '')

/**
 * The letter to `iso3` as the form `raw` (flat form fields, as posted) would write it. A field the
 * input check refuses is left out rather than reported: the form reports it when it is sent.
 */
export async function previewDraft(ctx: AppContext, iso3: string, raw: Form): Promise<LetterDocument> {
  const { state, tags } = await getStateForLetters(ctx, iso3)
  const form: Form = { ...raw }
  for (const [field, placeholder] of Object.entries(PLACEHOLDERS))
    if (!text(form[field])) form[field] = placeholder
  // The join offer and the e-mail address never show in the letter: left out of the preview.
  delete form.joinCampaign
  delete form['supporter.email']
  let parsed = parseLetterInput(form)
  if ('errors' in parsed) {
    for (const field of Object.keys(parsed.errors))
      form[field] = field in PLACEHOLDERS ? PLACEHOLDERS[field as keyof typeof PLACEHOLDERS] : undefined
    parsed = parseLetterInput(form)
  }
  if ('errors' in parsed) parsed = parseLetterInput({ 'supporter.name': PLACEHOLDERS['supporter.name'] })
  if ('errors' in parsed) throw new Error('the placeholder letter did not pass the input check')
  let template: ReturnType<typeof chooseTemplate>
  try {
    template = chooseTemplate(parsed.input, state, false)
  } catch (error) {
    // An unknown template or language: the default letter, as the form will say when sent.
    if (!(error instanceof ValidationError)) throw error
    template = chooseTemplate({ ...parsed.input, templateId: null, language: null }, state, false)
  }
  return composeDraft(ctx, {
    template,
    state,
    tags,
    input: parsed.input,
    reference: REFERENCE_PLACEHOLDER,
    now: ctx.clock.nowIso(),
    previous: null,
  })
}
