/**
 * npm run fuzz [-- --requests 5000 --seed fuzz-1 --write-readme]
 *
 * Thousands of malformed requests against every route of the app (scripts/lib/reliability-fuzz.ts),
 * in-process with app.inject on a fresh, seeded SQLite file, anonymous and as a signed-in
 * organizer. Exits with status 1 on any 5xx or any 4xx without a message, printing the failing
 * requests; the same --seed replays the same requests.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { createLetter } from '../src/letters/letters.service.js'
import { signInOrganizer } from '../test/helpers/organizer-session.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { buildFuzzRequests, listAppRoutes, runFuzz } from './lib/reliability-fuzz.js'
import { runReliabilityScript } from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    seed: { type: 'string', default: 'code-blue-fuzz-1' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const count = Number(args.requests)
if (!Number.isInteger(count) || count < 1) {
  console.error(`--requests must be a whole number above 0 (got "${args.requests}")`)
  process.exit(1)
}

async function main(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-fuzz-'))
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'fuzz.sqlite'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    LOG_LEVEL: 'silent',
    // The fuzzer is one client sending thousands of requests: limits would answer 429 to most.
    RATE_LIMIT_LETTERS: '1000000',
    RATE_LIMIT_SENDS: '1000000',
    RATE_LIMIT_LOGINS: '1000000',
  })
  const ctx = await createContext(config, { log: pino({ level: 'silent' }) })
  const app = await buildApp({ ctx })
  try {
    await app.ready()
    const letter = await createLetter(ctx, {
      state: 'TCD',
      supporter: { name: 'Fuzz Writer', country: 'KE', email: 'fuzz@supporters.example' },
    })
    const organizer = await signInOrganizer(app, ctx, { role: 'admin' })
    const routes = listAppRoutes(app)
    const requests = buildFuzzRequests(routes, args.seed, count, {
      letterId: letter.id,
      organizer: { cookie: organizer.cookie, csrfToken: organizer.csrfToken },
    })
    const report = await runFuzz(app, args.seed, requests, routes.length)

    const statuses = Object.entries(report.byStatus)
      .sort()
      .map(([group, n]) => `${group} ${n}`)
      .join(', ')
    const kinds = Object.keys(report.byKind).length
    const table = [
      `Node ${process.version}, in-process (app.inject), seed \`${report.seed}\`.`,
      '',
      '| measure | result |',
      '| --- | --- |',
      `| requests | ${report.requests} over all ${report.routes} routes (anonymous, forged sessions and CSRF tokens, a signed-in admin), ${kinds} kinds of malformation, in ${(report.ms / 1000).toFixed(1)} s |`,
      `| answers | ${statuses} |`,
      `| 5xx | **${report.failures.filter((f) => f.status >= 500).length}** (target 0) |`,
      `| 4xx without a message, or a file served by traversal | **${report.failures.filter((f) => f.status < 500).length}** (target 0) |`,
    ].join('\n')
    console.log(table)
    if (report.failures.length > 0) {
      console.error(`\n${report.failures.length} FAILED (replay with --seed ${report.seed}):`)
      for (const failure of report.failures.slice(0, 30)) console.error(JSON.stringify(failure))
      return false
    }
    if (args['write-readme']) writeReadmeFigures('fuzz', table)
    return true
  } finally {
    await app.close()
    await ctx.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

runReliabilityScript(main)
