import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../app-context.js'
import { ErrorSchema } from '../directory/index.js'
import { LetterIdParams } from '../letters/index.js'
import { ValidationError } from '../lib/errors.js'
import { actorOf, organizerApiChangeWith, signedIn } from '../organizers/index.js'
import {
  MissionReplySchema,
  NewMissionReplySchema,
  NewMissionReplyToLettersSchema,
} from './mission-replies.schemas.js'
import { recordMissionReply, recordReplyToLetter } from './mission-replies.service.js'
import { MAX_REPLY_FILE_BYTES, REPLY_JSON_BODY_LIMIT_BYTES } from './reply-file.js'

const RESPONSES = {
  201: MissionReplySchema,
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
}
const FILE_NOTE = `An attached file (a scan of the mission's letter or note verbale) goes in \`file\`: its name and its bytes in base64, a PDF, PNG or JPEG told by its first bytes, at most ${MAX_REPLY_FILE_BYTES / 1024 / 1024} MB.`

/**
 * Organizers' JSON: record a mission's reply to one letter or to several, with its file
 * (session + x-csrf-token).
 */
export const missionRepliesApi: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
  })
  // Only a file makes a body this large: say so by its name, as any other field at fault.
  app.setErrorHandler((error) => {
    if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      throw new ValidationError({
        file: `The attachment is larger than ${MAX_REPLY_FILE_BYTES / 1024 / 1024} MB.`,
      })
    throw error
  })

  app.post(
    '/api/replies',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      bodyLimit: REPLY_JSON_BODY_LIMIT_BYTES,
      schema: {
        tags: ['canvassing'],
        summary:
          "Organizers: record a mission's reply to one or more letters, by reference code (needs the x-csrf-token header)",
        description: `As the organizers' page does: the letters, found by their reference codes, must all have gone to one state; a 'reply received' engagement is logged with it, the position the reply states (if any) added to its history, and each letter's writer queued one e-mail in their language, unless they were told before, gave no address or were erased. ${FILE_NOTE} Recorded in the audit log with its author. A field at fault is named in \`field\` (and each in \`errors\`); nothing is stored then.`,
        security: [{ organizerSession: [] }],
        body: NewMissionReplyToLettersSchema,
        response: RESPONSES,
      },
    },
    async (request, reply) => {
      const recorded = await recordMissionReply(ctx, actorOf(signedIn(request)), request.body)
      return reply.code(201).send(recorded)
    },
  )

  app.post(
    '/api/letters/:id/replies',
    {
      ...organizerApiChangeWith(app, 'canvassing.edit'),
      bodyLimit: REPLY_JSON_BODY_LIMIT_BYTES,
      schema: {
        tags: ['canvassing'],
        summary: "Organizers: record a mission's reply to a letter (needs the x-csrf-token header)",
        description: `Logs a 'reply received' engagement with the letter's state, adds the position the reply states (if any) to its history, and queues one e-mail to the letter's writer in their language, unless they were told before, gave no address or were erased. ${FILE_NOTE} Recorded in the audit log with its author. For a reply to several letters, POST /api/replies.`,
        security: [{ organizerSession: [] }],
        params: LetterIdParams,
        body: NewMissionReplySchema,
        response: RESPONSES,
      },
    },
    async (request, reply) => {
      const recorded = await recordReplyToLetter(
        ctx,
        actorOf(signedIn(request)),
        request.params.id,
        request.body,
      )
      return reply.code(201).send(recorded)
    },
  )
}
