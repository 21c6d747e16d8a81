import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../context.js'
import { REGIONAL_GROUP_LABELS } from '../lib/labels.js'
import { dropEmptyQueryValues } from '../plugins/query.js'
import { Iso3Params, StateQuery } from './directory.schemas.js'
import { countMemberStates, getState, listStates } from './directory.service.js'

const GROUP_OPTIONS = Object.entries(REGIONAL_GROUP_LABELS).map(([value, label]) => ({ value, label }))
const COUNCIL_OPTIONS = [
  { value: 'any', label: 'On the Security Council' },
  { value: 'permanent', label: 'Permanent members' },
  { value: 'elected', label: 'Elected members' },
  { value: 'none', label: 'Not on the Council' },
]
const MEMBERSHIP_OPTIONS = [
  { value: 'member', label: 'Member states' },
  { value: 'observer', label: 'Observer states' },
]

/** The directory's pages: the list with search and filters, and a page per state. */
export const directoryRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/states',
    { preValidation: dropEmptyQueryValues, schema: { querystring: StateQuery } },
    async (request, reply) => {
      const query = request.query
      const [result, memberCount] = await Promise.all([listStates(ctx, query), countMemberStates(ctx)])
      const filtered = Boolean(query.q || query.group || query.council || query.membership)
      return reply.viewAsync('pages/directory/states.hbs', {
        title: 'Member states and their missions',
        description:
          'The 193 UN member states and the 2 observer states with their Permanent Missions in New York: addresses, heads of mission, and a letter to each.',
        query,
        result,
        filtered,
        memberCount,
        groupOptions: options(GROUP_OPTIONS, query.group),
        councilOptions: options(COUNCIL_OPTIONS, query.council),
        membershipOptions: options(MEMBERSHIP_OPTIONS, query.membership),
      })
    },
  )

  app.get('/states/:iso3', { schema: { params: Iso3Params } }, async (request, reply) => {
    const state = await getState(ctx, request.params.iso3)
    const canonical = state.iso3.toLowerCase()
    if (request.params.iso3 !== canonical) return reply.redirect(`/states/${canonical}`, 301)
    return reply.viewAsync('pages/directory/state.hbs', {
      title: state.name,
      description: `${state.name} at the United Nations: its Permanent Mission in New York, the head of mission, where each detail comes from, and a letter to write.`,
      state,
      previous: state.history.slice(1),
      sources: Object.entries(state.fieldSources).map(([field, source]) => ({ field, ...source })),
    })
  })
}

function options(list: { value: string; label: string }[], selected: string | undefined) {
  return list.map((o) => ({ ...o, selected: o.value === selected }))
}
