/**
 * npm run bench:coverage [-- --database data/demo.sqlite --database postgres://… --requests 60 --write-readme]
 *
 * Organizers' and supporters' coverage pages on a big database: start the real server
 * (`src/server.ts`, outbox worker off) on the demo database that `npm run seed:demo -- --letters
 * 1000000` makes, sign an organizer in, then time each route with sequential requests after a
 * warm-up, as one person clicking would see it. `--database` names a SQLite file or a PostgreSQL
 * database's URL, and may be given more than once (issue 17: the same demo on both engines): a
 * server is started on each, each route timed on one then the next, and the table puts them side
 * by side. Without it: DATABASE_URL where set, else data/demo.sqlite. Prints a Markdown table of
 * medians; --write-readme puts it in the README between the bench-coverage markers.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { projectPath } from '../src/lib/paths.js'
import { SHELL_ACTOR } from '../src/organizers/audit.repository.js'
import { acceptInvite, inviteOrganizer } from '../src/organizers/organizer-accounts.service.js'
import { ENGINE_LABEL } from './lib/bench-engines.js'
import { type DemoLocation, databaseBytes, demoLocation } from './lib/demo-database.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { freePort } from './lib/test-postgres.js'

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', multiple: true },
    requests: { type: 'string', default: '60' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const DATABASES = (args.database ?? [process.env.DATABASE_URL?.trim() || 'data/demo.sqlite']).map((given) => {
  const target = demoLocation(given)
  return target.engine === 'sqlite' ? { ...target, location: path.resolve(given) } : target
})
const REQUESTS = Number(args.requests)

/** The environment that points the server and the contexts below at `target`. */
const databaseEnv = (target: DemoLocation) =>
  target.engine === 'sqlite'
    ? { DATABASE_PATH: target.location, DATABASE_URL: '' }
    : { DATABASE_URL: target.location }

async function signInForBench(target: DemoLocation): Promise<string> {
  const ctx = await createContext(loadConfig({ ...databaseEnv(target), LOG_LEVEL: 'warn' }))
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

async function facts(target: DemoLocation): Promise<{
  letters: number
  supporters: number
  engagements: number
  busiest: string
  /** The newest ask's id: the dashboard and the CSV are timed filtered by it. */
  newestAsk: number
  bytes: number
}> {
  const ctx = await createContext(loadConfig({ ...databaseEnv(target), LOG_LEVEL: 'warn' }))
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
    const newest = await ctx.db
      .selectFrom('ask')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
    return {
      letters: await count('letter'),
      supporters: Number(supporters.n),
      engagements: await count('engagement'),
      busiest: (busiest?.state_iso3 ?? 'FRA').toLowerCase(),
      newestAsk: Number(newest?.id ?? 1),
      bytes: await databaseBytes(target),
    }
  } finally {
    await ctx.close()
  }
}

