/**
 * npm run organizer:create [-- --role admin|coordinator|organizer|viewer] [--note "for Amina"]
 *
 * Prints a one-time link that creates an organizer account (an admin by default): the way in for
 * the first admin, or for anyone when no admin can sign in. The change is audited as "shell".
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { SHELL_ACTOR } from '../src/organizers/audit.repository.js'
import { inviteOrganizer } from '../src/organizers/organizer-accounts.service.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'admin' }, note: { type: 'string', default: '' } },
  })
  const ctx = await createContext(loadConfig(process.env))
  try {
    const invite = await inviteOrganizer(ctx, SHELL_ACTOR, {
      role: values.role,
      note: values.note || undefined,
    })
    console.log(`Open this link to create the ${values.role} account (one use, until ${invite.expiresAt}):`)
    console.log(`  ${invite.url}`)
  } finally {
    await ctx.close()
  }
}

main().catch((error: unknown) => {
  const errors = (error as { errors?: Record<string, string> }).errors
  console.error(
    errors ? Object.values(errors).join('\n') : error instanceof Error ? error.message : String(error),
  )
  process.exit(1)
})
