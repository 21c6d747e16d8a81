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

const ROUTES: { label: string; path: string; headers?: Record<string, string> }[] = [
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
]

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
    for (const route of ROUTES) {
      const result = await autocannon({
        url: BASE + route.path,
        connections,
        duration: seconds,
        headers: route.headers ?? {},
      })
      const errors = result.errors + result.timeouts + result.non2xx
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
    ].join('\n')
    console.log(table)
    if (args['write-readme']) writeReadmeFigures('bench', table)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
