/**
 * npm run bench:coverage [-- --database data/demo.sqlite --requests 60 --write-readme]
 *
 * Organizers' and supporters' coverage pages on a big database: start the real server
 * (`src/server.ts`, outbox worker off) on the demo database that `npm run seed:demo -- --letters
 * 1000000` makes, sign an organizer in, then time each route with sequential requests after a
 * warm-up, as one person clicking would see it. Prints a Markdown table of medians; --write-readme
 * puts it in the README between the bench-coverage markers.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { projectPath } from '../src/lib/paths.js'
import { SHELL_ACTOR } from '../src/organizers/audit.repository.js'
import { acceptInvite, inviteOrganizer } from '../src/organizers/organizer-accounts.service.js'
import { writeReadmeFigures } from './lib/readme-figures.js'

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'data/demo.sqlite' },
    requests: { type: 'string', default: '60' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const DATABASE = path.resolve(args.database)
const REQUESTS = Number(args.requests)
const PORT = 3918
const BASE = `http://127.0.0.1:${PORT}`

async function signInForBench(): Promise<string> {
  const ctx = await createContext(loadConfig({ DATABASE_PATH: DATABASE, LOG_LEVEL: 'warn' }))
  try {
    const invite = await inviteOrganizer(ctx, SHELL_ACTOR, { role: 'organizer', note: 'benchmark' })
    const { sessionToken } = await acceptInvite(ctx, invite.url.split('/').pop() ?? '', {
      name: 'Benchmark',
      email: `bench-${Date.now()}@example.org`,
      password: 'benchmark passphrase',
      passwordAgain: 'benchmark passphrase',
    })
    return `cb_organizer=${sessionToken}`
  } finally {
    await ctx.close()
  }
}

async function facts(): Promise<{
  letters: number
  supporters: number
  engagements: number
  busiest: string
}> {
  const ctx = await createContext(loadConfig({ DATABASE_PATH: DATABASE, LOG_LEVEL: 'warn' }))
  try {
    const count = async (table: 'letter' | 'engagement') =>
      Number(
        (
          await ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const supporters = await ctx.db
      .selectFrom('letter')
      .select((eb) => eb.fn.count<number>('supporter_email').distinct().as('n'))
      .executeTakeFirstOrThrow()
    const busiest = await ctx.db
      .selectFrom('state_letter_stats')
      .select('state_iso3')
      .orderBy('written', 'desc')
      .limit(1)
      .executeTakeFirst()
    return {
      letters: await count('letter'),
      supporters: Number(supporters.n),
      engagements: await count('engagement'),
      busiest: (busiest?.state_iso3 ?? 'FRA').toLowerCase(),
    }
  } finally {
    await ctx.close()
  }
}

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server did not become healthy within 30 s')
}

/** Milliseconds from sending the request to the last byte of the body. */
async function timeOnce(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now()
  const response = await fetch(url, { headers, redirect: 'manual' })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
  return performance.now() - t0
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

async function main(): Promise<void> {
  if (!fs.existsSync(DATABASE)) {
    throw new Error(`${DATABASE} does not exist: make it first with npm run seed:demo -- --letters 1000000`)
  }
  const data = await facts()
  const cookie = await signInForBench()
  const env = {
    ...process.env,
    DATABASE_PATH: DATABASE,
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
    OUTBOX_WORKER: 'off',
  }
  const child = spawn(projectPath('node_modules/.bin/tsx'), [projectPath('src/server.ts')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    await waitForHealth()
    const routes: { label: string; path: string; headers: Record<string, string> }[] = [
      { label: 'Public coverage JSON', path: '/api/coverage', headers: {} },
      { label: 'Public progress page', path: '/progress', headers: {} },
      { label: "Organizers' dashboard", path: '/organizers', headers: { cookie } },
      {
        label: 'Dashboard, filtered and sorted',
        path: '/organizers?group=african&sort=written&dir=desc',
        headers: { cookie },
      },
      { label: 'Coverage CSV export', path: '/organizers/coverage.csv', headers: { cookie } },
      {
        label: `State page (${data.busiest.toUpperCase()}, most letters)`,
        path: `/organizers/states/${data.busiest}`,
        headers: { cookie },
      },
    ]
    const rows: string[] = []
    for (const route of routes) {
      for (const encoding of ['identity', 'br']) {
        const headers: Record<string, string> = { ...route.headers, 'accept-encoding': encoding }
        try {
          for (let i = 0; i < 5; i++) await timeOnce(BASE + route.path, headers)
          const times: number[] = []
          for (let i = 0; i < REQUESTS; i++) times.push(await timeOnce(BASE + route.path, headers))
          times.sort((a, b) => a - b)
          rows.push(
            `| ${route.label} | \`${route.path}\` | ${encoding} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.95).toFixed(1)} | ${times[0]?.toFixed(1)} |`,
          )
        } catch (error) {
          rows.push(
            `| ${route.label} | \`${route.path}\` | ${encoding} | failed: ${(error as Error).message} | | |`,
          )
        }
      }
    }
    const table = [
      `Node ${process.version}, ${os.cpus().length} cores; database with ${data.letters.toLocaleString('en')} letters from ${data.supporters.toLocaleString('en')} supporters and ${data.engagements.toLocaleString('en')} engagements (${Math.round(fs.statSync(DATABASE).size / 1024 / 1024)} MiB); ${REQUESTS} sequential requests per row after 5 warm-up requests, timed to the last byte of the body, client and server on one machine.`,
      '',
      '| route | path | encoding | median ms | p95 ms | min ms |',
      '| --- | --- | --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench-coverage', table)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
