import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../app-context.js'
import { getAsk, listAsks } from '../asks/index.js'
import { listStates } from '../directory/index.js'
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js'
import { RowId, StringEnum } from '../lib/schema-types.js'
import { actorOf, organizerPageData, permitted, permittedForm, signedIn } from '../organizers/index.js'
import type { LetterDocument } from './letter-document.js'
import { previewTemplate } from './letter-draft-preview.js'
import { paperAttributes } from './letter-paper.js'
import { renderLetterPdf } from './letter-pdf.js'
import {
  checkTemplateContent,
  REQUIRABLE_FIELDS,
  TEMPLATE_AUDIENCES,
  TEMPLATE_VARIABLES,
  type TemplateAudience,
} from './letter-template-check.js'
import {
  FIELDS,
  type FormValues,
  formValues,
  formValuesOf,
  LANGUAGE_NAMES,
  templateTable,
  toContent,
  valuesOf,
} from './letter-template-form.js'
import {
  createTemplateDraft,
  getTemplateVersion,
  publishTemplateVersion,
  type TemplateVersion,
  updateTemplateDraft,
} from './letter-template-versions.service.js'
import { compileLetterTemplate } from './letter-templates.js'

// The organizers' pages of letter templates (issue 18, item 2), for those with templates.manage:
// an ask's templates per language with their versions; a draft's form (its metadata and body),
// checked as the files are; a preview of the draft as a real letter to a chosen state (the
// supporter's preview, or its PDF); publishing. Every change is audited by the service
// (template.create, template.edit, template.publish). Paths relative to /organizers.

const AskParams = Type.Object({ id: RowId() })
const VersionParams = Type.Object({ id: RowId() })
const DoneQuery = Type.Object({ done: Type.Optional(StringEnum(['saved', 'published'])) })
const NOTICES = { saved: 'The draft is saved.', published: 'The version is published.' } as const

