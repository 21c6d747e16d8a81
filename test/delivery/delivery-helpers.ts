import type { AppContext } from '../../src/context.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../../src/delivery/delivery.service.js'
import type { LetterLanguage } from '../../src/letters/letter-document.js'
import { createLetter } from '../../src/letters/letters.service.js'
import { hashToken } from '../../src/lib/tokens.js'
import type { PassOptions } from '../../src/outbox/index.js'
import { createTransport, type MailTransport } from '../../src/outbox/transports.js'
import { runJobsThenDrain } from '../../src/periodic-jobs.js'

/** The mission address the fixtures give France. */
export const FRANCE_EMAIL = 'france@un.int'

let counter = 0

/** A letter to France from a new supporter, its e-mail delivery asked for: the link's token. */
export async function letterAwaitingConfirmation(
  ctx: AppContext,
  options: { state?: string; email?: string; name?: string; language?: LetterLanguage } = {},
): Promise<{ id: string; token: string; email: string }> {
  counter++
  const email = options.email ?? `supporter${counter}@example.org`
  const letter = await createLetter(ctx, {
    state: options.state ?? 'FRA',
    language: options.language ?? 'en',
    supporter: { name: options.name ?? `Supporter ${counter}`, city: 'Nairobi', country: 'KE', email },
    personalNote: `Personal paragraph number ${counter}.`,
  })
  await requestEmailDelivery(ctx, letter.id, {})
  return { id: letter.id, token: await tokenFromOutbox(ctx, letter.id), email }
}

/**
 * A letter confirmed by its writer, queued for the mission. As in life, the confirmation e-mail
 * goes out (through `transport`) before the writer can use its link.
 */
export async function confirmedLetter(
  ctx: AppContext,
  transport: MailTransport,
  options: { state?: string; email?: string; name?: string; language?: LetterLanguage } = {},
) {
  const pending = await letterAwaitingConfirmation(ctx, options)
  await runJobsThenDrain(ctx, transport)
  await confirmEmailDelivery(ctx, pending.token)
  return pending
}

/**
 * The token in the confirmation link waiting in the outbox, read back as a supporter would read
 * it from the e-mail (the letter stores only its digest).
 */
export async function tokenFromOutbox(ctx: AppContext, publicId: string): Promise<string> {
  const row = await ctx.db
    .selectFrom('outbox_message')
    .innerJoin('letter', 'letter.id', 'outbox_message.letter_id')
    .select(['outbox_message.payload', 'letter.confirm_token_hash'])
    .where('letter.public_id', '=', publicId)
    .where('outbox_message.kind', '=', 'confirmation')
    .orderBy('outbox_message.id', 'desc')
    .executeTakeFirstOrThrow()
  const url = (JSON.parse(row.payload ?? '{}') as { url: string }).url
  const token = url.split('/').pop() ?? ''
  if (hashToken(token) !== row.confirm_token_hash) throw new Error('the link does not match the letter')
  return token
}

export async function letterStatus(ctx: AppContext, publicId: string): Promise<string> {
  const row = await ctx.db
    .selectFrom('letter')
    .select('status')
    .where('public_id', '=', publicId)
    .executeTakeFirstOrThrow()
  return row.status
}

export function transportFor(ctx: AppContext): MailTransport {
  return createTransport(ctx.config.mail)
}

export async function pass(ctx: AppContext, transport: MailTransport, options: PassOptions = {}) {
  return runJobsThenDrain(ctx, transport, options)
}
