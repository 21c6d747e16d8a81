import { type Static, Type } from '@sinclair/typebox'
import type { getStateForLetters } from '../directory/index.js'
import { missionNameIn, stateNameIn } from '../directory/index.js'
import {
  DEFAULT_LANGUAGE,
  english,
  formatList,
  isSiteLanguage,
  listCountryOptions,
  type SiteLanguage,
  type Translate,
  translator,
} from '../i18n/index.js'
import type { FieldErrors } from '../lib/form-fields.js'
import { parseSourceCode } from '../lib/source-code.js'
import { consentText } from '../members/index.js'
import type { FragmentKey } from '../plugins/view.js'
import { defaultLanguage } from './letter-compose.js'
import { LETTER_LANGUAGES } from './letter-document.js'
import type { DraftPreview } from './letter-draft-preview.js'
import { LIMITS } from './letter-input.js'
import { paperAttributes } from './letter-paper.js'

// The write form: its choices, what a prefilled link may set, the delivery the writer picks and
// the fields that delivery needs, and the letter shown beside it.

export type StateForLetters = Awaited<ReturnType<typeof getStateForLetters>>['state']
type Form = Record<string, unknown>

/**
 * Each of the six official languages of the UN named in itself, as the write form's language
 * chooser adds it to the language's name in the page's language ("French (français)"), for a
 * reader who does not read the page's language.
 */
const AUTONYMS: Readonly<Record<string, string>> = {
  en: 'English',
  fr: 'français',
  es: 'español',
  ar: 'العربية',
  zh: '中文',
  ru: 'русский',
}

