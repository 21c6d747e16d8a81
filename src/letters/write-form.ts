import { type Static, Type } from '@sinclair/typebox'
import type { getStateForLetters } from '../directory/directory.service.js'
import type { FieldErrors } from '../lib/form-fields.js'
import { LANGUAGE_LABELS } from '../lib/labels.js'
import { parseSourceCode } from '../lib/source-code.js'
import { CONSENT_TEXT } from '../members/consent.js'
import { defaultLanguage } from './letter-compose.js'
import type { LetterDocument } from './letter-document.js'
import { LIMITS } from './letter-input.js'
import { paperAttributes } from './letter-paper.js'
import { listTemplates } from './letter-templates.js'
import { listCountryOptions } from './letters.web.js'

// The write form: its choices, what a prefilled link may set, the delivery the writer picks and
// the fields that delivery needs, and the letter shown beside it.

export type StateForLetters = Awaited<ReturnType<typeof getStateForLetters>>['state']
type Form = Record<string, unknown>

/** The six official languages of the UN, each also named in itself for a reader who does not read English. */
export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'fr', label: 'French (français)' },
  { value: 'es', label: 'Spanish (español)' },
  { value: 'ar', label: 'Arabic (العربية)' },
  { value: 'zh', label: 'Chinese (中文)' },
  { value: 'ru', label: 'Russian (русский)' },
]

/** The letters a supporter may write, in the form's order, each with who it is for. */
const KINDS = [
  { id: 'supporter', for: 'For anyone writing in their own name.' },
  { id: 'organization', for: 'For writing on behalf of an organization, named in the letter.' },
  { id: 'follow-up', for: 'For writing again to a mission that has not answered your earlier letter.' },
]

export type Delivery = 'email' | 'print'

/** How a letter to this mission can reach it: e-mail needs its address, print its street. */
export function deliveryOptions(state: StateForLetters): { email: boolean; print: boolean } {
  return { email: state.mission.emails.length > 0, print: state.mission.addressLines.length > 0 }
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '')

/**
 * The delivery the form shows chosen: the writer's choice where the mission allows it, else what
 * it allows. (What the writer asked for is `form.delivery`; see `askedDelivery`.)
 */
export function chosenDelivery(state: StateForLetters, form: Form): Delivery | null {
  const can = deliveryOptions(state)
  const asked = text(form.delivery)
  if (asked === 'email' && can.email) return 'email'
  if (asked === 'print' && can.print) return 'print'
  return can.email ? 'email' : can.print ? 'print' : null
}

/** The delivery the posted form asked for and the mission allows, or null (none asked: a draft). */
export function askedDelivery(state: StateForLetters, form: Form): Delivery | null {
  return text(form.delivery) ? chosenDelivery(state, form) : null
}

/**
 * The fields the chosen delivery needs, on top of the letter's own: an e-mail address to e-mail
 * it (the confirmation link and the mission's reply go there), a postal address to print it (the
 * mission replies by post). Nothing else is required of a writer.
 */
export function deliveryErrors(state: StateForLetters, form: Form): FieldErrors {
  const errors: FieldErrors = {}
  // A form without the choice (an older page, a script) writes a draft to be sent or printed later.
  if (!text(form.delivery)) return errors
  const delivery = chosenDelivery(state, form)
  if (delivery === null) {
    errors.delivery =
      'The campaign does not yet have this mission’s postal or e-mail address, so a letter cannot reach it yet. Please choose another state.'
  } else if (text(form.delivery) && text(form.delivery) !== delivery) {
    errors.delivery =
      delivery === 'email'
        ? 'The campaign does not yet have this mission’s street address: this letter can only be e-mailed.'
        : 'The campaign has no e-mail address for this mission: this letter can only be printed and posted.'
  } else if (delivery === 'email' && !text(form['supporter.email'])) {
    errors['supporter.email'] =
      'To e-mail the letter, give your e-mail address: the link to confirm is sent there, and the mission’s reply too.'
  } else if (delivery === 'print') {
    if (!text(form['supporter.addressLines']))
      errors['supporter.addressLines'] =
        'A printed letter needs your postal address, for the mission to reply.'
    if (!text(form['supporter.city'])) errors['supporter.city'] = 'A printed letter needs your city.'
    if (!text(form['supporter.country'])) errors['supporter.country'] = 'A printed letter needs your country.'
  }
  return errors
}

