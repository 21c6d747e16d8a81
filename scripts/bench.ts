/**
 * npm run bench [-- --seconds 10 --connections 20 --write-readme]
 * npx tsx scripts/bench.ts --only "list of states"   (just the routes whose label contains it)
 * npx tsx scripts/bench.ts --against a9aea09   (also the English pages of that revision, beside)
 *
 * --against REV checks REV out in a temporary git worktree (sharing this node_modules), starts its
 * server on its own fresh database beside this one, and loads its English pages in the same
 * interleaved rounds as the pages in each language: what a page cost before a change, measured
 * on the same machine in the same minutes.
 *
 * Starts the real server (`src/server.ts`) as a child process on a fresh SQLite file, fills the
 * directory from the Blue Book where ../shared/reference is present, then loads each read route
 * with autocannon from this process. Prints a Markdown table; --write-readme puts it in the
 * README between the bench markers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { projectPath } from '../src/lib/paths.js'
import { writeReadmeFigures } from './lib/readme-figures.js'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    'write-readme': { type: 'boolean', default: false },
    only: { type: 'string' },
    against: { type: 'string' },
  },
})
if (args.only && args['write-readme']) throw new Error('--only measures a part: it cannot --write-readme')
const seconds = Number(args.seconds)
const connections = Number(args.connections)
const PORT = 3917
const BASE = `http://127.0.0.1:${PORT}`
const TSX = projectPath('node_modules/.bin/tsx')
const REFERENCE = path.resolve(projectPath(), '../shared/reference/un-bluebook-2024-12-18.json')

interface Route {
  label: string
  path: string
  headers?: Record<string, string>
  /** A page measured in each language: compared with its English row (issue 15: within 10%). */
  page?: { name: string; language: string }
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
  /** The server's CPU time (user + system) per request answered, in ms. */
  cpuMs: number
}

async function load(route: Route, duration: number, pid: number, base = BASE): Promise<Run> {
  const before = cpuTicks(pid)
  const result = await autocannon({
    url: base + route.path,
    connections,
    duration,
    headers: route.headers ?? {},
  })
  const ms = ((cpuTicks(pid) - before) * 1000) / CLOCK_TICKS
  return { result, cpuMs: ms / Math.max(1, result.requests.total) }
}

// /proc/<pid>/stat counts CPU time in clock ticks: 100 a second on Linux (getconf CLK_TCK).
const CLOCK_TICKS = 100

/**
 * CPU time so far (user + system, in clock ticks) of the process and its descendants: `tsx` runs
 * the server in a child node process.
 */
function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3 (state).
  const own = Number(fields[11]) + Number(fields[12])
  const children = fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number)
  return own + children.reduce((sum, child) => sum + cpuTicks(child), 0)
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

async function waitForHealth(child: ChildProcess, base: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server did not become healthy within 10 s')
}

