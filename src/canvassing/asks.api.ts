import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema } from '../directory/index.js'
import { type AskWithFigures, getAskDetail, getAsksOverview } from './ask-figures.js'
import {
  type AskDetailDto,
  AskDetailSchema,
  type AskDto,
  AskIdParams,
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
        response: { 200: AsksListSchema },
      },
    },
    async () => {
      const overview = await getAsksOverview(ctx, 'public')
      return { on: overview.on, asks: overview.asks.map(toAskDto), campaign: overview.campaign }
    },
  )

  app.get(
    '/api/asks/:id',
    {
      schema: {
        tags: ['canvassing'],
        summary: 'One ask with its figures and each of its target states',
        params: AskIdParams,
        response: { 200: AskDetailSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request): Promise<AskDetailDto> => {
      const detail = await getAskDetail(ctx, request.params.id, 'public')
      return { ...toAskDto(detail), on: detail.on, states: detail.states }
    },
  )
}

/** The public fields of an ask, one by one: nothing leaves that is not listed here. */
function toAskDto({ ask, figures, goals }: AskWithFigures): AskDto {
  return {
    id: ask.id,
    title: ask.title,
    purpose: ask.purpose,
    target: ask.target,
    startsOn: ask.startsOn,
    endsOn: ask.endsOn,
    running: ask.running,
    figures,
    goals,
  }
}
