/**
 * npm run bench [-- --seconds 10 --connections 20 --engines sqlite,postgres --database-url URL --write-readme]
 * npx tsx scripts/bench.ts --only "list of states"   (just the routes whose label contains it)
 * npx tsx scripts/bench.ts --against a9aea09   (also the English pages of that revision, beside)
 *
 * --against REV checks REV out in a temporary git worktree (sharing this node_modules), starts its
 * server on its own fresh SQLite file beside this one, and loads its English pages in the same
 * interleaved rounds as the pages in each language: what a page cost before a change, measured
 * on the same machine in the same minutes.
 *
 * Starts the real server (`src/server.ts`) as a child process on each engine (issue 17): on a
 * fresh SQLite file and on a fresh PostgreSQL database (the server at --database-url or
 * DATABASE_URL, else a throwaway cluster started for the run; scripts/lib/bench-engines.ts), fills
 * the directory from the Blue Book where ../shared/reference is present, then loads each read
 * route, and the letter write (POST /api/letters), with autocannon from this process, the engines
 * one after the other on each route. Prints a Markdown table with the engines side by side;
 * --write-readme puts it in the README between the bench markers. On PostgreSQL the CPU per request
 * counts the server and, where this script started the cluster, PostgreSQL's processes too.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { projectPath } from '../src/lib/paths.js'
import {
  type BenchEngine,
  type BenchPostgres,
  databaseEnv,
  ENGINE_LABEL,
  parseEngines,
  startBenchPostgres,
} from './lib/bench-engines.js'
import { cpuMsOf } from './lib/process-cpu.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { freePort } from './lib/test-postgres.js'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'database-url': { type: 'string' },
    'write-readme': { type: 'boolean', default: false },
    only: { type: 'string' },
    against: { type: 'string' },
  },
})
if (args.only && args['write-readme']) throw new Error('--only measures a part: it cannot --write-readme')
const seconds = Number(args.seconds)
const connections = Number(args.connections)
const engines = parseEngines(args.engines)
const TSX = projectPath('node_modules/.bin/tsx')
const REFERENCE = path.resolve(projectPath(), '../shared/reference/un-bluebook-2024-12-18.json')
const COUNTRIES = ['KE', 'FR', 'BR', 'IN', 'ZA', 'CA', 'MX', 'DE', 'NG', 'JP']

interface Route {
  label: string
  path: string
  headers?: Record<string, string>
  /** A page measured in each language: compared with its English row (issue 15: within 10%). */
  page?: { name: string; language: string }
  /** The letter write: POST /api/letters, each request a new letter from a new writer. */
  write?: true
}

const ROUTES: Route[] = [
  { label: 'JSON: all 195 states', path: '/api/states' },
  {
    label: 'JSON: all 195 states, compressed (br)',
    path: '/api/states',
    headers: { 'accept-encoding': 'br, gzip' },
  },
  { label: 'JSON: filtered (African Group)', path: '/api/states?group=african' },
  { label: 'JSON: one state with history', path: '/api/states/TCD' },
  { label: 'Page: list of states', path: '/states' },
  {
    label: 'Page: list of states, compressed (br)',
    path: '/states',
    headers: { 'accept-encoding': 'br, gzip' },
  },
  { label: 'Page: one state', path: '/states/tcd' },
  { label: 'Write a letter (201)', path: '/api/letters', write: true },
  ...inLanguages('home page', '/', ['en', 'ar', 'zh', 'fr', 'ru', 'es']),
  ...inLanguages('list of states', '/states', ['en', 'ar', 'zh', 'fr', 'ru', 'es']),
  ...inLanguages('one state', '/states/tcd', ['en', 'ar', 'zh', 'fr']),
  ...inLanguages('write form', '/write/fra', ['en', 'ar', 'zh', 'fr']),
]

/** The same page in each language, each asked for by its address (`?lang=`), as a shared link does. */
function inLanguages(name: string, path: string, languages: string[]): Route[] {
  return languages.map((language) => ({
    label: `Page: ${name}, ${language}`,
    path: `${path}?lang=${language}`,
    page: { name, language },
  }))
}

/** Interleaved rounds for the pages in each language (see main). */
const ROUNDS = 3

interface Run {
  result: autocannon.Result
  /** The CPU time (user + system) per request answered, in ms, of the server (and its database). */
  cpuMs: number
}