export const letterTemplatesOrganizersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  // Every ask, each with a link to its templates (the navigation's entry).
  app.get('/templates', permitted('templates.manage'), async (request, reply) =>
    reply.viewAsync('pages/organizers/templates.hbs', {
      title: 'Organizers: letter templates',
      ...organizerPageData(request, reply),
      asks: (await listAsks(ctx)).map((ask) => ({ id: ask.id, title: ask.title, running: ask.running })),
    }),
  )

  const askPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    askId: number,
    notice: string | null,
    problem: string | null = null,
  ) => {
    const ask = await getAsk(ctx, askId)
    return reply.viewAsync('pages/organizers/ask-templates.hbs', {
      title: `Organizers: letter templates of the ask ${ask.title}`,
      ...organizerPageData(request, reply),
      ask,
      templates: await templateTable(ctx, ask),
      notice,
      problem,
    })
  }

  app.get(
    '/asks/:id/templates',
    { ...permitted('templates.manage'), schema: { params: AskParams, querystring: DoneQuery } },
    async (request, reply) =>
      askPage(
        request,
        reply,
        request.params.id,
        request.query.done === 'published' ? NOTICES.published : null,
      ),
  )

  app.post(
    '/asks/:id/templates',
    { ...permittedForm(app, 'templates.manage'), schema: { params: AskParams } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      try {
        const { version } = await createTemplateDraft(
          ctx,
          actorOf(signedIn(request)),
          request.params.id,
          typeof body.templateId === 'string' ? body.templateId : '',
          typeof body.language === 'string' ? body.language : '',
        )
        return reply.redirect(`/organizers/templates/${version.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const problem = Object.values(error.errors).join(' ')
        return askPage(request, reply.code(422), request.params.id, null, problem)
      }
    },
  )

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    version: TemplateVersion,
    values: FormValues,
    extra: {
      errors?: Record<string, string>
      notice?: string | null
      problem?: string | null
      preview?: LetterDocument | null
    } = {},
  ) => {
    const ask = await getAsk(ctx, version.askId)
    const errors = extra.errors ?? {}
    const { states } = await listStates(ctx, { membership: 'member' })
    return reply.viewAsync('pages/organizers/template-edit.hbs', {
      title: `Organizers: ${version.templateId} letter (${LANGUAGE_NAMES[version.language]}), version ${version.version}`,
      ...organizerPageData(request, reply),
      ask,
      version,
      languageName: LANGUAGE_NAMES[version.language],
      draft: version.status === 'draft',
      values,
      errors,
      errorList: FIELDS.filter((id) => errors[id]).map((id) => ({ id, message: errors[id] })),
      audiences: TEMPLATE_AUDIENCES.map((audience) => ({ audience, chosen: audience === values.audience })),
      states: states.map((s) => ({ iso3: s.iso3, name: s.name, chosen: s.iso3 === values.previewState })),
      variables: TEMPLATE_VARIABLES,
      requirable: REQUIRABLE_FIELDS.join(', '),
      notice: extra.notice ?? null,
      problem: extra.problem ?? null,
      preview: extra.preview
        ? {
            document: extra.preview,
            paper: paperAttributes(extra.preview),
            stateName: states.find((s) => s.iso3 === values.previewState)?.name ?? values.previewState,
          }
        : null,
    })
  }

  app.get(
    '/templates/:id',
    { ...permitted('templates.manage'), schema: { params: VersionParams, querystring: DoneQuery } },
    async (request, reply) => {
      const version = await getTemplateVersion(ctx, request.params.id)
      const notice = request.query.done === 'saved' ? NOTICES.saved : null
      return editPage(request, reply, version, valuesOf(version, ''), { notice })
    },
  )

  app.post(
    '/templates/:id',
    { ...permittedForm(app, 'templates.manage'), schema: { params: VersionParams } },
    async (request, reply) => {
      const version = await getTemplateVersion(ctx, request.params.id)
      const values = formValues(request.body)
      try {
        await updateTemplateDraft(ctx, actorOf(signedIn(request)), version.id, toContent(values))
        return reply.redirect(`/organizers/templates/${version.id}?done=saved`, 303)
      } catch (error) {
        return refusal(error, request, reply, version, values)
      }
    },
  )

  // The letter this draft would write to the chosen state: the form's text as it stands (saved or
  // not; a published version's own text), composed as a supporter's preview is.
  const preview = async (version: TemplateVersion, values: FormValues): Promise<LetterDocument> => {
    const content = version.status === 'draft' ? toContent(values) : version
    const errors = checkTemplateContent(content)
    if (!/^[A-Z]{3}$/.test(values.previewState))
      errors.previewState = 'Choose the state to write the letter to.'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const template = compileLetterTemplate(
      `${version.templateId}.${version.language} (preview)`,
      {
        id: version.templateId,
        language: version.language,
        title: content.title,
        audience: content.audience as TemplateAudience,
        requiredFields: [...content.requiredFields],
        subject: content.subject,
      },
      content.body,
    )
    try {
      return await previewTemplate(ctx, values.previewState, template)
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error
      throw new ValidationError({ previewState: `No member state has the code ${values.previewState}.` })
    }
  }

  app.post(
    '/templates/:id/preview',
    { ...permittedForm(app, 'templates.manage'), schema: { params: VersionParams } },
    async (request, reply) => {
      const version = await getTemplateVersion(ctx, request.params.id)
      const values = { ...valuesOf(version, ''), ...formValuesOf(version, request.body) }
      try {
        return await editPage(request, reply, version, values, { preview: await preview(version, values) })
      } catch (error) {
        return refusal(error, request, reply, version, values)
      }
    },
  )

  app.post(
    '/templates/:id/preview.pdf',
    { ...permittedForm(app, 'templates.manage'), schema: { params: VersionParams } },
    async (request, reply) => {
      const version = await getTemplateVersion(ctx, request.params.id)
      const values = { ...valuesOf(version, ''), ...formValuesOf(version, request.body) }
      try {
        const document = await preview(version, values)
        return reply
          .type('application/pdf')
          .header('cache-control', 'no-store')
          .header(
            'content-disposition',
            `inline; filename="template-${version.templateId}-${version.language}-v${version.version}-${values.previewState.toLowerCase()}.pdf"`,
          )
          .send(await renderLetterPdf(document))
      } catch (error) {
        return refusal(error, request, reply, version, values)
      }
    },
  )

  app.post(
    '/templates/:id/publish',
    { ...permittedForm(app, 'templates.manage'), schema: { params: VersionParams } },
    async (request, reply) => {
      const version = await getTemplateVersion(ctx, request.params.id)
      try {
        await publishTemplateVersion(ctx, actorOf(signedIn(request)), version.id)
        return reply.redirect(`/organizers/asks/${version.askId}/templates?done=published`, 303)
      } catch (error) {
        return refusal(error, request, reply, version, valuesOf(version, ''))
      }
    },
  )

  /** The form again with what was refused: 422 naming the fields, 409 for a version published. */
  function refusal(
    error: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
    version: TemplateVersion,
    values: FormValues,
  ) {
    if (error instanceof ValidationError)
      return editPage(request, reply.code(422), version, values, { errors: error.errors })
    if (error instanceof ConflictError)
      return editPage(request, reply.code(409), version, values, { problem: error.message })
    throw error
  }
}
