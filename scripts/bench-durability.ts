/**
 * tsx scripts/bench-durability.ts [-- --rounds 20 --letters 100 --connections 4 --dir DIR --write-readme]
 *
 * What SQLITE_SYNCHRONOUS=FULL costs against NORMAL on the letter write path. Two real servers
 * (`src/server.ts`), one per setting, each on a fresh SQLite file in DIR (the system's temp
 * folder by default; refused on tmpfs, where an fsync costs nothing and the comparison would say
 * nothing), the outbox worker off. In interleaved rounds (the order of the two alternating, so a
 * busier moment of the machine falls on both), each server gets, from `--connections` writers at
 * once: `--letters` POST /api/letters (answered 201), then for each of those letters the e-mail
 * confirm path, POST /api/letters/:id/send (202) and POST /confirm/:token (303, the token read
 * from the confirmation e-mail in the outbox, as the writer would read it).
 *
 * Prints, per request and setting, the median and p95 latency in ms and the requests per second
 * (of the writers together, over the time the phase took), then FULL's cost in %. Exits with
 * status 1 if any answer was not the one expected. --write-readme puts the table in the README
 * between the bench-durability markers.
 *
 * SQLite only: SQLITE_SYNCHRONOUS is SQLite's setting. PostgreSQL's counterpart is its server's
 * synchronous_commit, set by whoever runs that server, not by this service.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import type { SynchronousMode } from '../src/db/durability.js'
import { listStates } from '../src/directory/directory.service.js'
import { setMission } from '../test/helpers/directory-fixtures.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import { runReliabilityScript, type ServerProcess, startServer } from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    letters: { type: 'string', default: '100' },
    connections: { type: 'string', default: '4' },
    dir: { type: 'string', default: os.tmpdir() },
    'write-readme': { type: 'boolean', default: false },
  },
})
const wholeArg = (name: 'rounds' | 'letters' | 'connections'): number => {
  const n = Number(args[name])
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number above 0 (got "${args[name]}")`)
    process.exit(1)
  }
  return n
}
const ROUNDS = wholeArg('rounds')
const LETTERS = wholeArg('letters')
const CONNECTIONS = wholeArg('connections')
const MODES: readonly SynchronousMode[] = ['NORMAL', 'FULL']
const PORTS: Record<SynchronousMode, number> = { NORMAL: 3941, FULL: 3942 }
const STEPS = ['letter', 'send', 'confirm'] as const
type Step = (typeof STEPS)[number]
const STEP_LABELS: Record<Step, string> = {
  letter: 'write a letter: `POST /api/letters` (201)',
  send: 'ask for e-mail delivery: `POST /api/letters/:id/send` (202)',
  confirm: 'confirm from the link: `POST /confirm/:token` (303, draws the PDF)',
}

/** The filesystem DIR is on (findmnt, else df), to print, and to refuse a RAM disk. */
function filesystemOf(dir: string): { type: string; description: string } {
  const found = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,TARGET', '-T', dir], { encoding: 'utf8' })
  const line = found.status === 0 ? found.stdout.trim() : ''
  if (line) {
    const [type = '?', source = '?', target = '?'] = line.split(/\s+/)
    return { type, description: `${type} (${source} mounted on ${target})` }
  }
  const df = spawnSync('df', ['-T', dir], { encoding: 'utf8' })
  const fields = df.status === 0 ? (df.stdout.trim().split('\n')[1]?.split(/\s+/) ?? []) : []
  return { type: fields[1] ?? 'unknown', description: `${fields[1] ?? 'unknown'} (${fields[0] ?? '?'})` }
}

interface Timings {
  ms: number[]
  elapsedMs: number
}
/** Each setting's timings of each request, round by round. */
type Results = Record<SynchronousMode, Record<Step, Timings[]>>

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN

/** Runs `count` jobs from CONNECTIONS workers at once; each job's latency, and the wall time. */
async function timed(count: number, job: (i: number) => Promise<void>): Promise<Timings> {
  const ms: number[] = []
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < count) {
      const i = next++
      const t = performance.now()
      await job(i)
      ms.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  return { ms, elapsedMs: performance.now() - started }
}