/** A server under load: where it answers, and the processes whose CPU time it costs. */
interface Target {
  base: string
  pids: number[]
}

let writer = 0

async function load(route: Route, duration: number, target: Target): Promise<Run> {
  const cpu = () => target.pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0)
  const before = cpu()
  const result = await autocannon({
    url: target.base + route.path,
    connections,
    duration,
    headers: route.headers ?? {},
    ...(route.write ? { requests: [letterRequest()] } : {}),
  })
  const ms = cpu() - before
  return { result, cpuMs: ms / Math.max(1, result.requests.total) }
}

/** A new letter from a new writer to a member state, as the write form sends it. */
function letterRequest(): autocannon.Request {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      const n = ++writer
      return {
        ...req,
        body: JSON.stringify({
          state: STATES[n % STATES.length],
          supporter: {
            name: `Bench Writer ${n}`,
            city: 'Nairobi',
            country: COUNTRIES[n % COUNTRIES.length],
            email: `bench-${n}@supporters.example`,
          },
          personalNote: `A personal paragraph from bench writer ${n}.`,
        }),
      }
    },
  }
}
// Member states from every regional group, so letters spread over the counters' rows as in life.
const STATES = ['FRA', 'KEN', 'BRA', 'IND', 'USA', 'JPN', 'NGA', 'DEU', 'MEX', 'ZAF', 'CAN', 'TCD']

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

async function waitForHealth(child: ChildProcess, base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server did not become healthy within 30 s')
}

/** A server of `root` (this checkout or a worktree) on a free port, on the database `database` says. */
async function startServer(root: string, database: Record<string, string>) {
  const port = await freePort()
  const env = {
    ...process.env,
    ...database,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // The write route sends thousands of letters from one address.
    RATE_LIMIT_LETTERS: '1000000',
  }
  const child = spawn(TSX, [path.join(root, 'src/server.ts')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return { child, env, base: `http://127.0.0.1:${port}` }
}

/** The directory filled from the Blue Book, as `npm run directory:import` does. */
function importReference(root: string, env: NodeJS.ProcessEnv): void {
  execFileSync(TSX, [path.join(root, 'scripts/directory-import.ts'), REFERENCE], { env, stdio: 'ignore' })
}

/** REV checked out beside this one, sharing its node_modules; removed by `remove`. */
function worktreeOf(rev: string, dir: string): { root: string; remove(): void } {
  const root = path.join(dir, 'against')
  execFileSync('git', ['worktree', 'add', '--detach', root, rev], { cwd: projectPath(), stdio: 'ignore' })
  fs.symlinkSync(projectPath('node_modules'), path.join(root, 'node_modules'))
  return {
    root,
    remove: () => execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: projectPath() }),
  }
}

/** One engine's server, started on a fresh database, its directory imported. */
interface EngineServer {
  engine: BenchEngine
  child: ChildProcess
  target: Target
  lines: string[]
  drop(): Promise<void>
}

