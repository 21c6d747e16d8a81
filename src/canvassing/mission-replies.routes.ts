import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { BadRequestError, ValidationError } from '../lib/errors.js'
import { POSITION_LABELS } from '../lib/labels.js'
import { RowId } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import { POSITIONS } from './coverage-rules.js'
import {
  findLettersToAnswer,
  getReplyFile,
  recordMissionReply,
  setStatePositionPublished,
} from './mission-replies.service.js'
import { MAX_LETTERS_PER_REPLY, REPLY_CHANNEL_LABELS, REPLY_CHANNELS } from './mission-reply-input.js'
import { MAX_REPLY_FILE_BYTES } from './reply-file.js'

type Form = Record<string, unknown>

const SearchQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) })
const ReplyParams = Type.Object({ id: RowId() })
const StateParams = Type.Object({ iso3: Type.String({ maxLength: 10 }) })

/**
 * Organizers record a mission's reply against the letter(s) it answers, found by reference code
 * or by state, with an optional attached file; and choose per state whether the public pages
 * show its position. Inside the organizers' area: paths relative to /organizers.
 */
export const missionRepliesRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Scoped to these routes, as the Blue Book upload's: the form's fields (its _csrf too) land in
  // request.body before the route's CSRF check.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: {
      files: 1,
      fileSize: MAX_REPLY_FILE_BYTES,
      fields: MAX_LETTERS_PER_REPLY + 10,
      fieldSize: 20_000,
      parts: MAX_LETTERS_PER_REPLY + 12,
    },
    throwFileSizeLimit: false,
    async onFile(part: MultipartFile) {
      const content = await part.toBuffer()
      part.value = { fileName: part.filename, content, truncated: part.file.truncated }
    },
  })
  app.setErrorHandler((error) => {
    if (error instanceof Error && !('statusCode' in error) && /multipart|boundary/i.test(error.message))
      throw new BadRequestError(
        'The form was not well-formed (multipart/form-data). Send it again from the page.',
      )
    throw error
  })

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    q: string,
    state: { values?: Form; errors?: Record<string, string> } = {},
  ) => {
    let found: Awaited<ReturnType<typeof findLettersToAnswer>> | null = null
    const errors = { ...(state.errors ?? {}) }
    if (q.trim()) {
      try {
        found = await findLettersToAnswer(ctx, q)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        Object.assign(errors, error.errors)
      }
    }
    const values: Form = {
      receivedOn: ctx.clock.today(),
      channel: 'letter',
      position: '',
      ...(state.values ?? {}),
    }
    const chosen = new Set(
      (Array.isArray(values.letters) ? values.letters : [values.letters]).filter(
        (v: unknown): v is string => typeof v === 'string',
      ),
    )
    const byReference = /^CB-/i.test(q.trim())
    return reply.viewAsync('pages/canvassing/replies.hbs', {
      title: 'Record a mission’s reply',
      ...organizerPageData(request, reply),
      q,
      today: ctx.clock.today(),
      found: found && {
        iso3: found.iso3,
        slug: found.iso3?.toLowerCase(),
        letters: found.letters.map((l) => ({
          reference: l.reference,
          createdAt: l.created_at,
          status: l.status,
          checked: chosen.has(l.reference) || (byReference && state.values === undefined),
        })),
      },
      values,
      errors,
      errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
      channels: REPLY_CHANNELS.map((c) => ({
        value: c,
        label: REPLY_CHANNEL_LABELS[c],
        selected: values.channel === c,
      })),
      positions: POSITIONS.map((p) => ({
        value: p,
        label: POSITION_LABELS[p],
        selected: values.position === p,
      })),
      maxMegabytes: MAX_REPLY_FILE_BYTES / 1024 / 1024,
    })
  }

  app.get(
    '/replies',
    { ...permitted('canvassing.edit'), schema: { querystring: SearchQuery } },
    (request, reply) => page(request, reply, request.query.q ?? ''),
  )

  app.post('/replies', permittedForm(app, 'canvassing.edit'), async (request, reply) => {
    const body = (request.body ?? {}) as Form
    try {
      const recorded = await recordMissionReply(ctx, actorOf(signedIn(request)), body)
      return reply.redirect(`/organizers/states/${recorded.iso3.toLowerCase()}?saved=reply#replies`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const { file: _file, _csrf, ...values } = body
      reply.code(422)
      return page(request, reply, typeof body.q === 'string' ? body.q.slice(0, 200) : '', {
        values,
        errors: error.errors,
      })
    }
  })

  app.get(
    '/replies/:id/file',
    { ...permitted('canvassing.view'), schema: { params: ReplyParams } },
    async (request, reply) => {
      const file = await getReplyFile(ctx, request.params.id)
      // Never shown inline: a download of the type its bytes were checked to be.
      return reply
        .type(file.type)
        .header('content-disposition', `attachment; filename="${file.name.replace(/[^\x20-\x7e]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.bytes)
    },
  )

  app.post(
    '/states/:iso3/position-publication',
    { ...permittedForm(app, 'canvassing.edit'), schema: { params: StateParams } },
    async (request, reply) => {
      const published = ((request.body ?? {}) as Form).published === '1'
      const done = await setStatePositionPublished(
        ctx,
        actorOf(signedIn(request)),
        request.params.iso3,
        published,
      )
      const saved = done.published ? 'published' : 'unpublished'
      return reply.redirect(`/organizers/states/${done.iso3.toLowerCase()}?saved=${saved}#position`, 303)
    },
  )
}
