/**
 * npm run crash [-- --rounds 5 --instances 2 --workers 2 --engine sqlite|postgres --port 3921 --write-readme]
 *
 * kill -9 under load. A local SMTP server (scripts/lib/local-smtp.ts) runs in this process for
 * the whole test; the real server (`src/server.ts`) runs as a child on one database (a SQLite
 * file, or with --engine postgres a PostgreSQL database made for the run: scripts/lib/crash-engine.ts;
 * --engine postgres is the default when DATABASE_URL is set), its outbox
 * worker sending through that SMTP server every 50 ms, every mission given an e-mail address.
 * Each round: start the server; check the file (below); then several writers at once create
 * letters (POST /api/letters: every id answered 201 is kept), ask for e-mail delivery
 * (POST /api/letters/:id/send) and confirm from the link (POST /confirm/:token, the token read
 * from the confirmation e-mail's outbox row), while the worker hands e-mails to SMTP; at a random
 * moment the server is killed with SIGKILL, mid-request and mid-send.
 *
 * After each restart: every letter acknowledged with 201 is in the database, the database is sound
 * (SQLite's `PRAGMA integrity_check`, PostgreSQL's amcheck, and on both the letter counters equal
 * to a recount: scripts/lib/crash-checks.ts), and the SMTP server never received the same Message-ID twice (a
 * Message-ID received twice is printed with its outbox message and attempts: which path sent it
 * again). An e-mail the worker was handing over when it died, to a mission or to a writer, is left
 * uncertain, never resent automatically: that is the design (README, How delivery works), so
 * uncertain deliveries are counted, not failed. Exits with status 1 on any missing letter,
 * duplicate or integrity fault.
 *
 * With --instances N and/or --workers M (issue 17): N app instances on the one database (ports
 * --port, 3921…), the writers going round them, and M `outbox:work --watch` processes sending (the
 * instances then run no worker of their own); each round kills one instance and one worker at
 * random, kill -9, while the others go on; the next round starts them again.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { type Database, openDatabase } from '../src/db/connection.js'
import { listStates } from '../src/directory/directory.service.js'
import { setMission } from '../test/helpers/directory-fixtures.js'
import {
  checkLetters,
  checkSoundness,
  confirmationToken,
  describeDuplicates,
  describeSending,
  outboxStatuses,
  uncertainByKind,
} from './lib/crash-checks.js'
import { crashDatabase, crashEngineOf } from './lib/crash-engine.js'
import { startLocalSmtpServer } from './lib/local-smtp.js'
import { writeReadmeFigures } from './lib/readme-figures.js'
import {
  runReliabilityScript,
  type ServerProcess,
  startServer,
  startWorkerProcess,
  type WorkerProcess,
} from './lib/reliability-server.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    writers: { type: 'string', default: '4' },
    instances: { type: 'string', default: '1' },
    workers: { type: 'string', default: '0' },
    engine: { type: 'string' },
    port: { type: 'string', default: '3921' },
    'write-readme': { type: 'boolean', default: false },
  },
})
const rounds = Number(args.rounds)
const writers = Number(args.writers)
const instances = Number(args.instances)
const workerCount = Number(args.workers)
const PORT = Number(args.port)
if (
  ![rounds, writers, instances].every((n) => Number.isInteger(n) && n >= 1) ||
  !Number.isInteger(workerCount) ||
  workerCount < 0 ||
  !Number.isInteger(PORT) ||
  PORT < 1024 ||
  PORT + instances > 65535
) {
  console.error(
    '--rounds, --writers and --instances must be whole numbers above 0, --workers 0 or more, --port a free port from 1024',
  )
  process.exit(1)
}
let engine: ReturnType<typeof crashEngineOf>
try {
  engine = crashEngineOf(args.engine)
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
/** One server with its own worker, killed each round (the first mode); else instances and workers. */
const MANY = instances > 1 || workerCount > 0
/** With several instances, the others go on this long after each kill before the round ends. */
const AFTER_KILL_MS = 1000
/** The server is killed between these many ms after it became healthy. */
const KILL_AFTER_MS = [2000, 6000] as const