async function startEngine(
  engine: BenchEngine,
  dir: string,
  postgres: BenchPostgres | null,
): Promise<EngineServer> {
  const database = engine === 'postgres' ? await postgres!.createDatabase('bench') : null
  const started = Date.now()
  const server = await startServer(
    projectPath(),
    databaseEnv(path.join(dir, `bench-${engine}.sqlite`), database?.url ?? null),
  )
  const label = ENGINE_LABEL[engine]
  const lines: string[] = []
  const running: EngineServer = {
    engine,
    child: server.child,
    target: {
      base: server.base,
      // The database's own CPU time counts on PostgreSQL, where it runs in processes apart.
      pids: [server.child.pid!, ...(engine === 'postgres' && postgres?.pid ? [postgres.pid] : [])],
    },
    lines,
    drop: async () => {
      await stopChild(server.child)
      await database?.drop()
    },
  }
  try {
    await waitForHealth(server.child, server.base)
    lines.push(
      `- ${label}: first start (create, migrate, seed 195 states) to healthy: ${Date.now() - started} ms`,
    )
    if (fs.existsSync(REFERENCE)) {
      const t0 = Date.now()
      importReference(projectPath(), server.env)
      lines.push(
        `- ${label}: Blue Book import of un-bluebook-2024-12-18.json (192 missions), whole command: ${Date.now() - t0} ms`,
      )
    } else {
      lines.push(
        `- ${label}: Blue Book import skipped, ../shared/reference is absent (missions without contact details)`,
      )
    }
    return running
  } catch (error) {
    await running.drop()
    throw error
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** A route's measure on one engine (or on --against's server, under the label 'before'). */
type Key = `${string}|${BenchEngine}`
const keyOf = (route: Route, engine: BenchEngine): Key => `${route.label}|${engine}`

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-bench-'))
  const postgres = engines.includes('postgres')
    ? await startBenchPostgres(args['database-url'] ?? process.env.DATABASE_URL)
    : null
  const servers: EngineServer[] = []
  const worktree = args.against ? worktreeOf(args.against, dir) : null
  let before: Awaited<ReturnType<typeof startServer>> | null = null
  try {
    for (const engine of engines) servers.push(await startEngine(engine, dir, postgres))
    if (worktree) {
      before = await startServer(worktree.root, databaseEnv(path.join(dir, 'before.sqlite'), null))
      await waitForHealth(before.child, before.base)
      if (fs.existsSync(REFERENCE)) importReference(worktree.root, before.env)
    }
    const lines = servers.flatMap((server) => server.lines)
    const rssBefore = servers.map((server) => rssMiB(server.child.pid!))

    const routes = ROUTES.filter((each) => !args.only || each.label.includes(args.only!))
    const results = new Map<Key, Run>()
    // Each route on each engine, one right after the other: a busier moment falls on both.
    for (const route of routes.filter((each) => !each.page))
      for (const server of servers)
        results.set(keyOf(route, server.engine), await load(route, seconds, server.target))
    // The pages in each language are compared with each other: measured in ROUNDS interleaved
    // rounds, a third of the time each, and the round with the median CPU time kept, so that a
    // busier minute of the machine falls on every language alike rather than on one.
    const perRound = new Map<Key, Run[]>()
    // The English pages of --against REV, by their bare paths (REV may know no `?lang=`).
    const earlier: Route[] = before
      ? routes
          .filter((each) => each.page?.language === 'en')
          .map((each) => ({
            label: `Page: ${each.page!.name}, en, ${args.against}`,
            path: each.path.replace(/[?&]lang=en$/, ''),
            page: { name: each.page!.name, language: 'before' },
          }))
      : []
    const beforeTarget: Target | null = before ? { base: before.base, pids: [before.child.pid!] } : null
    const pages = routes.filter((each) => each.page)
    // A second of each first, unrecorded: the first requests of a page compile its code.
    for (const route of pages) for (const server of servers) await load(route, 1, server.target)
    for (const route of earlier) await load(route, 1, beforeTarget!)
    const record = (key: Key, run: Run) => perRound.set(key, [...(perRound.get(key) ?? []), run])
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of pages)
        for (const server of servers)
          record(keyOf(route, server.engine), await load(route, seconds / ROUNDS, server.target))
      // --against's server runs on SQLite: its rows stand in the SQLite columns.
      for (const route of earlier)
        record(keyOf(route, 'sqlite'), await load(route, seconds / ROUNDS, beforeTarget!))
    }
    routes.push(...earlier)
    for (const [key, runs] of perRound) {
      const sorted = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)
      results.set(key, sorted[Math.floor(sorted.length / 2)]!)
    }
    const errorsOf = (key: Key) =>
      (perRound.get(key) ?? [results.get(key)!]).reduce(
        (sum, run) => sum + run.result.errors + run.result.timeouts + run.result.non2xx,
        0,
      )
    const cell = (route: Route, engine: BenchEngine, value: (run: Run) => string) => {
      const run = results.get(keyOf(route, engine))
      return run ? value(run) : '–'
    }
    const shown = servers.map((server) => server.engine)
    const METRICS: [string, (run: Run) => string][] = [
      ['requests/s', (run) => String(Math.round(run.result.requests.average))],
      ['p50 ms', (run) => String(run.result.latency.p50)],
      ['p99 ms', (run) => String(run.result.latency.p99)],
      ['KiB/s', (run) => String(Math.round(run.result.throughput.average / 1024))],
      ['CPU ms per request', (run) => run.cpuMs.toFixed(2)],
    ]
    const rows = routes.map((route) => {
      const cells = METRICS.flatMap(([, value]) => shown.map((engine) => cell(route, engine, value)))
      const errors = shown.map((engine) =>
        results.has(keyOf(route, engine)) ? String(errorsOf(keyOf(route, engine))) : '–',
      )
      return `| ${route.label} | \`${route.write ? 'POST ' : ''}${route.path}\` | ${cells.join(' | ')} | ${errors.join(' / ')} |`
    })
    const costs = new Map<Key, number>()
    for (const [key, run] of results) costs.set(key, run.cpuMs)
    for (const [i, server] of servers.entries()) {
      lines.push(
        `- ${ENGINE_LABEL[server.engine]}: server memory (RSS): ${rssBefore[i]} MiB before the load, ${rssMiB(server.child.pid!)} MiB after`,
      )
    }
    const header = METRICS.flatMap(([name]) => shown.map((engine) => `${name}, ${ENGINE_LABEL[engine]}`))
    const table = [
      `Node ${process.version}, ${os.cpus().length} cores, ${connections} connections, ${seconds} s per route and engine, server${postgres ? ', PostgreSQL' : ''} and load on one machine. ${shown.map((engine) => (engine === 'sqlite' ? 'SQLite (WAL) on a fresh file' : `${postgres!.description}, a fresh database`)).join('; ')}; the engines one after the other on each route. CPU per request: the server's${postgres?.pid ? ", and on PostgreSQL its cluster's processes too" : ''}. The pages in each language: ${ROUNDS} interleaved rounds of ${(seconds / ROUNDS).toFixed(1)} s, the round with the median CPU time per request shown. The letter write: each request a new letter from a new writer to one of 12 states in turn (RATE_LIMIT_LETTERS raised for the run).`,
      '',
      ...lines,
      '',
      `| route | path | ${header.join(' | ')} | errors (${shown.map((engine) => ENGINE_LABEL[engine]).join(' / ')}) |`,
      `| --- | --- | ${header.map(() => '---:').join(' | ')} | ---: |`,
      ...rows,
      '',
      ...languageComparison(routes, costs, shown),
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench', table)
  } finally {
    for (const server of servers) await server.drop()
    if (before) await stopChild(before.child)
    worktree?.remove()
    await postgres?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Each page's costliest language against its English, in the server's CPU time per request (what
 * a page costs; requests/s on a shared 2-core machine moves with whatever else runs), and the
 * target of issue 15: within 10%. With --against, also against that revision's English page.
 */
function languageComparison(routes: Route[], costs: Map<Key, number>, shown: BenchEngine[]): string[] {
  const against = args.against
  const percent = (cost: number, base: number) => {
    const more = base > 0 ? (cost / base - 1) * 100 : 0
    return `${more >= 0 ? '+' : ''}${more.toFixed(1)}%`
  }
  const lines = [
    `| page | engine | English: CPU ms per request | costliest other language | its CPU ms per request | against English | within 10% |${against ? ` English at ${against} (SQLite) | costliest against it |` : ''}`,
    `| --- | --- | ---: | --- | ---: | ---: | --- |${against ? ' ---: | ---: |' : ''}`,
  ]
  const names = [...new Set(routes.flatMap((route) => (route.page ? [route.page.name] : [])))]
  for (const name of names) {
    for (const engine of shown) {
      const rows = routes.flatMap((route) => {
        const cost = costs.get(keyOf(route, engine))
        return route.page?.name === name && cost !== undefined ? [{ route, cost }] : []
      })
      const of = (language: string) => rows.find(({ route }) => route.page?.language === language)?.cost ?? 0
      const english = of('en')
      const costliest = rows
        .filter(({ route }) => route.page?.language !== 'en' && route.page?.language !== 'before')
        .sort((a, b) => b.cost - a.cost)[0]
      const cost = costliest?.cost ?? 0
      const within = english > 0 && cost / english <= 1.1 ? 'yes' : 'no'
      // --against's server ran on SQLite: each engine's costliest page against that one.
      const beforeCost = costs.get(keyOf({ label: `Page: ${name}, en, ${against}`, path: '' }, 'sqlite')) ?? 0
      const earlier = against ? ` ${beforeCost.toFixed(2)} | ${percent(cost, beforeCost)} |` : ''
      lines.push(
        `| ${name} | ${ENGINE_LABEL[engine]} | ${english.toFixed(2)} | ${costliest?.route.page?.language ?? ''} | ${cost.toFixed(2)} | ${percent(cost, english)} | ${within} |${earlier}`,
      )
    }
  }
  return lines
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
