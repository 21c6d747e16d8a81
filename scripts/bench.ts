/**
 * npm run bench [-- --seconds 10 --connections 20 --write-readme]
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
  },
})
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

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

async function waitForHealth(child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`)
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server did not become healthy within 10 s')
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-bench-'))
  const env = {
    ...process.env,
    DATABASE_PATH: path.join(dir, 'bench.sqlite'),
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
  }
  const lines: string[] = []

  const started = Date.now()
  const child = spawn(TSX, [projectPath('src/server.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'] })
  try {
    await waitForHealth(child)
    lines.push(`- first start (create, migrate, seed 195 states) to healthy: ${Date.now() - started} ms`)

    if (fs.existsSync(REFERENCE)) {
      const t0 = Date.now()
      execFileSync(TSX, [projectPath('scripts/directory-import.ts'), REFERENCE], { env, stdio: 'ignore' })
      lines.push(
        `- Blue Book import of un-bluebook-2024-12-18.json (192 missions), whole command: ${Date.now() - t0} ms`,
      )
    } else {
      lines.push(
        '- Blue Book import: skipped, ../shared/reference is absent (missions without contact details)',
      )
    }
    const rssBefore = rssMiB(child.pid!)

    const rows: string[] = []
    const rates = new Map<Route, number>()
    for (const route of ROUTES) {
      const result = await autocannon({
        url: BASE + route.path,
        connections,
        duration: seconds,
        headers: route.headers ?? {},
      })
      const errors = result.errors + result.timeouts + result.non2xx
      rates.set(route, result.requests.average)
      rows.push(
        `| ${route.label} | \`${route.path}\` | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${Math.round(result.throughput.average / 1024)} | ${errors} |`,
      )
    }
    const rssAfter = rssMiB(child.pid!)
    lines.push(`- server memory (RSS): ${rssBefore} MiB before the load, ${rssAfter} MiB after`)

    const table = [
      `Node ${process.version}, ${os.cpus().length} cores, ${connections} connections, ${seconds} s per route, server and load on one machine.`,
      '',
      ...lines,
      '',
      '| route | path | requests/s | p50 ms | p99 ms | KiB/s | errors |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      ...languageComparison(rates),
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench', table)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Each page's slowest language against its English: requests/s, and the target of 10%. */
function languageComparison(rates: Map<Route, number>): string[] {
  const lines = [
    '| page | English requests/s | slowest other language | its requests/s | cost against English | within 10% |',
    '| --- | ---: | --- | ---: | ---: | --- |',
  ]
  const names = [...new Set([...rates.keys()].flatMap((route) => (route.page ? [route.page.name] : [])))]
  for (const name of names) {
    const rows = [...rates].filter(([route]) => route.page?.name === name)
    const english = rows.find(([route]) => route.page?.language === 'en')?.[1] ?? 0
    const [slowest, rate] = rows
      .filter(([route]) => route.page?.language !== 'en')
      .sort((a, b) => a[1] - b[1])[0] ?? [undefined, 0]
    const cost = english > 0 ? (english / rate - 1) * 100 : 0
    lines.push(
      `| ${name} | ${Math.round(english)} | ${slowest?.page?.language ?? ''} | ${Math.round(rate)} | ${cost >= 0 ? '+' : ''}${cost.toFixed(1)}% | ${cost <= 10 ? 'yes' : 'no'} |`,
    )
  }
  return lines
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
