import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { catalogue, DEFAULT_LANGUAGE, english } from '../i18n/index.js'
import { AppError, ValidationError } from '../lib/errors.js'
import { bodyTooLargeMessage } from './security.js'

export interface ErrorBody {
  statusCode: number
  error: string
  code: string
  message: string
  field?: string
  errors?: Record<string, string>
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
}

/**
 * One place turns errors into answers: JSON under /api/, a page elsewhere. A 4xx says what was
 * wrong, naming the field; a 5xx says only that something failed, and the details go to the log.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const body = describe(error, request.headers['content-type'])
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: body.code, field: body.field }, body.message)
    return sendError(request, reply, body)
  })
})

function describe(error: FastifyError, contentType: string | undefined): ErrorBody {
  if (error instanceof AppError) {
    const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined
    const errors = error instanceof ValidationError ? { errors: error.errors } : {}
    return {
      ...errors,
      statusCode: error.statusCode,
      error: statusText(error.statusCode),
      code: error.code,
      message: error.message,
      ...(field ? { field } : {}),
    }
  }
  if (error.validation && error.validation.length > 0) {
    const [first] = error.validation
    const where = error.validationContext ?? 'request'
    const field = fieldOf(first?.instancePath, first?.params)
    const what =
      where === 'querystring' ? 'query parameter' : where === 'params' ? 'path parameter' : `${where} field`
    return {
      statusCode: 400,
      error: 'Bad Request',
      code: 'invalid_parameter',
      message: field
        ? `The ${what} "${field}" ${describeRule(first)}`
        : `The ${where} ${first?.message ?? 'is invalid'}`,
      ...(field ? { field } : {}),
    }
  }
  // Over bodyLimit (JSON) or formbody's limit: say which limit, in words a supporter can act on.
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'body_too_large',
      message: bodyTooLargeMessage(contentType),
    }
  }
  // Fastify's own client errors (a malformed body, a bad content type).
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      statusCode: error.statusCode,
      error: statusText(error.statusCode),
      code: (error.code ?? 'bad_request').toLowerCase(),
      message: error.message,
    }
  }
  return {
    statusCode: 500,
    error: 'Internal Server Error',
    code: 'internal',
    message: 'Something went wrong on our side. It has been logged; please try again later.',
  }
}

function fieldOf(
  instancePath: string | undefined,
  params: Record<string, unknown> | undefined,
): string | undefined {
  const fromPath = instancePath?.replace(/^\//, '').replace(/\//g, '.')
  if (fromPath) return fromPath
  const missing = params?.missingProperty ?? params?.additionalProperty
  return typeof missing === 'string' ? missing : undefined
}

function describeRule(
  issue: { keyword?: string; message?: string; params?: Record<string, unknown> } | undefined,
): string {
  if (!issue) return 'is invalid'
  if (issue.keyword === 'required') return 'is required'
  if (issue.keyword === 'additionalProperties') return 'is not allowed here'
  if (issue.keyword === 'anyOf' || issue.keyword === 'enum' || issue.keyword === 'const')
    return 'has a value that is not one of those allowed'
  return issue.message ?? 'is invalid'
}

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')
}

/** The error's answer: JSON under /api/, the error page elsewhere (the 404 handler uses it too). */
export async function sendError(request: FastifyRequest, reply: FastifyReply, body: ErrorBody) {
  reply.code(body.statusCode)
  if (request.url.startsWith('/api/') || request.url === '/api' || !reply.viewAsync) return body
  // A signed-in organizer keeps the organizers' bar (and its sign-out form) on an error page.
  const organizer = request.organizer ? { organizer: request.organizer, csrfToken: reply.generateCsrf() } : {}
  // The page speaks the visitor's language; the message is the one the route gave (routes that
  // supporters meet give it in their language), except a 5xx's, which says only that it failed.
  const t = request.t ?? english
  const titleKey = `common.error.status.${body.statusCode}`
  const title = catalogue(DEFAULT_LANGUAGE).has(titleKey) ? t(titleKey) : body.error
  const message = body.statusCode >= 500 ? t('common.error.serverError') : body.message
  return reply.viewAsync('pages/error.hbs', {
    title,
    error: { ...body, title, message },
    ...organizer,
  })
}