async function expectStatus(response: Promise<Response>, status: number, what: string): Promise<Response> {
  const answer = await response
  if (answer.status !== status) {
    throw new Error(
      `${what} answered ${answer.status}, not ${status}: ${(await answer.text()).slice(0, 300)}`,
    )
  }
  return answer
}

/** One round on one server: letters, then the e-mail confirm path for each of them. */
async function runRound(
  server: ServerProcess,
  dbFile: string,
  iso3s: string[],
  round: number,
): Promise<Record<Step, Timings>> {
  const post = (url: string, body?: unknown) =>
    fetch(`${server.base}${url}`, {
      method: 'POST',
      redirect: 'manual',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
  const ids: string[] = []
  const letter = await timed(LETTERS, async (i) => {
    const answer = await expectStatus(
      post('/api/letters', {
        state: iso3s[(round * LETTERS + i) % iso3s.length],
        supporter: {
          name: `Durability Writer ${round}.${i}`,
          country: 'KE',
          email: `durability-${round}-${i}@supporters.example`,
        },
        personalNote: `Round ${round}, letter ${i}.`,
      }),
      201,
      'POST /api/letters',
    )
    ids[i] = ((await answer.json()) as { id: string }).id
  })
  const send = await timed(LETTERS, async (i) => {
    await expectStatus(post(`/api/letters/${ids[i]}/send`, {}), 202, 'POST /api/letters/:id/send')
  })
  const reader = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    const tokens = ids.map((id) => confirmationToken(reader, id))
    const confirm = await timed(LETTERS, async (i) => {
      await expectStatus(post(`/confirm/${tokens[i]}`), 303, 'POST /confirm/:token')
    })
    return { letter, send, confirm }
  } finally {
    reader.close()
  }
}

/** The confirmation link's token of a letter, as its writer reads it from the e-mail. */
function confirmationToken(db: Database.Database, letterId: string): string {
  const row = db
    .prepare(
      `SELECT outbox_message.payload AS payload FROM outbox_message
       JOIN letter ON letter.id = outbox_message.letter_id
       WHERE letter.public_id = ? AND outbox_message.kind = 'confirmation'
       ORDER BY outbox_message.id DESC LIMIT 1`,
    )
    .get(letterId) as { payload: string | null } | undefined
  const token = (JSON.parse(row?.payload ?? '{}') as { url?: string }).url?.split('/').pop()
  if (!token) throw new Error(`no confirmation e-mail for letter ${letterId}`)
  return token
}

/** A migrated, seeded database whose missions all have an e-mail address, as the server finds it. */
async function prepareDatabase(env: Record<string, string>): Promise<string[]> {
  const ctx = await createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
    log: pino({ level: 'silent' }),
  })
  try {
    const { states } = await listStates(ctx, { membership: 'member' })
    for (const state of states)
      await setMission(ctx, state.iso3, { emails: [`mission-${state.iso3.toLowerCase()}@missions.example`] })
    return states.map((s) => s.iso3)
  } finally {
    await ctx.close()
  }
}