interface RoundFigures {
  acknowledged: number
  sendRequests: number
  confirmed: number
  failedRequests: number
  /** Answers 5xx: a fault of the server, not of a kill (a killed server answers nothing). */
  serverErrors: number
}

/** Writers loop until told to stop (the server died under them), going round the instances. */
async function writeUntilKilled(
  bases: string[],
  db: Database,
  iso3s: string[],
  acknowledged: Set<string>,
  round: number,
  stopped: () => boolean,
): Promise<RoundFigures> {
  const figures: RoundFigures = {
    acknowledged: 0,
    sendRequests: 0,
    confirmed: 0,
    failedRequests: 0,
    serverErrors: 0,
  }
  const failed = (status: number) => {
    figures.failedRequests++
    if (status >= 500) figures.serverErrors++
  }
  let n = 0
  let turn = 0
  // Each request to the next instance: a letter written on one is sent and confirmed on others.
  const next = () => bases[turn++ % bases.length]!
  const writer = async (w: number) => {
    while (!stopped()) {
      n++
      const i = n
      try {
        const created = await fetch(`${next()}/api/letters`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            state: iso3s[i % iso3s.length],
            supporter: {
              name: `Crash Writer ${round}.${w}.${i}`,
              country: 'KE',
              email: `crash-${round}-${i}@supporters.example`,
            },
            personalNote: `Round ${round}, letter ${i}.`,
          }),
        })
        if (created.status !== 201) {
          failed(created.status)
          continue
        }
        const { id } = (await created.json()) as { id: string }
        acknowledged.add(id)
        figures.acknowledged++
        // Two letters in three are e-mailed; the third stays a PDF letter.
        if (i % 3 === 0) continue
        const send = await fetch(`${next()}/api/letters/${id}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
        if (send.status !== 202) {
          failed(send.status)
          continue
        }
        figures.sendRequests++
        const token = await confirmationToken(db, id)
        if (!token) continue
        const confirm = await fetch(`${next()}/confirm/${token}`, { method: 'POST', redirect: 'manual' })
        if (confirm.status === 303) figures.confirmed++
        else failed(confirm.status)
      } catch {
        // The server died mid-request (or this instance is down): nothing was acknowledged,
        // nothing is owed. A moment's pause, so a writer does not spin on a dead instance.
        if (!stopped()) figures.failedRequests++
        if (MANY) await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)))
  return figures
}

async function main(): Promise<boolean> {
  const started = Date.now()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-crash-'))
  const database = await crashDatabase(engine, dir)
  const smtp = await startLocalSmtpServer()
  // The script's own reads (checks, confirmation links), beside the processes it kills.
  const db = openDatabase(database.location)
  const env = {
    ...database.env,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    SMTP_URL: smtp.url,
    OUTBOX_INTERVAL_MS: '50',
    MISSION_DAILY_CAP: '10000',
    RATE_LIMIT_LETTERS: '1000000',
    RATE_LIMIT_SENDS: '1000000',
    MAIL_FROM: 'Code Blue letters <letters@crash.example>',
  }
  // The processes of each round: app instances (a slot each, null while killed) and workers.
  const apps: (ServerProcess | null)[] = Array.from({ length: instances }, () => null)
  const workerProcs: (WorkerProcess | null)[] = Array.from({ length: workerCount }, () => null)
  try {
    // The database first, in this process: migrated, seeded, and an e-mail address for every mission.
    const ctx = await createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
      log: pino({ level: 'silent' }),
    })
    const { states } = await listStates(ctx, { membership: 'member' })
    for (const state of states)
      await setMission(ctx, state.iso3, { emails: [`mission-${state.iso3.toLowerCase()}@missions.example`] })
    await ctx.close()
    const iso3s = states.map((s) => s.iso3)

    const acknowledged = new Set<string>()
    const rows: string[] = []
    let failed = false
    let reported = 0
    const totals = { acknowledged: 0, sendRequests: 0, confirmed: 0, serverErrors: 0 }
    // With workers of their own, the instances send nothing: the workers do.
    const appEnv = workerCount > 0 ? { ...env, OUTBOX_WORKER: 'off' } : env
    const pick = <T>(list: T[]): number => Math.floor(Math.random() * list.length)
    for (let round = 1; round <= rounds + 1; round++) {
      for (let i = 0; i < apps.length; i++) apps[i] ??= await startServer(PORT + i, appEnv)
      for (let i = 0; i < workerProcs.length; i++) workerProcs[i] ??= await startWorkerProcess(env)
      // After the restart: what the last kill left behind.
      const checks = await checkLetters(db, acknowledged)
      const sound = await checkSoundness(db)
      const duplicates = smtp.duplicates()
      const ok = checks.missing.length === 0 && sound.result === 'ok' && duplicates === 0
      if (!ok) failed = true
      if (round > 1) {
        rows.push(
          `| ${round - 1} | ${checks.present} of ${acknowledged.size} | ${checks.missing.length} | ${sound.result} | ${smtp.count()} | ${duplicates} |`,
        )
        console.log(rows.at(-1))
        if (checks.missing.length > 0)
          console.error(`missing after round ${round - 1}: ${checks.missing.slice(0, 10).join(', ')}`)
        for (const line of await describeDuplicates(db, smtp.duplicateIds().slice(reported)))
          console.error(`received twice: ${line}`)
        reported = smtp.duplicateIds().length
      }
      if (round > rounds) {
        // The last start: let the workers send what is owed (up to a minute), then stop gently.
        for (let i = 0; i < 120 && ((await outboxStatuses(db)).queued ?? 0) > 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500))
        }
        for (const app of apps) await app?.stop()
        for (const worker of workerProcs) await worker?.stop()
        break
      }
      let killed = false
      let writing = true
      const killAfter = KILL_AFTER_MS[0] + Math.random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0])
      const app = pick(apps)
      const worker = workerProcs.length > 0 ? pick(workerProcs) : null
      const killer = new Promise<void>((resolve) =>
        setTimeout(() => {
          killed = true
          const dying = [apps[app], worker === null ? null : workerProcs[worker]]
          apps[app] = null
          if (worker !== null) workerProcs[worker] = null
          void Promise.all(dying.map((p) => p?.kill9())).then(() => {
            // The others go on a moment after the kill, writing and sending on.
            if (MANY) setTimeout(() => resolve(), AFTER_KILL_MS)
            else resolve()
          })
        }, killAfter),
      )
      const bases = Array.from({ length: instances }, (_, i) => `http://127.0.0.1:${PORT + i}`)
      const figures = writeUntilKilled(bases, db, iso3s, acknowledged, round, () =>
        MANY ? !writing : killed,
      )
      await killer
      writing = false
      const written = await figures
      totals.acknowledged += written.acknowledged
      totals.sendRequests += written.sendRequests
      totals.confirmed += written.confirmed
      totals.serverErrors += written.serverErrors
      const whom = MANY
        ? `instance ${app + 1} of ${instances}${worker === null ? '' : ` and worker ${worker + 1} of ${workerCount}`} killed`
        : 'killed'
      console.log(
        `round ${round}: ${whom} after ${Math.round(killAfter)} ms; ${written.acknowledged} letters acknowledged, ${written.sendRequests} e-mail requests, ${written.confirmed} confirmed, ${written.serverErrors} answered 5xx`,
      )
    }

    const finalChecks = await checkLetters(db, acknowledged)
    const finalSound = await checkSoundness(db)
    const outbox = await outboxStatuses(db)
    const uncertain = (outbox.sending ?? 0) + (outbox.uncertain ?? 0)
    const { toMissions, toWriters } = await uncertainByKind(db)
    for (const line of await describeSending(db)) console.error(`left sending: ${line}`)
    const on = database.describe(await serverVersion(db))
    const soundness = engine === 'sqlite' ? 'integrity_check' : 'amcheck, counters'
    const summary = Object.entries(outbox)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ')
    const table = [
      MANY
        ? `Node ${process.version}, ${os.cpus().length} cores; ${rounds} rounds of: ${instances} app instances of the real server and ${workerCount} \`outbox:work --watch\` processes on ${on}, ${writers} writers going round the instances, creating letters over HTTP and asking for e-mail delivery of two in three (request, then confirm from the link, each step on the next instance), the workers sending every 50 ms to a local SMTP server; at a random moment ${KILL_AFTER_MS[0] / 1000}–${KILL_AFTER_MS[1] / 1000} s into the round, \`kill -9\` of one instance${workerCount > 0 ? ' and one worker' : ''} chosen at random, the others going on; the next round starts them again. Checked after each restart: every acknowledged letter present; the database sound (${finalSound.checked}); no Message-ID received twice.`
        : `Node ${process.version}, ${os.cpus().length} cores; ${rounds} rounds of: start the real server on ${on}, ${writers} writers creating letters over HTTP and asking for e-mail delivery of two in three (request, then confirm from the link), the outbox worker sending every 50 ms to a local SMTP server, then \`kill -9\` at a random moment ${KILL_AFTER_MS[0] / 1000}–${KILL_AFTER_MS[1] / 1000} s after the start. Checked after each restart: every acknowledged letter present; the database sound (${finalSound.checked}); no Message-ID received twice.`,
      '',
      `| after kill | acknowledged letters present | missing | ${soundness} | e-mails received so far | received twice |`,
      '| ---: | --- | ---: | --- | ---: | ---: |',
      ...rows,
      '',
      `Totals: **${acknowledged.size} letters acknowledged with 201, ${acknowledged.size - finalChecks.present} missing** (target 0); ${totals.sendRequests} e-mail deliveries asked for, ${totals.confirmed} confirmed; ${totals.serverErrors} requests answered 5xx (a server error, not a kill: a killed server answers nothing); **${smtp.count()} e-mails received, ${smtp.duplicates()} twice** (target 0); ${soundness} **${finalSound.result}**. Outbox at the end: ${summary}; ${uncertain} uncertain (being handed to SMTP when the server died, or no reply after the whole message: never resent automatically): ${toMissions} to missions, left for an organizer to resolve with \`npm run outbox:resolve\`, ${toWriters} to writers or members (not sent again either: a lost link is asked for again). The run took ${((Date.now() - started) / 60_000).toFixed(1)} min.`,
    ].join('\n')
    console.log(`\n${table}`)
    if (failed || finalChecks.missing.length > 0 || finalSound.result !== 'ok' || smtp.duplicates() > 0) {
      console.error('\nFAILED: a letter was lost, an e-mail was sent twice, or the database is damaged')
      return false
    }
    const marker = `${MANY ? 'crash-instances' : 'crash'}${engine === 'postgres' ? '-postgres' : ''}`
    if (args['write-readme']) writeReadmeFigures(marker, table)
    return true
  } finally {
    // After a throw, none left running on a database about to be dropped (after a run, all stopped).
    await Promise.all([...apps, ...workerProcs].map((p) => p?.kill9()))
    await db.destroy()
    await smtp.stop()
    await database.remove()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** PostgreSQL's version (15.x), for the README; '' on SQLite. */
async function serverVersion(db: Database): Promise<string> {
  if (engine === 'sqlite') return ''
  const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db)
  return rows[0]?.server_version.split(' ')[0] ?? ''
}

runReliabilityScript(main)
