import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { INTL_LOCALE, isSiteLanguage, type SiteLanguage, sortByName, type Translate } from '../i18n/index.js'
import { NotFoundError } from '../lib/errors.js'
import { foldForSearch } from '../lib/text.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import type { FragmentKey } from '../plugins/view.js'
import { Iso3Params, REGIONAL_GROUPS, StateQuery } from './directory.schemas.js'
import { countMemberStates, getState, listStates } from './directory.service.js'
import { MISSION_FIELDS } from './mission-details.js'
import { findBouncingStates, isMissionEmailBouncing } from './mission-email-failures.js'
import { missionNameIn } from './mission-names.js'
import { stateNameIn } from './state-names.js'

const COUNCIL_OPTIONS = ['any', 'permanent', 'elected', 'none'] as const
const MEMBERSHIP_OPTIONS = ['member', 'observer'] as const

/**
 * The directory's pages: the list with search and filters, and a page per state, in the request's
 * language: states by their names in it, in its order (the JSON API keeps the directory's English).
 */
export const directoryRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/states',
    { preValidation: dropEmptyQueryValues, schema: { querystring: StateQuery } },
    async (request, reply) => {
      const query = request.query
      const t = request.t
      const language = request.siteLanguage
      const [result, memberCount, bouncing] = await Promise.all([
        listStatesIn(ctx, query, language, t),
        countMemberStates(ctx),
        findBouncingStates(ctx.db),
      ])
      const filtered = Boolean(query.q || query.group || query.council || query.membership)
      // The table's rows, kept per language, filter and bouncing missions (a search's words are
      // too many to keep).
      const rowsKey: FragmentKey | null = query.q
        ? null
        : {
            key: [
              'states',
              language,
              result.on,
              query.group,
              query.council,
              query.membership,
              [...bouncing].sort().join(','),
            ].join('|'),
            parts: result.shown,
          }
      return reply.viewAsync('pages/directory/states.hbs', {
        title: t('directory.states.title'),
        description: t('directory.states.description'),
        query,
        result,
        rowsKey,
        filtered,
        memberCount,
        // Codes whose mission's e-mail bounces: the list notes that their letters are posted.
        bouncing: Object.fromEntries([...bouncing].map((iso3) => [iso3, true])),
        groupOptions: options(REGIONAL_GROUPS, query.group, (code) => t(`common.groups.${code}`)),
        councilOptions: options(COUNCIL_OPTIONS, query.council, (code) =>
          t(`directory.states.council.${code}`),
        ),
        membershipOptions: options(MEMBERSHIP_OPTIONS, query.membership, (code) =>
          t(`directory.states.membership.${code}`),
        ),
      })
    },
  )

  app.get('/states/:iso3', { schema: { params: Iso3Params } }, async (request, reply) => {
    const state = await getState(ctx, request.params.iso3).catch((error: unknown) => {
      // The service says it in English (the API's words); the page says it in the reader's.
      if (error instanceof NotFoundError)
        throw new NotFoundError(
          request.t('directory.state.notFound', { code: request.params.iso3.toUpperCase() }),
        )
      throw error
    })
    const canonical = state.iso3.toLowerCase()
    if (request.params.iso3 !== canonical) return reply.redirect(`/states/${canonical}`, 301)
    const t = request.t
    const language = request.siteLanguage
    const name = stateNameIn(language, state.iso3, state.name)
    const emailBouncing = await isMissionEmailBouncing(ctx.db, state.iso3)
    // The page's body, kept while the state's details are the same object (kept until the
    // directory changes: directory.service.ts) in this language and with this bouncing flag.
    const pageKey: FragmentKey = {
      key: ['state', state.iso3, language, emailBouncing].join('|'),
      parts: [state],
    }
    return reply.viewAsync('pages/directory/state.hbs', {
      pageKey,
      title: name,
      description: t('directory.state.description', { state: name }),
      state,
      name,
      emailBouncing,
      languages: languageList(language, t, state.mission.languages),
      // The mission as named in the page's language; its postal address stays as the Blue Book has it.
      missionName:
        language === 'en'
          ? state.mission.name
          : missionNameIn(language, {
              iso3: state.iso3,
              stateName: state.name,
              missionName: state.mission.name,
              head: state.mission.head,
            }),
      previous: state.history.slice(1),
      history: state.history.map((entry) => ({
        ...entry,
        changed: listIn(
          language,
          entry.changedFields.map((field) => fieldLabel(t, field)),
        ),
      })),
      sources: Object.entries(state.fieldSources).map(([field, source]) => ({
        field,
        label: fieldLabel(t, field),
        ...source,
      })),
    })
  })
}

/**
 * The states matching the query, each with its name in `language` (`displayName`), sorted in that
 * language's order. A search finds a state by its English names, aliases and codes (the
 * directory's) and by its name in the page's language.
 */
async function listStatesIn(ctx: AppContext, query: StateQuery, language: SiteLanguage, t: Translate) {
  const result = await listStates(ctx, query)
  let states = result.states
  if (query.q && language !== 'en') {
    const search = foldForSearch(query.q)
    const found = new Set(states.map((state) => state.iso3))
    const all = await listStates(ctx, { ...query, q: undefined })
    states = all.states.filter(
      (state) =>
        found.has(state.iso3) ||
        foldForSearch(stateNameIn(language, state.iso3, state.name)).includes(search),
    )
  }
  const named = sortByName(
    language,
    states.map((state) => ({
      ...state,
      displayName: stateNameIn(language, state.iso3, state.name),
      languages: languageList(language, t, state.mission.languages),
    })),
    (state) => state.displayName,
  )
  // `shown`: the directory's own objects for the rows, the same while its data is (see rowsKey).
  return { ...result, count: named.length, states: named, shown: states }
}

function options<T extends string>(
  codes: readonly T[],
  selected: string | undefined,
  label: (code: T) => string,
) {
  return codes.map((value) => ({ value, label: label(value), selected: value === selected }))
}

function fieldLabel(t: Translate, field: string): string {
  return FIELDS.has(field) ? t(`directory.state.fields.${field}`) : field
}

// The fields a mission's history names, as mission-details.ts lists them.
const FIELDS = new Set<string>(MISSION_FIELDS)

/** A mission's languages of correspondence, named in the page's language: "English, French". */
function languageList(language: SiteLanguage, t: Translate, codes: readonly string[]): string {
  const key = `${language}:${codes.join(',')}`
  let list = languageLists.get(key)
  if (list === undefined) {
    list = listIn(
      language,
      codes.map((code) => (isSiteLanguage(code) ? t(`common.languages.${code}`) : code)),
    )
    languageLists.set(key, list)
  }
  return list
}

// The few combinations of languages the missions use, each named once per language (the list of
// states names one per state).
const languageLists = new Map<string, string>()

const listFormats = new Map<SiteLanguage, Intl.ListFormat>()

/** "Address, Telephone, E-mail": a short list in the page's language (its own comma, no "and"). */
function listIn(language: SiteLanguage, items: readonly string[]): string {
  let format = listFormats.get(language)
  if (!format) {
    format = new Intl.ListFormat(INTL_LOCALE[language], { style: 'narrow', type: 'conjunction' })
    listFormats.set(language, format)
  }
  return format.format(items)
}
