import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { askTextIn } from '../asks/index.js'
import { ErrorSchema } from '../directory/index.js'
import type { SiteLanguage } from '../i18n/index.js'
import { type AskWithFigures, getAskDetail, getAsksOverview } from './ask-figures.js'
import {
  type AskDetailDto,
  AskDetailSchema,
  type AskDto,
  AskIdParams,
  AsksLanguageQuery,
  AsksListSchema,
} from './asks.schemas.js'

/** JSON API of the campaign's asks: GET /api/asks and /api/asks/:id (public: figures only). */
export const asksApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/asks',
    {
      schema: {
        tags: ['canvassing'],
        summary: 'The campaign’s asks (waves), each with its figures and progress towards its goals',
        description:
          'Each ask aims at a set of member states; its figures count those canvassed and supportive among them (a position counts once organizers publish it) and the letters written within it. `campaign` holds the same figures for all 193 member states.',
        querystring: AsksLanguageQuery,
        response: { 200: AsksListSchema, 400: ErrorSchema },
      },
    },
    async (request) => {
      const overview = await getAsksOverview(ctx, 'public')
      const language = request.query.lang ?? request.siteLanguage
      return {
        on: overview.on,
        asks: overview.asks.map((a) => toAskDto(a, language)),
        campaign: overview.campaign,
      }
    },
  )

  app.get(
    '/api/asks/:id',
    {
      schema: {
        tags: ['canvassing'],
        summary: 'One ask with its figures and each of its target states',
        params: AskIdParams,
        querystring: AsksLanguageQuery,
        response: { 200: AskDetailSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request): Promise<AskDetailDto> => {
      const detail = await getAskDetail(ctx, request.params.id, 'public')
      const language = request.query.lang ?? request.siteLanguage
      return { ...toAskDto(detail, language), on: detail.on, states: detail.states }
    },
  )
}

/** The public fields of an ask, one by one: nothing leaves that is not listed here. */
function toAskDto({ ask, figures, goals }: AskWithFigures, language: SiteLanguage): AskDto {
  const text = askTextIn(ask, language)
  return {
    id: ask.id,
    title: text.title,
    purpose: text.purpose,
    language: text.language,
    purposeLanguage: text.purposeLanguage,
    target: ask.target,
    startsOn: ask.startsOn,
    endsOn: ask.endsOn,
    running: ask.running,
    figures,
    goals,
  }
}
