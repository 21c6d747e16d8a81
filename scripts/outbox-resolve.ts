/**
 * npm run outbox:resolve -- REFERENCE --sent | --resend [--as EMAIL]
 *                           [--checked-by NAME] [--how email|phone|in_person|other] [--found TEXT]
 *
 * Settles a letter whose e-mail delivery is uncertain (interrupted) or failed, once an organizer
 * has checked with the mission: --sent records it as delivered, --resend queues it again. Written
 * to the audit log under the organizer --as names (else "command line"), with the check when
 * --found says what the mission answered. The outbox page (/organizers/outbox) does the same.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { CHECK_METHODS, type CheckMethod, type MissionCheck } from '../src/delivery/mission-check-input.js'
import { resolveDelivery } from '../src/delivery/outbox-resolve.js'
import { commandLineActor } from '../src/organizers/index.js'
import { runDatabaseScript } from './lib/db-script.js'

const USAGE =
  'usage: npm run outbox:resolve -- REFERENCE --sent | --resend [--as EMAIL] [--checked-by NAME] [--how email|phone|in_person|other] [--found TEXT]'

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sent: { type: 'boolean', default: false },
      resend: { type: 'boolean', default: false },
      as: { type: 'string' },
      'checked-by': { type: 'string' },
      how: { type: 'string' },
      found: { type: 'string' },
    },
  })
  const reference = positionals[0]
  if (!reference || values.sent === values.resend) throw new Error(USAGE)
  const how = values.how ?? 'other'
  if (!(how in CHECK_METHODS))
    throw new Error(`--how must be one of ${Object.keys(CHECK_METHODS).join(', ')} (not ${how})`)
  if ((values['checked-by'] || values.how) && !values.found)
    throw new Error('--found TEXT is needed with --checked-by or --how: say what the mission answered')
  const ctx = await createContext(loadConfig(process.env))
  try {
    const actor = await commandLineActor(ctx, values.as)
    const check: MissionCheck | null = values.found
      ? {
          checkedBy: values['checked-by'] ?? (actor.kind === 'organizer' ? actor.name : 'command line'),
          how: how as CheckMethod,
          found: values.found.trim().slice(0, 1000),
        }
      : null
    console.log(await resolveDelivery(ctx, reference, values.sent ? 'sent' : 'resend', { actor, check }))
  } finally {
    await ctx.close()
  }
}

runDatabaseScript(USAGE, main)
