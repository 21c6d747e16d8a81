import type { AppContext } from '../app-context.js'
import { NotFoundError } from '../lib/errors.js'
import { type Actor, COMMAND_LINE_ACTOR } from './audit.repository.js'
import { findOrganizerByEmail } from './organizers.repository.js'

/**
 * The actor a command (an import, the mailing, settling a delivery) writes the audit log under:
 * the organizer account `--as EMAIL` names, marked as run from the command line, or "command
 * line" when none is named. A name that is no account, or a disabled one, is refused: the log
 * must not credit a change to someone who could not have made it.
 */
export async function commandLineActor(ctx: Pick<AppContext, 'db'>, email?: string | null): Promise<Actor> {
  if (!email) return COMMAND_LINE_ACTOR
  const row = await findOrganizerByEmail(ctx.db, email.trim().toLowerCase())
  if (!row) throw new NotFoundError(`--as ${email}: no organizer account has this e-mail address.`)
  if (row.disabled_at) throw new NotFoundError(`--as ${email}: this organizer account is disabled.`)
  return { kind: 'organizer', id: row.id, name: `${row.name} (command line)` }
}
