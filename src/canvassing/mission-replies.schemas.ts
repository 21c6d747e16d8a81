import { Type } from '@sinclair/typebox'
import { Nullable, StringEnum } from '../lib/schema-types.js'
import { POSITIONS } from './coverage-rules.js'
import { ENGAGEMENT_LIMITS } from './engagement-input.js'
import { REPLY_CHANNELS } from './mission-reply-input.js'

// The organizers' replies API. @NOTE organizers only: it quotes what missions wrote.

export const NewMissionReplySchema = Type.Object(
  {
    receivedOn: Type.String({ description: 'YYYY-MM-DD the reply was received, today or earlier' }),
    channel: StringEnum(REPLY_CHANNELS, { description: 'How the reply came' }),
    summary: Type.String({
      description: `What the reply says, at most ${ENGAGEMENT_LIMITS.text} characters`,
    }),
    position: Type.Optional(
      Nullable(
        StringEnum(POSITIONS, {
          description: "The position the reply states, added to the state's position history",
        }),
      ),
    ),
  },
  { additionalProperties: false },
)

export const MissionReplySchema = Type.Object({
  id: Type.Integer(),
  iso3: Type.String(),
  receivedOn: Type.String({ format: 'date' }),
  channel: StringEnum(REPLY_CHANNELS),
  summary: Type.String(),
  position: Nullable(StringEnum(POSITIONS)),
  positionId: Nullable(Type.Integer({ description: 'The position record the reply made' })),
  letters: Type.Array(Type.String(), { description: 'Reference codes of the letters it answers' }),
  file: Nullable(Type.Object({ name: Type.String(), type: Type.String(), size: Type.Integer() })),
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
  writersTold: Type.Integer({
    description: 'Writers queued an e-mail saying their letter was answered (each is told once)',
  }),
})
