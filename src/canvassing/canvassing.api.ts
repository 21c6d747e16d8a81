import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { type CoverageDto, CoverageSchema } from './canvassing.schemas.js'
import { type Coverage, getCoverage } from './coverage.service.js'
import { publishedPositionStates } from './mission-replies.service.js'

/** JSON API of the campaign's progress: GET /api/coverage (public). */
export const canvassingApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/coverage',
    {
      schema: {
        tags: ['canvassing'],
        summary: 'How many of the 193 member states were canvassed, per regional group and per state',
        description:
          "A member state is canvassed once a letter was delivered to its mission or an organizer logged a contact with it. Observer states are not counted. A state's position, and the status it would give it, count only once organizers publish it: until then its position is `unknown`.",
        response: { 200: CoverageSchema },
      },
    },
    async () => {
      const [coverage, published] = await Promise.all([
        getCoverage(ctx, 'public'),
        publishedPositionStates(ctx),
      ])
      return toCoverageDto(coverage, published)
    },
  )
}

/**
 * The public subset of coverage, field by field: nothing leaves that is not listed here. A state's
 * position is 'unknown' unless an organizer published it (`published`).
 */
export function toCoverageDto(coverage: Coverage, published: ReadonlySet<string>): CoverageDto {
  return {
    on: coverage.on,
    totals: coverage.totals,
    groups: coverage.groups,
    states: coverage.states.map((s) => ({
      iso3: s.iso3,
      iso2: s.iso2,
      name: s.name,
      regionalGroup: s.regionalGroup,
      councilSeat: s.councilSeat,
      status: s.status,
      canvassed: s.canvassed,
      canvassedOn: s.canvassedOn,
      position: published.has(s.iso3) ? s.position : 'unknown',
      letters: { written: s.letters.written, delivered: s.letters.delivered },
    })),
    timeline: coverage.timeline,
  }
}
