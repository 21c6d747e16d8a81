import type { AppContext } from '../app-context.js'
import { foldEmail } from './letter-redaction.js'
import { countLettersByFoldedEmails } from './letters.repository.js'

// How many letters each address wrote, whatever case each letter typed it in: one query and one
// folding rule (`foldEmail`) for the member's own page and the organizers' members list alike.

/** Letters written from each of `emails`, keyed by the addresses as given (0 for none). */
export async function countLettersByAddress(
  ctx: Pick<AppContext, 'db'>,
  emails: readonly string[],
): Promise<Map<string, number>> {
  const wanted = emails.filter((email) => email !== '')
  const counts = await countLettersByFoldedEmails(ctx.db, [...new Set(wanted.map(foldEmail))])
  return new Map(emails.map((email) => [email, email ? (counts.get(foldEmail(email)) ?? 0) : 0]))
}

/** Letters written from one address (a returning supporter is recognised by it, without an account). */
export async function countLettersOfAddress(ctx: Pick<AppContext, 'db'>, email: string): Promise<number> {
  return (await countLettersByAddress(ctx, [email])).get(email) ?? 0
}