/** A server of `root` (this checkout or a worktree) on `port`, with its own database in `dir`. */
function startServer(root: string, port: number, dir: string) {
  const env = {
    ...process.env,
    DATABASE_PATH: path.join(dir, `bench-${port}.sqlite`),
    PORT: String(port),
    LOG_LEVEL: 'warn',
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

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-bench-'))
  const lines: string[] = []

  const started = Date.now()
  const { child, env } = startServer(projectPath(), PORT, dir)
  const worktree = args.against ? worktreeOf(args.against, dir) : null
  const before = worktree ? startServer(worktree.root, PORT + 1, dir) : null
  try {
    await waitForHealth(child, BASE)
    lines.push(`- first start (create, migrate, seed 195 states) to healthy: ${Date.now() - started} ms`)

    if (fs.existsSync(REFERENCE)) {
      const t0 = Date.now()
      importReference(projectPath(), env)
      lines.push(
        `- Blue Book import of un-bluebook-2024-12-18.json (192 missions), whole command: ${Date.now() - t0} ms`,
      )
    } else {
      lines.push(
        '- Blue Book import: skipped, ../shared/reference is absent (missions without contact details)',
      )
    }
    if (before && worktree) {
      await waitForHealth(before.child, before.base)
      if (fs.existsSync(REFERENCE)) importReference(worktree.root, before.env)
    }
    const rssBefore = rssMiB(child.pid!)

    const routes = ROUTES.filter((each) => !args.only || each.label.includes(args.only!))
    const pid = child.pid!
    const results = new Map<Route, Run>()
    for (const route of routes.filter((each) => !each.page))
      results.set(route, await load(route, seconds, pid))
    // The pages in each language are compared with each other: measured in ROUNDS interleaved
    // rounds, a third of the time each, and the round with the median CPU time kept, so that a
    // busier minute of the machine falls on every language alike rather than on one.
    const perRound = new Map<Route, Run[]>()
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
    // A second of each first, unrecorded: the first requests of a page compile its code.
    for (const route of routes.filter((each) => each.page)) await load(route, 1, pid)
    for (const route of earlier) await load(route, 1, before!.child.pid!, before!.base)
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of routes.filter((each) => each.page))
        perRound.set(route, [...(perRound.get(route) ?? []), await load(route, seconds / ROUNDS, pid)])
      for (const route of earlier)
        perRound.set(route, [
          ...(perRound.get(route) ?? []),
          await load(route, seconds / ROUNDS, before!.child.pid!, before!.base),
        ])
    }
    routes.push(...earlier)
    for (const [route, runs] of perRound) {
      const sorted = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)
      results.set(route, sorted[Math.floor(sorted.length / 2)]!)
    }
    const rows: string[] = []
    const costs = new Map<Route, number>()
    for (const route of routes) {
      const { result, cpuMs } = results.get(route)!
      const errors = (route.page ? perRound.get(route)! : [results.get(route)!]).reduce(
        (sum, run) => sum + run.result.errors + run.result.timeouts + run.result.non2xx,
        0,
      )
      costs.set(route, cpuMs)
      rows.push(
        `| ${route.label} | \`${route.path}\` | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${Math.round(result.throughput.average / 1024)} | ${cpuMs.toFixed(2)} | ${errors} |`,
      )
    }
    const rssAfter = rssMiB(child.pid!)
    lines.push(`- server memory (RSS): ${rssBefore} MiB before the load, ${rssAfter} MiB after`)

    const table = [
      `Node ${process.version}, ${os.cpus().length} cores, ${connections} connections, ${seconds} s per route, server and load on one machine. The pages in each language: ${ROUNDS} interleaved rounds of ${(seconds / ROUNDS).toFixed(1)} s, the round with the median CPU time per request shown.`,
      '',
      ...lines,
      '',
      '| route | path | requests/s | p50 ms | p99 ms | KiB/s | server CPU ms per request | errors |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      ...languageComparison(costs),
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench', table)
  } finally {
    for (const server of [child, before?.child]) {
      if (!server || server.exitCode !== null) continue
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
    }
    worktree?.remove()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Each page's costliest language against its English, in the server's CPU time per request (what
 * a page costs; requests/s on a shared 2-core machine moves with whatever else runs), and the
 * target of issue 15: within 10%. With --against, also against that revision's English page.
 */
function languageComparison(costs: Map<Route, number>): string[] {
  const against = args.against
  const percent = (cost: number, base: number) => {
    const more = base > 0 ? (cost / base - 1) * 100 : 0
    return `${more >= 0 ? '+' : ''}${more.toFixed(1)}%`
  }
  const lines = [
    `| page | English: CPU ms per request | costliest other language | its CPU ms per request | against English | within 10% |${against ? ` English at ${against} | costliest against it |` : ''}`,
    `| --- | ---: | --- | ---: | ---: | --- |${against ? ' ---: | ---: |' : ''}`,
  ]
  const names = [...new Set([...costs.keys()].flatMap((route) => (route.page ? [route.page.name] : [])))]
  for (const name of names) {
    const rows = [...costs].filter(([route]) => route.page?.name === name)
    const of = (language: string) => rows.find(([route]) => route.page?.language === language)?.[1] ?? 0
    const english = of('en')
    const [costliest, cost] = rows
      .filter(([route]) => route.page?.language !== 'en' && route.page?.language !== 'before')
      .sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0]
    const within = english > 0 && cost / english <= 1.1 ? 'yes' : 'no'
    const earlier = against ? ` ${of('before').toFixed(2)} | ${percent(cost, of('before'))} |` : ''
    lines.push(
      `| ${name} | ${english.toFixed(2)} | ${costliest?.page?.language ?? ''} | ${cost.toFixed(2)} | ${percent(cost, english)} | ${within} |${earlier}`,
    )
  }
  return lines
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
