/**
 * npm run outbox:resolve -- REFERENCE --sent | --resend
 *
 * Settles a letter whose e-mail delivery is uncertain (interrupted) or failed, once an organizer
 * has checked with the mission: --sent records it as delivered, --resend queues it again.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { resolveDelivery } from '../src/delivery/outbox-resolve.js'

const USAGE = 'usage: npm run outbox:resolve -- REFERENCE --sent | --resend'

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { sent: { type: 'boolean', default: false }, resend: { type: 'boolean', default: false } },
  })
  const reference = positionals[0]
  if (!reference || values.sent === values.resend) throw new Error(USAGE)
  const ctx = await createContext(loadConfig(process.env))
  try {
    console.log(await resolveDelivery(ctx, reference, values.sent ? 'sent' : 'resend'))
  } finally {
    await ctx.close()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