/** The letters a supporter may write, in the form's order (who each is for: write.compose.kinds). */
const KINDS = ['supporter', 'organization', 'follow-up']

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
export function deliveryErrors(state: StateForLetters, form: Form, t: Translate = english): FieldErrors {
  const errors: FieldErrors = {}
  // A form without the choice (an older page, a script) writes a draft to be sent or printed later.
  if (!text(form.delivery)) return errors
  const delivery = chosenDelivery(state, form)
  if (delivery === null) {
    errors.delivery = t('write.delivery.unreachable')
  } else if (text(form.delivery) && text(form.delivery) !== delivery) {
    errors.delivery = t(
      delivery === 'email'
        ? 'write.delivery.emailOnly'
        : state.mission.emailBouncing
          ? 'delivery.bouncing.printOnly'
          : 'write.delivery.printOnly',
    )
  } else if (delivery === 'email' && !text(form['supporter.email'])) {
    errors['supporter.email'] = t('write.delivery.emailNeeded')
  } else if (delivery === 'print') {
    if (!text(form['supporter.addressLines']))
      errors['supporter.addressLines'] = t('write.delivery.addressNeeded')
    if (!text(form['supporter.city'])) errors['supporter.city'] = t('write.delivery.cityNeeded')
    if (!text(form['supporter.country'])) errors['supporter.country'] = t('write.delivery.countryNeeded')
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
export function prefill(
  query: Record<string, string | undefined>,
  t: Translate = english,
): { form: Form; notices: string[] } {
  const form: Form = {}
  const notices: string[] = []
  const template = text(query.template)
  if (template) {
    if (KINDS.includes(template)) form.template = template
    else notices.push(t('write.prefill.unknownTemplate', { template: template.slice(0, 40) }))
  }
  const language = text(query.language)
  if (language) {
    if ((LETTER_LANGUAGES as readonly string[]).includes(language)) form.language = language
    else notices.push(t('write.prefill.unknownLanguage', { language: language.slice(0, 20) }))
  }
  const { source, notice } = parseSourceCode(query.source)
  if (source) form.source = source
  if (notice) notices.push(t(notice.key))
  const delivery = text(query.delivery)
  if (delivery === 'email' || delivery === 'print') form.delivery = delivery
  return { form, notices }
}

/** The page the form is on: its language, and where its links go (`/embed` for the framed flow). */
export interface ComposePage {
  language?: SiteLanguage
  notices?: string[]
  /** '' on the site, '/embed' in the framed flow, whose links also carry the page's language. */
  base?: string
  embed?: boolean
}

/**
 * The country list of the writer's address: ~250 options, the same on every form in a language
 * but for the one selected. Kept as HTML per language and selection (`{{#fragment countries.key}}`),
 * so the options are only made (a getter) when that HTML is not kept.
 */
function countryChoice(language: SiteLanguage, selected: string) {
  const names = listCountryOptions(language)
  const key: FragmentKey = { key: `countries|${language}|${selected}`, parts: [names] }
  return {
    key,
    get options() {
      return names.map((c) => ({ ...c, selected: c.code === selected }))
    },
  }
}

/** What the compose form shows: the state, the choices, what was typed, the messages and the letter. */
export function composeModel(
  state: StateForLetters,
  form: Form,
  errors: Record<string, string>,
  { document: preview, templates }: DraftPreview,
  { language: pageLanguage = DEFAULT_LANGUAGE, notices = [], base = '', embed = false }: ComposePage = {},
) {
  const t = translator(pageLanguage)
  const stateName = stateNameIn(pageLanguage, state.iso3, state.name)
  const langQuery = embed ? `lang=${pageLanguage}` : ''
  const value = (field: string): string => {
    const v = form[field]
    return typeof v === 'string' ? v : ''
  }
  const template = value('template') || 'supporter'
  const language = value('language') || defaultLanguage(state)
  const country = value('supporter.country')
  const paperSize = value('paperSize')
  // Each kind of letter by its template's own title in the page's language (English where none).
  const titleIn = (code: string) =>
    new Map(
      templates
        .filter((template) => template.language === code)
        .map((template) => [template.id, template.title]),
    )
  const englishTitles = titleIn('en')
  const ownTitles = titleIn(pageLanguage)
  const can = deliveryOptions(state)
  const delivery = chosenDelivery(state, form)
  return {
    title: t('write.compose.title', { state: stateName }),
    state,
    missionName:
      pageLanguage === 'en'
        ? state.mission.name
        : missionNameIn(pageLanguage, {
            iso3: state.iso3,
            stateName: state.name,
            missionName: state.mission.name,
            head: state.mission.head,
          }),
    links: {
      write: `${base}/write${langQuery ? `?${langQuery}` : ''}`,
      suggest: `${base}/write/suggest${langQuery ? `?${langQuery}` : ''}`,
      newLetter: `${base}/write/${state.iso3.toLowerCase()}?new=1${langQuery ? `&${langQuery}` : ''}`,
    },
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
    // The consent's words, kept word for word by version in each language (members/consent.ts).
    consentText: consentText(t),
    consentLang: null,
    templates: KINDS.filter((kind) => englishTitles.has(kind)).map((kind) => ({
      id: kind,
      title: ownTitles.get(kind) ?? englishTitles.get(kind),
      for: t(`write.compose.kinds.${kind}`),
      checked: kind === template,
    })),
    languages: LETTER_LANGUAGES.map((code) => ({
      value: code,
      label: languageOption(code, pageLanguage, t),
      selected: code === language,
    })),
    missionLanguages: formatList(
      pageLanguage,
      state.mission.languages.map((code) => (isSiteLanguage(code) ? t(`common.languages.${code}`) : code)),
    ),
    delivery: {
      email: can.email,
      print: can.print,
      both: can.email && can.print,
      none: !can.email && !can.print,
      chosenEmail: delivery === 'email',
      chosenPrint: delivery === 'print',
      // E-mail to the mission bounces: print is offered, and the page says why.
      emailBouncing: state.mission.emailBouncing,
    },
    paperSizes: [
      {
        value: '',
        label: t('write.compose.paperAutomatic'),
        selected: !paperSize,
      },
      { value: 'a4', label: t('write.compose.paperA4'), selected: paperSize === 'a4' },
      { value: 'letter', label: t('write.compose.paperLetter'), selected: paperSize === 'letter' },
    ],
    countries: countryChoice(pageLanguage, country),
    limits: LIMITS,
    preview: { document: preview, paper: paperAttributes(preview) },
    og: {
      title: t('write.compose.ogTitle', { state: stateName }),
      description: t('write.compose.ogDescription', { state: stateName }),
    },
  }
}

/**
 * A letter language as the chooser offers it: its name in the page's language, with its name in
 * itself for a reader of that language ("French (français)"), alone when it is the page's own.
 */
function languageOption(code: string, pageLanguage: SiteLanguage, t: Translate): string {
  const name = isSiteLanguage(code) ? t(`common.languages.${code}`) : code
  const autonym = AUTONYMS[code]
  return code === pageLanguage || !autonym
    ? name
    : t('write.compose.languageOption', { language: name, autonym })
}

/** The HTML id of a form field, for the error summary's links. */
function fieldId(field: string): string {
  return field.replace(/^supporter\./, '')
}
