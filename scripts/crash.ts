/**
 * npm run crash [-- --rounds 5 --instances 2 --workers 2 --write-readme]
 *
 * kill -9 under load. A local SMTP server (scripts/lib/local-smtp.ts) runs in this process for
 * the whole test; the real server (`src/server.ts`) runs as a child on one SQLite file, its outbox
 * worker sending through that SMTP server every 50 ms, every mission given an e-mail address.
 * Each round: start the server; check the file (below); then several writers at once create
 * letters (POST /api/letters: every id answered 201 is kept), ask for e-mail delivery
 * (POST /api/letters/:id/send) and confirm from the link (POST /confirm/:token, the token read
 * from the confirmation e-mail's outbox row), while the worker hands e-mails to SMTP; at a random
 * moment the server is killed with SIGKILL, mid-request and mid-send.
 *
 * After each restart: every letter acknowledged with 201 is in the database, `PRAGMA
 * integrity_check` says ok, and the SMTP server never received the same Message-ID twice (a
 * Message-ID received twice is printed with its outbox message and attempts: which path sent it
 * again). An e-mail the worker was handing over when it died, to a mission or to a writer, is left
 * uncertain, never resent automatically: that is the design (README, How delivery works), so
 * uncertain deliveries are counted, not failed. Exits with status 1 on any missing letter,
 * duplicate or integrity fault.
 *
 * With --instances N and/or --workers M (issue 17): N app instances on the one database (ports
 * 3921…), the writers going round them, and M `outbox:work --watch` processes sending (the
 * instances then run no worker of their own); each round kills one instance and one worker at
 * random, kill -9, while the others go on; the next round starts them again.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { listStates } from '../src/directory/directory.service.js'
import { setMission } from '../test/helpers/directory-fixtures.js'
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
    'write-readme': { type: 'boolean', default: false },
  },
})
const rounds = Number(args.rounds)
const writers = Number(args.writers)
const instances = Number(args.instances)
const workerCount = Number(args.workers)
if (
  ![rounds, writers, instances].every((n) => Number.isInteger(n) && n >= 1) ||
  !Number.isInteger(workerCount) ||
  workerCount < 0
) {
  console.error('--rounds, --writers and --instances must be whole numbers above 0, --workers 0 or more')
  process.exit(1)
}
/** One server with its own worker, killed each round (the first mode); else instances and workers. */
const MANY = instances > 1 || workerCount > 0
const PORT = 3921
/** With several instances, the others go on this long after each kill before the round ends. */
const AFTER_KILL_MS = 1000
/** The server is killed between these many ms after it became healthy. */
const KILL_AFTER_MS = [2000, 6000] as const

interface Checks {
  present: number
  missing: string[]
  integrity: string
}

/** Every acknowledged id in the database, and the file's integrity, read beside the live server. */
function checkDatabase(file: string, acknowledged: Set<string>): Checks {
  const db = new Database(file, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ')
    const ids = new Set(
      (db.prepare('SELECT public_id FROM letter').all() as { public_id: string }[]).map((r) => r.public_id),
    )
    const missing = [...acknowledged].filter((id) => !ids.has(id))
    return { present: acknowledged.size - missing.length, missing, integrity }
  } finally {
    db.close()
  }
}

function outboxStatuses(file: string): Record<string, number> {
  const db = new Database(file, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const rows = db.prepare('SELECT status, count(*) AS n FROM outbox_message GROUP BY status').all() as {
      status: string
      n: number
    }[]
    return Object.fromEntries(rows.map((r) => [r.status, r.n]))
  } finally {
    db.close()
  }
}

/** Uncertain messages (and any still "sending") by kind: to missions, or to writers. */
function uncertainByKind(file: string): { toMissions: number; toWriters: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const rows = db
      .prepare(
        `SELECT kind IN ('mission_letter', 'digest') AS mission, count(*) AS n FROM outbox_message
         WHERE status IN ('uncertain', 'sending') GROUP BY 1`,
      )
      .all() as { mission: number; n: number }[]
    const count = (mission: number) => rows.find((r) => r.mission === mission)?.n ?? 0
    return { toMissions: count(1), toWriters: count(0) }
  } finally {
    db.close()
  }
}

