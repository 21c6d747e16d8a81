import { type Static, Type } from '@sinclair/typebox'
import { REGIONAL_GROUPS } from '../directory/index.js'
import { Nullable, StringEnum } from '../lib/schema-types.js'
import { COVERAGE_STATUSES, POSITIONS } from './coverage-rules.js'

// The public coverage API. @NOTE counts, codes and dates only: nothing about who wrote, what an
// engagement said or which organizer logged it (the response schema drops any other field).

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

const StatusCountsSchema = Type.Object(
  Object.fromEntries(COVERAGE_STATUSES.map((status) => [status, Type.Integer({ minimum: 0 })])) as Record<
    (typeof COVERAGE_STATUSES)[number],
    ReturnType<typeof Type.Integer>
  >,
  { description: 'Member states per coverage status' },
)

const Counts = {
  memberStates: Type.Integer({ minimum: 0 }),
  canvassed: Type.Integer({
    minimum: 0,
    description: 'Member states a letter was delivered to, or an organizer logged a contact with',
  }),
  byStatus: StatusCountsSchema,
}

export const CoverageStateSchema = Type.Object({
  iso3: Type.String(),
  iso2: Type.String(),
  name: Type.String(),
  regionalGroup: Nullable(StringEnum(REGIONAL_GROUPS)),
  councilSeat: Nullable(
    StringEnum(['permanent', 'elected'], { description: 'Security Council seat on `on`' }),
  ),
  status: StringEnum(COVERAGE_STATUSES),
  canvassed: Type.Boolean(),
  canvassedOn: Nullable(IsoDate),
  position: StringEnum(POSITIONS, {
    description:
      "The state's latest known position on the proposal, once organizers publish it ('unknown' until then)",
  }),
  letters: Type.Object({
    written: Type.Integer({ minimum: 0, description: 'Letters to this state, drafts included' }),
    delivered: Type.Integer({
      minimum: 0,
      description: "E-mail accepted by the mission's server, or printed and marked delivered",
    }),
  }),
})

export const CoverageSchema = Type.Object({
  on: IsoDate,
  totals: Type.Object({
    ...Counts,
    lettersWritten: Type.Integer({ minimum: 0 }),
    lettersDelivered: Type.Integer({ minimum: 0 }),
  }),
  groups: Type.Array(
    Type.Object({
      group: StringEnum(REGIONAL_GROUPS),
      label: Type.String(),
      ...Counts,
    }),
  ),
  states: Type.Array(CoverageStateSchema, { description: 'The member states, by name' }),
  timeline: Type.Array(Type.Object({ date: IsoDate, canvassed: Type.Integer({ minimum: 0 }) }), {
    description: 'Canvassed member states so far, one point per day the count grew',
  }),
})
export type CoverageDto = Static<typeof CoverageSchema>
