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