function report(results: Results, filesystem: string, load: string): string {
  const rows: string[] = []
  const costs: string[] = []
  for (const step of STEPS) {
    const figures = MODES.map((mode) => {
      const rounds = results[mode][step]
      const sorted = rounds.flatMap((r) => r.ms).sort((a, b) => a - b)
      const elapsedMs = rounds.reduce((sum, r) => sum + r.elapsedMs, 0)
      const perSecond = (sorted.length / elapsedMs) * 1000
      rows.push(
        `| ${STEP_LABELS[step]} | ${mode} | ${sorted.length} | ${quantile(sorted, 0.5).toFixed(2)} | ${quantile(sorted, 0.95).toFixed(2)} | ${Math.round(perSecond)} |`,
      )
      return { median: quantile(sorted, 0.5), perSecond }
    })
    const [normal, full] = figures as [(typeof figures)[0], (typeof figures)[0]]
    // Each round's two runs were moments apart: their ratio moves less with the machine's load
    // than the totals do, so the median of the rounds' ratios is the figure to read.
    const ratios = results.FULL[step]
      .map((full, round) => results.NORMAL[step][round]!.elapsedMs / full.elapsedMs)
      .sort((a, b) => a - b)
    costs.push(
      `| ${STEP_LABELS[step].split(':')[0]} | ${signed((full.median / normal.median - 1) * 100)} | ${signed((full.perSecond / normal.perSecond - 1) * 100)} | ${signed((quantile(ratios, 0.5) - 1) * 100)} (${signed((ratios[0]! - 1) * 100)} to ${signed((ratios.at(-1)! - 1) * 100)}) |`,
    )
  }
  return [
    `Node ${process.version}, ${os.cpus().length} cores; two real servers (one per setting) on fresh SQLite files (WAL) on ${filesystem}, the outbox worker off; ${ROUNDS} interleaved rounds, each server in turn (the order alternating) answering ${LETTERS} letters, then ${LETTERS} e-mail requests, then ${LETTERS} confirmations, from ${CONNECTIONS} writers at once; client and servers on one machine, ${load}. Latency of each request to the last byte; requests/s of the writers together.`,
    '',
    '| request | SQLITE_SYNCHRONOUS | requests | median ms | p95 ms | requests/s |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    "| FULL against NORMAL | median latency | requests/s, all rounds | requests/s, the rounds' median (least to most) |",
    '| --- | ---: | ---: | ---: |',
    ...costs,
  ].join('\n')
}

const signed = (percent: number): string => `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%`

async function main(): Promise<boolean> {
  const filesystem = filesystemOf(args.dir)
  if (['tmpfs', 'ramfs'].includes(filesystem.type)) {
    console.error(
      `--dir ${args.dir} is on ${filesystem.description}, in memory: fsync costs nothing there. Give a folder on a disk.`,
    )
    return false
  }
  console.log(`SQLite files in ${args.dir}, on ${filesystem.description}`)
  const dir = fs.mkdtempSync(path.join(args.dir, 'code-blue-durability-'))
  const servers: ServerProcess[] = []
  try {
    const files = {} as Record<SynchronousMode, string>
    let iso3s: string[] = []
    for (const mode of MODES) {
      files[mode] = path.join(dir, `${mode.toLowerCase()}.sqlite`)
      const env = {
        DATABASE_PATH: files[mode],
        OUTBOX_DIR: path.join(dir, `outbox-${mode.toLowerCase()}`),
        OUTBOX_WORKER: 'off',
        SQLITE_SYNCHRONOUS: mode,
        RATE_LIMIT_LETTERS: '1000000',
        RATE_LIMIT_SENDS: '1000000',
      }
      iso3s = await prepareDatabase(env)
      servers.push(await startServer(PORTS[mode], env))
    }
    const [normalServer, fullServer] = servers as [ServerProcess, ServerProcess]
    const serverOf = { NORMAL: normalServer, FULL: fullServer }
    const empty = (): Record<Step, Timings[]> => ({ letter: [], send: [], confirm: [] })
    const results: Results = { NORMAL: empty(), FULL: empty() }
    const loadBefore = os.loadavg()[0]!.toFixed(1)
    // A first round each, not counted: the servers' code paths and SQLite's caches warm up.
    for (const mode of MODES) await runRound(serverOf[mode], files[mode], iso3s, 0)
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? MODES : [...MODES].reverse()
      for (const mode of order) {
        const figures = await runRound(serverOf[mode], files[mode], iso3s, round)
        for (const step of STEPS) results[mode][step].push(figures[step])
        console.log(
          `round ${round}, ${mode}: ${STEPS.map((s) => `${s} ${Math.round((LETTERS / figures[s].elapsedMs) * 1000)}/s`).join(', ')}`,
        )
      }
    }
    const load = `1-minute load average ${loadBefore} before the rounds and ${os.loadavg()[0]!.toFixed(1)} after (2 cores: above 2, other work was competing)`
    const table = report(results, filesystem.description, load)
    console.log(`\n${table}`)
    if (args['write-readme']) writeReadmeFigures('bench-durability', table)
    return true
  } finally {
    for (const server of servers) await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

runReliabilityScript(main)