async function waitForHealth(base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
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

/** A server on one demo database, with what it holds and an organizer's session. */
interface Target {
  database: DemoLocation
  data: Awaited<ReturnType<typeof facts>>
  cookie: string
  base: string
  child: ChildProcess
}

async function startTarget(database: DemoLocation): Promise<Target> {
  if (database.engine === 'sqlite' && !fs.existsSync(database.location)) {
    throw new Error(
      `${database.location} does not exist: make it first with npm run seed:demo -- --letters 1000000`,
    )
  }
  const data = await facts(database)
  const cookie = await signInForBench(database)
  const port = await freePort()
  const child = spawn(projectPath('node_modules/.bin/tsx'), [projectPath('src/server.ts')], {
    env: {
      ...process.env,
      ...databaseEnv(database),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      OUTBOX_WORKER: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitForHealth(base)
  } catch (error) {
    await stop(child)
    throw error
  }
  return { database, data, cookie, base, child }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** One route on one server: its median, p95 and least time, or why it failed. */
async function timeRoute(target: Target, path: string, headers: Record<string, string>) {
  try {
    for (let i = 0; i < 5; i++) await timeOnce(target.base + path, headers)
    const times: number[] = []
    for (let i = 0; i < REQUESTS; i++) times.push(await timeOnce(target.base + path, headers))
    times.sort((a, b) => a - b)
    return {
      median: quantile(times, 0.5).toFixed(1),
      p95: quantile(times, 0.95).toFixed(1),
      min: times[0]!.toFixed(1),
    }
  } catch (error) {
    const failed = `failed: ${(error as Error).message}`
    return { median: failed, p95: '', min: '' }
  }
}

async function main(): Promise<void> {
  const targets: Target[] = []
  try {
    for (const database of DATABASES) targets.push(await startTarget(database))
    const first = targets[0]!
    const routes: { label: string; path: (t: Target) => string; organizers?: true }[] = [
      { label: 'Home page', path: () => '/' },
      { label: 'Public coverage JSON', path: () => '/api/coverage' },
      { label: 'Public progress page', path: () => '/progress' },
      { label: 'Public map of one ask', path: (t) => `/progress?ask=${t.data.newestAsk}` },
      { label: 'Asks with their figures (JSON)', path: () => '/api/asks' },
      { label: 'Asks in Arabic (JSON)', path: () => '/api/asks?lang=ar' },
      { label: "Organizers' dashboard", path: () => '/organizers', organizers: true },
      {
        label: 'Dashboard, filtered and sorted',
        path: () => '/organizers?group=african&sort=written&dir=desc',
        organizers: true,
      },
      { label: 'Dashboard, one ask', path: (t) => `/organizers?ask=${t.data.newestAsk}`, organizers: true },
      { label: 'Coverage CSV export', path: () => '/organizers/coverage.csv', organizers: true },
      {
        label: 'Coverage CSV, one ask',
        path: (t) => `/organizers/coverage.csv?ask=${t.data.newestAsk}`,
        organizers: true,
      },
      {
        label: `State page (${first.data.busiest.toUpperCase()}, most letters)`,
        path: (t) => `/organizers/states/${t.data.busiest}`,
        organizers: true,
      },
    ]
    const names = targets.map((t) => ENGINE_LABEL[t.database.engine])
    const rows: string[] = []
    for (const route of routes) {
      for (const encoding of ['identity', 'br']) {
        // Each server in turn on the same route: a busier moment of the machine falls on both.
        const figures: Awaited<ReturnType<typeof timeRoute>>[] = []
        for (const target of targets) {
          const headers: Record<string, string> = {
            ...(route.organizers ? { cookie: target.cookie } : {}),
            'accept-encoding': encoding,
          }
          figures.push(await timeRoute(target, route.path(target), headers))
        }
        const columns = (['median', 'p95', 'min'] as const).flatMap((measure) =>
          figures.map((f) => f[measure]),
        )
        rows.push(`| ${route.label} | \`${route.path(first)}\` | ${encoding} | ${columns.join(' | ')} |`)
      }
    }
    const header = ['median ms', 'p95 ms', 'min ms'].flatMap((measure) =>
      names.map((name) => (targets.length > 1 ? `${measure}, ${name}` : measure)),
    )
    const described = targets
      .map(
        (t) =>
          `${ENGINE_LABEL[t.database.engine]}: ${t.data.letters.toLocaleString('en')} letters from ${t.data.supporters.toLocaleString('en')} supporters and ${t.data.engagements.toLocaleString('en')} engagements (${Math.round(t.data.bytes / 1024 / 1024)} MiB)`,
      )
      .join('; ')
    const table = [
      `Node ${process.version}, ${os.cpus().length} cores; ${described}; ${REQUESTS} sequential requests per row and database after 5 warm-up requests, timed to the last byte of the body, ${targets.length > 1 ? 'the databases in turn on each row, ' : ''}client and server${targets.some((t) => t.database.engine === 'postgres') ? 's and PostgreSQL' : ''} on one machine.`,
      '',
      `| route | path | encoding | ${header.join(' | ')} |`,
      `| --- | --- | --- | ${header.map(() => '---:').join(' | ')} |`,
      ...rows,
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench-coverage', table)
  } finally {
    for (const target of targets) await stop(target.child)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
