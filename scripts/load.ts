/**
 * npm run load [-- --seconds 60 --connections 100 --rounds 1 --instances 1 --engines sqlite,postgres
 *                 --database-url postgres://… --write-readme]
 *
 * The real server (`src/server.ts`) as a child process on each engine (issue 17): on a fresh
 * SQLite file, and on a fresh PostgreSQL database (on the server at `--database-url` or
 * DATABASE_URL, else on a throwaway cluster started for the run; scripts/lib/bench-engines.ts),
 * each created, migrated and seeded with the 195 states at the first start, the Blue Book imported
 * where ../shared/reference is present. Then autocannon from this process with mixed requests:
 * every connection cycles through five reads (the list of states as a page and as JSON, a state's
 * page, /progress, /api/coverage) and one letter written with POST /api/letters, each to a state
 * drawn at random. RATE_LIMIT_LETTERS is raised to its maximum for the run: 100 connections from
 * one address would otherwise be stopped after 60 letters an hour.
 *
 * One table with the engines side by side: throughput, latency, errors and non-2xx answers (target
 * 0), the letters the database holds afterwards, and the server's memory. `--rounds N` runs the
 * load N times on the same servers, each opening its connections afresh, the engines taking turns
 * (the order alternating, so a busier minute of a shared machine falls on both), with the memory
 * after each: a leak grows round after round, a heap that has found its size does not.
 * `--engines sqlite` or `--engines postgres` runs one. --write-readme puts the figures between the
 * load markers.
 *
 * `--instances N`: N servers on each database, behind a round-robin in this script (each
 * connection autocannon opens goes to the next instance, as a TCP load balancer does); the
 * figures go between the load-instances markers.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/connection.js'
import { projectPath } from '../src/lib/paths.js'
import {
  type BenchEngine,
  type BenchPostgres,
  databaseEnv,
  ENGINE_LABEL,
  parseEngines,
  startBenchPostgres,
} from './lib/bench-engines.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { runReliabilityScript, type ServerProcess, startServer, TSX } from './lib/reliability-server.js'
import { freePort } from './lib/test-postgres.js'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    instances: { type: 'string', default: '1' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'database-url': { type: 'string' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const seconds = Number(args.seconds)
const connections = Number(args.connections)
const rounds = Number(args.rounds)
const instances = Number(args.instances)
if (
  !(seconds > 0) ||
  !(connections > 0) ||
  !Number.isInteger(rounds) ||
  rounds < 1 ||
  !Number.isInteger(instances) ||
  instances < 1
) {
  console.error(
    '--seconds and --connections must be numbers above 0, --rounds and --instances whole numbers from 1',
  )
  process.exit(1)
}
let engines: BenchEngine[]
try {
  engines = parseEngines(args.engines)
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
const REFERENCE = path.resolve(projectPath(), '../shared/reference/un-bluebook-2024-12-18.json')
const RATE_LIMIT_LETTERS = '1000000'
const COUNTRIES = ['KE', 'FR', 'BR', 'IN', 'ZA', 'CA', 'MX', 'DE', 'NG', 'JP']

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!

/** One engine's servers, behind the round-robin when there are several, and what they measured. */
interface EngineRun {
  engine: BenchEngine
  servers: ServerProcess[]
  base: string
  iso3s: string[]
  imported: boolean
  /** Where its database is: the SQLite file or the PostgreSQL URL. */
  location: string
  results: autocannon.Result[]
  rssBefore: number
  rssAfterRound: number[]
  peakRss: number
  rss(): number
  close(): Promise<void>
}

