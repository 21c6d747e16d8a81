import { Type } from '@sinclair/typebox'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { REASON_LIMIT } from './corrections.service.js'
import { ENGAGEMENT_KINDS, POSITIONS } from './coverage-rules.js'

// The organizers' corrections API: an engagement or a position edited or withdrawn, with a reason.

export const IdParams = Type.Object({ id: RowId() })

const Revision = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: 999_999_999,
    description:
      'How many changes the entry had when you read it (`revisions` in its list, or the length of its history): if it has had more since, the correction is refused with 409 rather than undo a change you did not see',
  }),
)

const Reason = Type.String({
  description: `Why it is corrected, at most ${REASON_LIMIT} characters: kept in its history and the audit log`,
})

export const EngagementEditSchema = Type.Object(
  {
    kind: Type.Optional(StringEnum(ENGAGEMENT_KINDS)),
    occurredOn: Type.Optional(Type.String({ description: 'YYYY-MM-DD, today or earlier' })),
    text: Type.Optional(Type.String()),
    reason: Reason,
    revision: Revision,
  },
  { additionalProperties: false },
)

export const PositionEditSchema = Type.Object(
  {
    position: Type.Optional(StringEnum(POSITIONS)),
    notedOn: Type.Optional(Type.String({ description: 'YYYY-MM-DD, today or earlier' })),
    note: Type.Optional(Type.String()),
    reason: Reason,
    revision: Revision,
  },
  { additionalProperties: false },
)

export const WithdrawSchema = Type.Object(
  { reason: Reason, revision: Revision },
  { additionalProperties: false },
)

export const HistorySchema = Type.Object({
  id: Type.Integer(),
  revisions: Type.Array(
    Type.Object({
      change: StringEnum(['edit', 'withdraw', 'undo', 'redate']),
      reason: Type.String(),
      by: Type.String(),
      at: Type.String({ format: 'date-time' }),
      before: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
        description: 'The version the change replaced',
      }),
    }),
    { description: 'Newest first' },
  ),
})
