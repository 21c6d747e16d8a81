import { Type } from '@sinclair/typebox'
import { Nullable, StringEnum } from '../lib/schema-types.js'
import { POSITIONS } from './coverage-rules.js'
import { ENGAGEMENT_LIMITS } from './engagement-input.js'
import { MAX_LETTERS_PER_REPLY, REPLY_CHANNELS } from './mission-reply-input.js'
import { MAX_REPLY_FILE_BYTES } from './reply-file.js'

// The organizers' replies API. @NOTE organizers only: it quotes what missions wrote.

const megabytes = MAX_REPLY_FILE_BYTES / 1024 / 1024

/** The attached file, as JSON carries it: its bytes in base64, checked as the page checks an upload. */
export const ReplyFileUploadSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'The file’s name; kept without folders, ending as its checked type does',
      }),
    ),
    contentBase64: Type.String({
      description: `The file’s bytes in standard base64: a PDF, PNG or JPEG (told by its first bytes, whatever its name says), at most ${megabytes} MB once decoded`,
    }),
  },
  { additionalProperties: false },
)

const replyFields = {
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
  file: Type.Optional(Nullable(ReplyFileUploadSchema)),
}

/** A reply found by its letters' reference codes (POST /api/replies), as the organizers' page takes it. */
export const NewMissionReplyToLettersSchema = Type.Object(
  {
    letters: Type.Array(Type.String({ description: 'A reference code, CB-XXXXXX' }), {
      description: `The reference codes of the letters it answers, all to one state, at most ${MAX_LETTERS_PER_REPLY}`,
    }),
    ...replyFields,
  },
  { additionalProperties: false },
)

/** A reply to the one letter named in the path (POST /api/letters/:id/replies). */
export const NewMissionReplySchema = Type.Object(replyFields, { additionalProperties: false })

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