/** Starts `instances` servers on a fresh database of `engine`, the directory imported, warmed up. */
async function startEngine(
  engine: BenchEngine,
  dir: string,
  postgres: BenchPostgres | null,
): Promise<EngineRun> {
  const database = engine === 'postgres' ? await postgres!.createDatabase('load') : null
  const sqliteFile = path.join(dir, `load-${engine}.sqlite`)
  const env = {
    ...databaseEnv(sqliteFile, database?.url ?? null),
    OUTBOX_DIR: path.join(dir, `outbox-${engine}`),
    RATE_LIMIT_LETTERS,
  }
  const servers: ServerProcess[] = []
  let balancer: RoundRobin | null = null
  const close = async () => {
    await balancer?.close()
    for (const server of servers.reverse()) await server.stop()
    await database?.drop()
  }
  try {
    servers.push(await startServer(await freePort(), env))
    const imported = fs.existsSync(REFERENCE)
    if (imported) {
      execFileSync(TSX, [projectPath('scripts/directory-import.ts'), REFERENCE], {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      })
    }
    const { states } = (await (await fetch(`${servers[0]!.base}/api/states`)).json()) as {
      states: { iso3: string }[]
    }
    const iso3s = states.map((s) => s.iso3)
    if (iso3s.length < 190) throw new Error(`the directory holds ${iso3s.length} states, not 195`)
    // The other instances start once the first has made and seeded the database.
    for (let i = 1; i < instances; i++) servers.push(await startServer(await freePort(), env))
    balancer = instances > 1 ? await startRoundRobin(servers.map((s) => Number(new URL(s.base).port))) : null
    // Warm-up: the first requests compile templates and fill caches; not what a minute of load is.
    // Each body is read to its end: one left unread keeps its connection busy, and the server's
    // graceful stop waits for it (30 s, then it gives up).
    for (const one of servers)
      for (const p of ['/states', '/api/states', '/states/tcd', '/progress', '/api/coverage'])
        await (await fetch(one.base + p)).arrayBuffer()
    const rss = () => Math.round(servers.reduce((total, s) => total + s.rssMiB(), 0) * 10) / 10
    const rssBefore = rss()
    return {
      engine,
      servers,
      base: balancer ? `http://127.0.0.1:${balancer.port}` : servers[0]!.base,
      iso3s,
      imported,
      location: database?.url ?? sqliteFile,
      results: [],
      rssBefore,
      rssAfterRound: [],
      peakRss: rssBefore,
      rss,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Letters in the engine's database, read the same way on either engine. */
async function lettersStored(location: string): Promise<number> {
  const db = openDatabase(location)
  try {
    const { rows } = await sql<{ n: number }>`select count(*) as n from letter`.execute(db)
    return Number(rows[0]!.n)
  } finally {
    await db.destroy()
  }
}

async function main(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-load-'))
  const postgres = engines.includes('postgres')
    ? await startBenchPostgres(args['database-url'] ?? process.env.DATABASE_URL)
    : null
  const runs: EngineRun[] = []
  try {
    for (const engine of engines) runs.push(await startEngine(engine, dir, postgres))
    // The machine's 1-minute load average as the run starts: on a shared machine, other work
    // competes with the servers and autocannon for the same cores, and the figures say so.
    const loadBefore = os.loadavg()[0]!.toFixed(1)
    const sampler = setInterval(() => {
      for (const run of runs) run.peakRss = Math.max(run.peakRss, run.rss())
    }, 500)
    let written = 0
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? runs : [...runs].reverse()
      for (const run of order) {
        console.log(`round ${round} of ${rounds}, ${ENGINE_LABEL[run.engine]}...`)
        run.results.push(await runLoad(run.base, run.iso3s, () => ++written))
        const rss = run.rss()
        run.rssAfterRound.push(rss)
        run.peakRss = Math.max(run.peakRss, rss)
      }
    }
    clearInterval(sampler)
    const columns: Column[] = []
    for (const run of runs) {
      run.peakRss = Math.max(run.peakRss, run.rss())
      columns.push(summarize(run, await lettersStored(run.location)))
    }
    const failures = columns.reduce((total, column) => total + column.failures, 0)
    const table = report(runs, columns, loadBefore, postgres)
    console.log(table)
    // Written even when the target is missed: the README shows the last real run, good or bad.
    if (args['write-readme']) writeReadmeFigures(instances > 1 ? 'load-instances' : 'load', table)
    if (failures > 0) {
      console.error(`\nFAILED: ${failures} errors or non-2xx answers`)
      return false
    }
    return true
  } finally {
    for (const run of runs) await run.close()
    await postgres?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** One engine's column of the table. */
interface Column {
  cells: Record<string, string>
  failures: number
}

const ROWS = [
  'requests',
  '**requests/s**',
  'p50 ms',
  '**p99 ms**',
  'max ms',
  'errors (of them timeouts after 10 s)',
  'non-2xx',
  'answers',
  'letters in the database afterwards',
  'server RSS, MiB: before the first round; after each round; peak',
] as const

function summarize(run: EngineRun, letters: number): Column {
  const results = run.results
  const each = (value: (r: autocannon.Result) => number | string) => results.map(value).join(' / ')
  const sum = (value: (r: autocannon.Result) => number) => results.reduce((total, r) => total + value(r), 0)
  const statusCounts = new Map<string, number>()
  for (const result of results) {
    const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> })
      .statusCodeStats
    for (const [code, s] of Object.entries(stats ?? {}))
      statusCounts.set(code, (statusCounts.get(code) ?? 0) + s.count)
  }
  // autocannon counts a timeout among the errors too.
  const errors = sum((r) => r.errors)
  const non2xx = sum((r) => r.non2xx)
  const cells: Record<(typeof ROWS)[number], string> = {
    requests: each((r) => r.requests.total),
    '**requests/s**': `**${each((r) => Math.round(r.requests.average))}**`,
    'p50 ms': each((r) => r.latency.p50),
    '**p99 ms**': `**${each((r) => r.latency.p99)}**`,
    'max ms': each((r) => r.latency.max),
    'errors (of them timeouts after 10 s)': `${errors} (${sum((r) => r.timeouts)})`,
    'non-2xx': String(non2xx),
    answers: [...statusCounts].map(([code, n]) => `${code}: ${n}`).join(', '),
    'letters in the database afterwards': String(letters),
    'server RSS, MiB: before the first round; after each round; peak': `${run.rssBefore}; ${run.rssAfterRound.join(' / ')}; ${run.peakRss}`,
  }
  return { cells, failures: errors + non2xx }
}

function report(
  runs: EngineRun[],
  columns: Column[],
  loadBefore: string,
  postgres: BenchPostgres | null,
): string {
  const cores = os.cpus().length
  const imported = runs.every((run) => run.imported)
  const failures = columns.reduce((total, column) => total + column.failures, 0)
  const databases = runs
    .map((run) =>
      run.engine === 'sqlite'
        ? 'SQLite (WAL) on a fresh file'
        : `${postgres!.description}, on a fresh database`,
    )
    .join('; ')
  return [
    `Node ${process.version}, ${cores} cores, ${instances > 1 ? `${instances} server instances on each database behind a round-robin in the script (each connection to the next instance)` : 'one server per engine'}, ${postgres ? 'PostgreSQL, ' : ''}servers and autocannon on the same machine; ${connections} connections for ${seconds} s${rounds > 1 ? `, ${rounds} rounds on the same servers (each opening its connections afresh), the engines taking turns in each round, the order alternating` : ''}; each connection cycling through five reads (\`/states\`, \`/api/states\`, \`/states/<iso3>\`, \`/progress\`, \`/api/coverage\`) and one \`POST /api/letters\` to a random state. ${databases}${imported ? '; the Blue Book imported' : ''}. RATE_LIMIT_LETTERS=${RATE_LIMIT_LETTERS} for the run (the default, 60 an hour per address, would stop one load generator within a second). The machine's 1-minute load average was ${loadBefore} as the run started (${cores} cores; above ${cores}, other work was competing for them).${rounds > 1 ? ' Figures per round are separated by /.' : ''} Server RSS: the Node server's${instances > 1 ? ' (all instances together)' : ''}${postgres ? ", not counting PostgreSQL's own processes" : ''}.`,
    '',
    `| | ${runs.map((run) => ENGINE_LABEL[run.engine]).join(' | ')} |`,
    `| --- | ${runs.map(() => '---:').join(' | ')} |`,
    ...ROWS.map((row) => `| ${row} | ${columns.map((column) => column.cells[row]).join(' | ')} |`),
    '',
    `- **errors and non-2xx: ${failures}** (target 0${failures > 0 ? ': missed' : ': met'})`,
  ].join('\n')
}

interface RoundRobin {
  port: number
  close(): Promise<void>
}

/** A TCP round-robin on 127.0.0.1: each connection is piped to the next of `ports`. */
async function startRoundRobin(ports: number[]): Promise<RoundRobin> {
  let next = 0
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(ports[next++ % ports.length]!, '127.0.0.1')
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.once('close', () => open.delete(socket))
    }
    client.pipe(upstream).pipe(client)
    // Either side gone: the other goes too (a load balancer does not keep half a connection).
    client.once('error', () => upstream.destroy())
    upstream.once('error', () => client.destroy())
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the round-robin has no TCP port')
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** One round: `connections` connections for `seconds` seconds through the mix of requests. */
function runLoad(
  base: string,
  iso3s: readonly string[],
  nextWriter: () => number,
): Promise<autocannon.Result> {
  return autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      { method: 'GET', path: '/states' },
      { method: 'GET', path: '/api/states' },
      { method: 'GET', setupRequest: (req) => ({ ...req, path: `/states/${pick(iso3s).toLowerCase()}` }) },
      { method: 'GET', path: '/progress' },
      { method: 'GET', path: '/api/coverage' },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const writer = nextWriter()
          return {
            ...req,
            path: '/api/letters',
            body: JSON.stringify({
              state: pick(iso3s),
              supporter: {
                name: `Load Writer ${writer}`,
                city: 'Nairobi',
                country: pick(COUNTRIES),
                email: `load-${writer}@supporters.example`,
              },
              personalNote: `A personal paragraph from load writer ${writer}.\n\nA second one.`,
            }),
          }
        },
      },
    ],
  })
}

runReliabilityScript(main)