/** What the outbox holds of each Message-ID received twice: which path handed it over again. */
function describeDuplicates(file: string, messageIds: string[]): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    return messageIds.map((id) => {
      const row = db
        .prepare('SELECT id, kind, status, attempts FROM outbox_message WHERE message_id = ?')
        .get(id) as { id: number; kind: string; status: string; attempts: number } | undefined
      if (!row) return `${id}: no outbox message has this Message-ID now`
      const outcomes = (
        db
          .prepare('SELECT outcome, response FROM delivery_attempt WHERE outbox_id = ? ORDER BY id')
          .all(row.id) as { outcome: string | null; response: string | null }[]
      ).map((a) => `${a.outcome ?? 'unfinished'} (${a.response ?? ''})`)
      return `${id}: outbox ${row.id}, ${row.kind}, now ${row.status}, ${row.attempts} attempts: ${outcomes.join('; ')}`
    })
  } finally {
    db.close()
  }
}

/** The confirmation link's token of a letter, as its writer reads it from the e-mail. */
function confirmationToken(db: Database.Database, letterId: string): string | null {
  const row = db
    .prepare(
      `SELECT outbox_message.payload AS payload FROM outbox_message
       JOIN letter ON letter.id = outbox_message.letter_id
       WHERE letter.public_id = ? AND outbox_message.kind = 'confirmation'
       ORDER BY outbox_message.id DESC LIMIT 1`,
    )
    .get(letterId) as { payload: string | null } | undefined
  const url = (JSON.parse(row?.payload ?? '{}') as { url?: string }).url
  return url ? (url.split('/').pop() ?? null) : null
}

interface RoundFigures {
  acknowledged: number
  sendRequests: number
  confirmed: number
  failedRequests: number
}

/** Writers loop until told to stop (the server died under them), going round the instances. */
async function writeUntilKilled(
  bases: string[],
  dbFile: string,
  iso3s: string[],
  acknowledged: Set<string>,
  round: number,
  stopped: () => boolean,
): Promise<RoundFigures> {
  const figures: RoundFigures = { acknowledged: 0, sendRequests: 0, confirmed: 0, failedRequests: 0 }
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
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
          figures.failedRequests++
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
          figures.failedRequests++
          continue
        }
        figures.sendRequests++
        const token = confirmationToken(db, id)
        if (!token) continue
        const confirm = await fetch(`${next()}/confirm/${token}`, { method: 'POST', redirect: 'manual' })
        if (confirm.status === 303) figures.confirmed++
        else figures.failedRequests++
      } catch {
        // The server died mid-request (or this instance is down): nothing was acknowledged,
        // nothing is owed. A moment's pause, so a writer does not spin on a dead instance.
        if (!stopped()) figures.failedRequests++
        if (MANY) await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)))
  } finally {
    db.close()
  }
  return figures
}

