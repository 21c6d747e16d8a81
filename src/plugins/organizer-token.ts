import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { AppError } from '../lib/errors.js'

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(message, 401, 'unauthorized')
  }
}

/**
 * An onRequest hook for organizers' JSON routes (before validation: strangers learn nothing): the bearer token from ORGANIZER_TOKEN.
 * @TODO organizer accounts and sessions replace this (the organizers' issue).
 */
export function requireOrganizerToken(config: Pick<Config, 'organizerToken'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const expected = config.organizerToken
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? ''
    // Compared as digests: equal lengths for timingSafeEqual, whatever was sent.
    const digest = (text: string) => createHash('sha256').update(text).digest()
    const ok = expected !== null && timingSafeEqual(digest(given), digest(expected))
    if (!ok) {
      reply.header('www-authenticate', 'Bearer')
      throw new UnauthorizedError(
        'This is for organizers: send the organizer token as Authorization: Bearer <token>.',
      )
    }
  }
}

/**
 * The same token for organizers' pages, as the password of HTTP Basic authentication (any user
 * name), which every browser asks for by itself.
 * @TODO organizer accounts and sessions replace this (the organizers' issue).
 */
export function requireOrganizerBasic(config: Pick<Config, 'organizerToken'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const expected = config.organizerToken
    const encoded = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? ''
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
    const password = decoded.slice(decoded.indexOf(':') + 1)
    const digest = (text: string) => createHash('sha256').update(text).digest()
    if (expected === null || !timingSafeEqual(digest(password), digest(expected))) {
      reply.header('www-authenticate', 'Basic realm="Code Blue organizers", charset="UTF-8"')
      throw new UnauthorizedError(
        expected === null
          ? 'Organizer pages are closed: set ORGANIZER_TOKEN to open them.'
          : 'This page is for organizers: sign in with the organizer token as the password.',
      )
    }
  }
}