/** What a link to the write form may carry. */
export const PrefillQuery = Type.Object({
  template: Type.Optional(Type.String({ maxLength: 200 })),
  language: Type.Optional(Type.String({ maxLength: 200 })),
  source: Type.Optional(Type.String({ maxLength: 200 })),
  delivery: Type.Optional(Type.String({ maxLength: 20 })),
})

/** The valid choices of `query` again, as a query string to pass on ("" when none). */
export function prefillQueryString(query: Static<typeof PrefillQuery>): string {
  const { form } = prefill(query)
  const kept = Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  return kept.length > 0 ? `?${new URLSearchParams(kept).toString()}` : ''
}

/**
 * What a link may choose (`/write/fra?template=organization&language=fr&source=amnesty-ke`):
 * valid values preselected, invalid ones ignored with a notice the page shows.
 */
export function prefill(query: Record<string, string | undefined>): { form: Form; notices: string[] } {
  const form: Form = {}
  const notices: string[] = []
  const template = text(query.template)
  if (template) {
    if (KINDS.some((kind) => kind.id === template)) form.template = template
    else
      notices.push(
        `The link asked for a letter "${template.slice(0, 40)}", which does not exist: choose one below.`,
      )
  }
  const language = text(query.language)
  if (language) {
    if (LANGUAGES.some((l) => l.value === language)) form.language = language
    else
      notices.push(
        `The link asked for the language "${language.slice(0, 20)}", which letters are not written in: choose one below.`,
      )
  }
  const { source, notice } = parseSourceCode(query.source)
  if (source) form.source = source
  if (notice) notices.push(notice.message)
  const delivery = text(query.delivery)
  if (delivery === 'email' || delivery === 'print') form.delivery = delivery
  return { form, notices }
}

/** What the compose form shows: the state, the choices, what was typed, the messages and the letter. */
export function composeModel(
  state: StateForLetters,
  form: Form,
  errors: Record<string, string>,
  preview: LetterDocument,
  notices: string[] = [],
) {
  const value = (field: string): string => {
    const v = form[field]
    return typeof v === 'string' ? v : ''
  }
  const template = value('template') || 'supporter'
  const language = value('language') || defaultLanguage(state)
  const country = value('supporter.country')
  const paperSize = value('paperSize')
  const titles = new Map(
    listTemplates()
      .filter((t) => t.language === 'en')
      .map((t) => [t.id, t.title]),
  )
  const can = deliveryOptions(state)
  const delivery = chosenDelivery(state, form)
  return {
    title: `Write to ${state.name}`,
    state,
    errors,
    notices,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, id: fieldId(field), message })),
    values: {
      name: value('supporter.name'),
      organization: value('supporter.organization'),
      role: value('supporter.role'),
      addressLines: value('supporter.addressLines'),
      city: value('supporter.city'),
      email: value('supporter.email'),
      personalNote: value('personalNote'),
      joinCampaign: value('joinCampaign') === 'yes',
      source: parseSourceCode(value('source')).source ?? '',
    },
    consentText: CONSENT_TEXT,
    templates: KINDS.filter((kind) => titles.has(kind.id)).map((kind) => ({
      id: kind.id,
      title: titles.get(kind.id),
      for: kind.for,
      checked: kind.id === template,
    })),
    languages: LANGUAGES.map((l) => ({ ...l, selected: l.value === language })),
    missionLanguages: state.mission.languages.map((code) => LANGUAGE_LABELS[code] ?? code).join(' and '),
    delivery: {
      email: can.email,
      print: can.print,
      both: can.email && can.print,
      none: !can.email && !can.print,
      chosenEmail: delivery === 'email',
      chosenPrint: delivery === 'print',
    },
    paperSizes: [
      {
        value: '',
        label: 'Automatic: US Letter in the Americas where it is used, A4 elsewhere',
        selected: !paperSize,
      },
      { value: 'a4', label: 'A4', selected: paperSize === 'a4' },
      { value: 'letter', label: 'US Letter', selected: paperSize === 'letter' },
    ],
    countries: listCountryOptions().map((c) => ({ ...c, selected: c.code === country })),
    limits: LIMITS,
    preview: { document: preview, paper: paperAttributes(preview) },
    og: {
      title: `Write to the ambassador of ${state.name}`,
      description: `Ask ${state.name} to back an independent Special Court Mechanism for sexual exploitation and abuse by UN peacekeepers: a letter to its Permanent Mission in New York, in a few minutes.`,
    },
  }
}

/** The HTML id of a form field, for the error summary's links. */
function fieldId(field: string): string {
  return field.replace(/^supporter\./, '')
}