async function main(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-crash-'))
  const dbFile = path.join(dir, 'crash.sqlite')
  const smtp = await startLocalSmtpServer()
  const env = {
    DATABASE_PATH: dbFile,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    SMTP_URL: smtp.url,
    OUTBOX_INTERVAL_MS: '50',
    MISSION_DAILY_CAP: '10000',
    RATE_LIMIT_LETTERS: '1000000',
    RATE_LIMIT_SENDS: '1000000',
    MAIL_FROM: 'Code Blue letters <letters@crash.example>',
  }
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
    const totals = { acknowledged: 0, sendRequests: 0, confirmed: 0 }
    // The processes of each round: app instances (a slot each, null while killed) and workers.
    const apps: (ServerProcess | null)[] = Array.from({ length: instances }, () => null)
    const workerProcs: (WorkerProcess | null)[] = Array.from({ length: workerCount }, () => null)
    // With workers of their own, the instances send nothing: the workers do.
    const appEnv = workerCount > 0 ? { ...env, OUTBOX_WORKER: 'off' } : env
    const pick = <T>(list: T[]): number => Math.floor(Math.random() * list.length)
    for (let round = 1; round <= rounds + 1; round++) {
      for (let i = 0; i < apps.length; i++) apps[i] ??= await startServer(PORT + i, appEnv)
      for (let i = 0; i < workerProcs.length; i++) workerProcs[i] ??= await startWorkerProcess(env)
      // After the restart: what the last kill left behind.
      const checks = checkDatabase(dbFile, acknowledged)
      const duplicates = smtp.duplicates()
      const ok = checks.missing.length === 0 && checks.integrity === 'ok' && duplicates === 0
      if (!ok) failed = true
      if (round > 1) {
        rows.push(
          `| ${round - 1} | ${checks.present} of ${acknowledged.size} | ${checks.missing.length} | ${checks.integrity} | ${smtp.count()} | ${duplicates} |`,
        )
        console.log(rows.at(-1))
        if (checks.missing.length > 0)
          console.error(`missing after round ${round - 1}: ${checks.missing.slice(0, 10).join(', ')}`)
        for (const line of describeDuplicates(dbFile, smtp.duplicateIds().slice(reported)))
          console.error(`received twice: ${line}`)
        reported = smtp.duplicateIds().length
      }
      if (round > rounds) {
        // The last start: let the workers send what is owed (up to a minute), then stop gently.
        for (let i = 0; i < 120 && (outboxStatuses(dbFile).queued ?? 0) > 0; i++) {
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
      const figures = writeUntilKilled(bases, dbFile, iso3s, acknowledged, round, () =>
        MANY ? !writing : killed,
      )
      await killer
      writing = false
      const written = await figures
      totals.acknowledged += written.acknowledged
      totals.sendRequests += written.sendRequests
      totals.confirmed += written.confirmed
      const whom = MANY
        ? `instance ${app + 1} of ${instances}${worker === null ? '' : ` and worker ${worker + 1} of ${workerCount}`} killed`
        : 'killed'
      console.log(
        `round ${round}: ${whom} after ${Math.round(killAfter)} ms; ${written.acknowledged} letters acknowledged, ${written.sendRequests} e-mail requests, ${written.confirmed} confirmed`,
      )
    }

    const finalChecks = checkDatabase(dbFile, acknowledged)
    const outbox = outboxStatuses(dbFile)
    const uncertain = (outbox.sending ?? 0) + (outbox.uncertain ?? 0)
    const { toMissions, toWriters } = uncertainByKind(dbFile)
    const summary = Object.entries(outbox)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ')
    const table = [
      MANY
        ? `Node ${process.version}, ${os.cpus().length} cores; ${rounds} rounds of: ${instances} app instances of the real server and ${workerCount} \`outbox:work --watch\` processes on one SQLite file (WAL), ${writers} writers going round the instances, creating letters over HTTP and asking for e-mail delivery of two in three (request, then confirm from the link, each step on the next instance), the workers sending every 50 ms to a local SMTP server; at a random moment ${KILL_AFTER_MS[0] / 1000}–${KILL_AFTER_MS[1] / 1000} s into the round, \`kill -9\` of one instance${workerCount > 0 ? ' and one worker' : ''} chosen at random, the others going on; the next round starts them again. Checked after each restart.`
        : `Node ${process.version}, ${os.cpus().length} cores; ${rounds} rounds of: start the real server on one SQLite file (WAL), ${writers} writers creating letters over HTTP and asking for e-mail delivery of two in three (request, then confirm from the link), the outbox worker sending every 50 ms to a local SMTP server, then \`kill -9\` at a random moment ${KILL_AFTER_MS[0] / 1000}–${KILL_AFTER_MS[1] / 1000} s after the start. Checked after each restart.`,
      '',
      '| after kill | acknowledged letters present | missing | integrity_check | e-mails received so far | received twice |',
      '| ---: | --- | ---: | --- | ---: | ---: |',
      ...rows,
      '',
      `Totals: **${acknowledged.size} letters acknowledged with 201, ${acknowledged.size - finalChecks.present} missing** (target 0); ${totals.sendRequests} e-mail deliveries asked for, ${totals.confirmed} confirmed; **${smtp.count()} e-mails received, ${smtp.duplicates()} twice** (target 0); integrity_check **${finalChecks.integrity}**. Outbox at the end: ${summary}; ${uncertain} uncertain (being handed to SMTP when the server died, or no reply after the whole message: never resent automatically): ${toMissions} to missions, left for an organizer to resolve with \`npm run outbox:resolve\`, ${toWriters} to writers or members (not sent again either: a lost link is asked for again).`,
    ].join('\n')
    console.log(`\n${table}`)
    if (failed || finalChecks.missing.length > 0 || finalChecks.integrity !== 'ok' || smtp.duplicates() > 0) {
      console.error('\nFAILED: a letter was lost, an e-mail was sent twice, or the file is damaged')
      return false
    }
    if (args['write-readme']) writeReadmeFigures(MANY ? 'crash-instances' : 'crash', table)
    return true
  } finally {
    await smtp.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

runReliabilityScript(main)
