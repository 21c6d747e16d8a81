/**
 * npm run load [-- --seconds 60 --connections 100 --rounds 1 --write-readme]
 *
 * The real server (`src/server.ts`) as a child process on a fresh SQLite file (created, migrated
 * and seeded with the 195 states at its first start; the Blue Book imported where
 * ../shared/reference is present), then autocannon from this process with mixed requests: every
 * connection cycles through five reads (the list of states as a page and as JSON, a state's page,
 * /progress, /api/coverage) and one letter written with POST /api/letters, each to a state drawn
 * at random. RATE_LIMIT_LETTERS is raised to its maximum for the run: 100 connections from one
 * address would otherwise be stopped after 60 letters an hour. Reports throughput, latency,
 * errors and non-2xx answers (target 0), the letters the database holds afterwards, and the
 * server's memory before and after. `--rounds N` runs the load N times on the same server, each
 * opening its connections afresh, with the memory after each: a leak grows round after round,
 * a heap that has found its size does not. --write-readme puts the figures between the load markers.
 *
 * `--instances N` (issue 17): N servers on the one database, behind a round-robin in this script
 * (each connection autocannon opens goes to the next instance, as a TCP load balancer does); the
 * figures go between the load-instances markers.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { projectPath } from '../src/lib/paths.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { runReliabilityScript, type ServerProcess, startServer, TSX } from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    instances: { type: 'string', default: '1' },
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
const PORT = 3919
const REFERENCE = path.resolve(projectPath(), '../shared/reference/un-bluebook-2024-12-18.json')
const RATE_LIMIT_LETTERS = '1000000'
const COUNTRIES = ['KE', 'FR', 'BR', 'IN', 'ZA', 'CA', 'MX', 'DE', 'NG', 'JP']

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!

async function main(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-load-'))
  const databasePath = path.join(dir, 'load.sqlite')
  const env = {
    DATABASE_PATH: databasePath,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    RATE_LIMIT_LETTERS,
  }
  const server = await startServer(PORT, env)
  // The other instances start once the first has made and seeded the database.
  const others: ServerProcess[] = []
  let balancer: RoundRobin | null = null
  try {
    const imported = fs.existsSync(REFERENCE)
    if (imported) {
      execFileSync(TSX, [projectPath('scripts/directory-import.ts'), REFERENCE], {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      })
    }
    const { states } = (await (await fetch(`${server.base}/api/states`)).json()) as {
      states: { iso3: string; membership?: string }[]
    }
    const iso3s = states.map((s) => s.iso3)
    if (iso3s.length < 190) throw new Error(`the directory holds ${iso3s.length} states, not 195`)
    for (let i = 1; i < instances; i++) others.push(await startServer(PORT + i, env))
    const servers = [server, ...others]
    balancer = instances > 1 ? await startRoundRobin(servers.map((_, i) => PORT + i)) : null
    const base = balancer ? `http://127.0.0.1:${balancer.port}` : server.base
    const rssOfAll = () => Math.round(servers.reduce((total, s) => total + s.rssMiB(), 0) * 10) / 10

    // Warm-up: the first requests compile templates and fill caches; not what a minute of load is.
    for (const one of servers)
      for (const p of ['/states', '/api/states', '/states/tcd', '/progress', '/api/coverage'])
        await fetch(one.base + p)
    // The machine's 1-minute load average as the run starts: on a shared machine, other work
    // competes with the server and autocannon for the same cores, and the figures say so.
    const loadBefore = os.loadavg()[0]!.toFixed(1)
    const rssBefore = rssOfAll()
    let peakRss = rssBefore
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOfAll())
    }, 500)

    let written = 0
    const results: autocannon.Result[] = []
    const rssAfterRound: number[] = []
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) console.log(`round ${round} of ${rounds}...`)
      results.push(await runLoad(base, iso3s, () => ++written))
      rssAfterRound.push(rssOfAll())
    }
    clearInterval(sampler)
    const rssAfter = rssOfAll()
    peakRss = Math.max(peakRss, rssAfter)

    const db = new Database(databasePath, { readonly: true })
    const letters = (db.prepare('SELECT count(*) AS n FROM letter').get() as { n: number }).n
    db.close()

    const statusCounts = new Map<string, number>()
    for (const result of results) {
      const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> })
        .statusCodeStats
      for (const [code, s] of Object.entries(stats ?? {}))
        statusCounts.set(code, (statusCounts.get(code) ?? 0) + s.count)
    }
    const statuses = [...statusCounts].map(([code, n]) => `${code}: ${n}`).join(', ')
    const sum = (pick: (r: autocannon.Result) => number) => results.reduce((total, r) => total + pick(r), 0)
    // autocannon counts a timeout among the errors too.
    const errors = sum((r) => r.errors)
    const timeouts = sum((r) => r.timeouts)
    const non2xx = sum((r) => r.non2xx)
    const failures = errors + non2xx
    const roundRows = results.map(
      (r, i) =>
        `| ${i + 1} | ${r.requests.total} | **${Math.round(r.requests.average)}** | ${r.latency.p50} | **${r.latency.p99}** | ${r.latency.max} | ${r.errors} (${r.timeouts} timeouts) | ${r.non2xx} | ${rssAfterRound[i]} |`,
    )
    const table = [
      `Node ${process.version}, ${os.cpus().length} cores, ${instances > 1 ? `${instances} server instances on one database behind a round-robin in the script (each connection to the next instance), servers` : 'server'} and autocannon on the same machine; ${connections} connections for ${seconds} s${rounds > 1 ? `, ${rounds} rounds one after another on the same server (each opening its connections afresh)` : ''}, each connection cycling through five reads (\`/states\`, \`/api/states\`, \`/states/<iso3>\`, \`/progress\`, \`/api/coverage\`) and one \`POST /api/letters\` to a random state; SQLite (WAL) on a fresh file${imported ? ', Blue Book imported' : ''}; RATE_LIMIT_LETTERS=${RATE_LIMIT_LETTERS} for the run (the default, 60 an hour per address, would stop one load generator within a second). The machine's 1-minute load average was ${loadBefore} as the run started (${os.cpus().length} cores; above ${os.cpus().length}, other work was competing for them).`,
      '',
      '| round | requests | requests/s | p50 ms | p99 ms | max ms | errors | non-2xx | server RSS after, MiB |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...roundRows,
      '',
      `- **errors and non-2xx: ${errors} errors (${timeouts} of them timeouts after 10 s), ${non2xx} non-2xx** (target 0${failures > 0 ? ': missed' : ': met'})`,
      `- answers: ${statuses}; letters in the database afterwards: ${letters}`,
      `- server memory (RSS${instances > 1 ? ', all instances together' : ''}): ${rssBefore} MiB before the first round, ${rssAfter} MiB after the last (peak ${peakRss} MiB)`,
    ].join('\n')
    console.log(table)
    // Written even when the target is missed: the README shows the last real run, good or bad.
    if (args['write-readme']) writeReadmeFigures(instances > 1 ? 'load-instances' : 'load', table)
    if (failures > 0) {
      console.error(`\nFAILED: ${failures} errors or non-2xx answers`)
      return false
    }
    return true
  } finally {
    await balancer?.close()
    for (const other of others) await other.stop()
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
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
