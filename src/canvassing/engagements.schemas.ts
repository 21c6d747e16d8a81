import { type Static, Type } from '@sinclair/typebox'
import { Nullable, StringEnum } from '../lib/schema-types.js'
import { ENGAGEMENT_KINDS } from './coverage-rules.js'
import { ENGAGEMENT_LIMITS } from './engagement-input.js'

// The organizers' engagements API. @NOTE organizers only: it names organizers and quotes what
// missions said, so it sits behind the session check, never in the public coverage API.

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

export const WithdrawalSchema = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    by: Type.String({ description: "The organizer who withdrew it, or 'Command line'" }),
    reason: Type.String(),
  },
  { description: 'Withdrawn: kept on record, no longer counted by coverage' },
)

export const EngagementSchema = Type.Object({
  id: Type.Integer(),
  iso3: Type.String(),
  kind: StringEnum(ENGAGEMENT_KINDS),
  occurredOn: IsoDate,
  text: Type.String(),
  source: StringEnum(['organizer', 'supporter'], {
    description: "'supporter': a letter's writer answered \"did the mission reply?\"",
  }),
  author: Type.String({ description: "The organizer who logged it, or 'Supporter'" }),
  letterReference: Nullable(Type.String({ description: "The letter a supporter's answer is about" })),
  createdAt: Type.String({ format: 'date-time' }),
  withdrawn: Nullable(WithdrawalSchema),
  revisions: Type.Integer({ description: 'Changes made since it was logged (see its history)' }),
})
export type EngagementJson = Static<typeof EngagementSchema>

export const EngagementListSchema = Type.Object({
  iso3: Type.String(),
  engagements: Type.Array(EngagementSchema, { description: 'Newest first (at most 500)' }),
})

export const NewEngagementSchema = Type.Object(
  {
    kind: StringEnum(ENGAGEMENT_KINDS, { description: 'What happened' }),
    occurredOn: Type.String({ description: 'YYYY-MM-DD, today or earlier' }),
    text: Type.Optional(
      Type.String({
        description: `What was said or agreed, at most ${ENGAGEMENT_LIMITS.text} characters (required for a note)`,
      }),
    ),
  },
  { additionalProperties: false },
)
