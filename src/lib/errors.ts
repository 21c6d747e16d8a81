/**
 * Errors the application raises on purpose. Each carries an HTTP status and a stable `code`;
 * the error handler shows their message to the client. Anything else is a bug: logged, and
 * answered with a generic 500 that reveals nothing.
 */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: string

  constructor(message: string, statusCode: number, code: string) {
    super(message)
    this.name = new.target.name
    this.statusCode = statusCode
    this.code = code
  }
}

export class BadRequestError extends AppError {
  /** `field` names the parameter or form field at fault, so clients can point at it. */
  readonly field: string | undefined

  constructor(message: string, field?: string) {
    super(message, 400, 'bad_request')
    this.field = field
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404, 'not_found')
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, 409, 'conflict')
  }
}

/** Input with problems in several fields: `errors` maps each field to its message. */
export class ValidationError extends AppError {
  readonly errors: Record<string, string>

  constructor(errors: Record<string, string>, message?: string) {
    const count = Object.keys(errors).length
    super(
      message ?? `The request has ${count} ${count === 1 ? 'problem' : 'problems'}; see errors.`,
      400,
      'invalid_input',
    )
    this.errors = errors
  }

  get field(): string | undefined {
    return Object.keys(this.errors)[0]
  }
}

/** Something that was there and is no more: an expired link. */
export class GoneError extends AppError {
  constructor(message: string) {
    super(message, 410, 'gone')
  }
}

/** Not signed in (or a wrong credential). */
export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(message, 401, 'unauthorized')
  }
}

/** Signed in, or not needed, but not allowed: a role, a foreign form, a missing CSRF token. */
export class ForbiddenError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super(message, 403, code)
  }
}

/** Too many attempts (sign-in): the client should wait. */
export class TooManyRequestsError extends AppError {
  constructor(message: string) {
    super(message, 429, 'too_many_requests')
  }
}
