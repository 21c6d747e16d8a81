/**
 * tsx scripts/bench-outbox.ts [-- --letters 1000 --engines sqlite,postgres --database-url URL --write-readme]
 *
 * The e-mail outbox under load, in one process with the real clock: a local SMTP server on
 * 127.0.0.1 (scripts/lib/local-smtp.ts), a fresh database, every member state's mission given
 * an e-mail address. N letters (1,000 by default) are written to the 193 missions in turn, each
 * from its own writer, e-mailed and confirmed through the services, the confirmation e-mails
 * delivered first as in life. Then the drain: `drainOutbox` passes until one sends nothing,
 * handing every mission letter and every writer's copy to the SMTP server, OUTBOX_CONCURRENCY in
 * flight over SMTP_POOL_CONNECTIONS pooled connections (both from the environment, else their
 * defaults). Then, side by side in the same run, the raw loop: the very messages the drain
 * handed over, sent again with nodemailer alone (a pool of as many connections, every message
 * given to sendMail at once) to a second local SMTP server; the ratio of the two rates is what
 * the outbox's bookkeeping costs.
 *
 * Checks that nothing was lost or duplicated (server side and database side) and exits with
 * status 1 if not. Prints a Markdown table; --write-readme puts it in the README between the
 * bench-outbox markers.
 *
 * On each engine (issue 17): a fresh SQLite file, and a fresh PostgreSQL database (on the server
 * at --database-url or DATABASE_URL, else a throwaway cluster started for the run), each run in a
 * process of its own (`--engine E --result FILE`, which writes its figures as JSON), so that one
 * engine's heap does not weigh on the other's memory figures; the table puts them side by side.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import inspector from 'node:inspector'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { sql } from 'kysely'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer/index.js'
import { loadConfig } from '../src/config.js'
import { type AppContext, createContext } from '../src/context.js'
import { engineOf } from '../src/db/engine.js'
import { confirmEmailDelivery, requestEmailDelivery } from '../src/delivery/delivery.service.js'
import { listStates } from '../src/directory/directory.service.js'
import { createLetter } from '../src/letters/letters.service.js'
import { projectPath } from '../src/lib/paths.js'
import { hashToken } from '../src/lib/tokens.js'
import { createTransport, drainOutbox, type MailTransport, type PassResult } from '../src/outbox/index.js'
import { setMission } from '../test/helpers/directory-fixtures.js'
import {
  type BenchEngine,
  databaseEnv,
  ENGINE_LABEL,
  parseEngines,
  startBenchPostgres,
} from './lib/bench-engines.js'
import { startLocalSmtpServer } from './lib/local-smtp.js'
import { type SmtpTally, startLocalSmtpProcess } from './lib/local-smtp-process.js'
import { writeReadmeFigures } from './lib/readme-figures.js'

const { values: args } = parseArgs({
  options: {
    letters: { type: 'string', default: '1000' },
    'write-readme': { type: 'boolean', default: false },
    // The SMTP servers in the bench's own process (sharing its event loop and its core) rather
    // than each in a process of its own, as a real mail server would be.
    'server-in-process': { type: 'boolean', default: false },
    // Where to write a CPU profile of the drain alone (each engine's: `<file>.<engine>.cpuprofile`),
    // to read in Chrome's DevTools or any .cpuprofile viewer.
    'profile-drain': { type: 'string' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'database-url': { type: 'string' },
    // The child's side: run on this engine (its database from DATABASE_PATH or DATABASE_URL) and
    // write the figures to this file.
    engine: { type: 'string' },
    result: { type: 'string' },
  },
})
const N = Number(args.letters)
if (!Number.isInteger(N) || N < 1) {
  console.error(`--letters must be a whole number above 0 (got "${args.letters}")`)
  process.exit(1)
}
const MISSION_DOMAIN = 'missions.example'
const MEMBER_STATES = 193
/** A runaway loop (a message retried for ever) stops here rather than hanging the script. */
const MAX_PASSES = 1000
const COUNTRIES = ['KE', 'FR', 'BR', 'IN', 'ZA', 'CA', 'MX', 'DE', 'NG', 'JP']

const missionAddress = (iso3: string): string => `mission-${iso3.toLowerCase()}@${MISSION_DOMAIN}`

/** A local SMTP server that accepts everything and counts what it received. */
interface CountingServer {
  url: string
  tally(): Promise<SmtpTally>
  stop(): Promise<void>
}

/** In a process of its own by default; in this one with --server-in-process. */
async function startCountingServer(): Promise<CountingServer> {
  if (!args['server-in-process']) return startLocalSmtpProcess()
  const server = await startLocalSmtpServer()
  return {
    url: server.url,
    tally: async () => ({
      count: server.count(),
      messageIds: new Set(server.messageIds),
      duplicates: server.duplicates(),
      withoutMessageId: server.withoutMessageId(),
      cpuMs: 0,
    }),
    stop: () => server.stop(),
  }
}

/**
 * The transport the app would use, timing each handover to the SMTP server by Message-ID, and
 * keeping each message handed over (for the raw loop).
 */
function timedTransport(
  inner: MailTransport,
  handoverMs: Map<string, number>,
  kept: Mail.Options[],
): MailTransport {
  return {
    kind: inner.kind,
    async send(mail) {
      kept.push(mail)
      const start = performance.now()
      try {
        return await inner.send(mail)
      } finally {
        handoverMs.set(String(mail.messageId), performance.now() - start)
      }
    },
    close: () => inner.close(),
  }
}

/** The main thread's CPU profile (node:inspector) from now until stopInto writes it to a file. */
async function startProfile(): Promise<{ stopInto(file: string): Promise<void> }> {
  const session = new inspector.Session()
  session.connect()
  const post = promisify(session.post.bind(session)) as (method: string, params?: object) => Promise<unknown>
  await post('Profiler.enable')
  await post('Profiler.setSamplingInterval', { interval: 200 })
  await post('Profiler.start')
  return {
    async stopInto(file) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown }
      fs.writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

/** `drainOutbox` until a pass sends nothing. */
async function drain(ctx: AppContext, transport: MailTransport): Promise<PassResult & { passes: number }> {
  const total = { sent: 0, retried: 0, failed: 0, passes: 0 }
  while (total.passes < MAX_PASSES) {
    const pass = await drainOutbox(ctx, transport, { max: 100_000 })
    total.passes++
    total.sent += pass.sent
    total.retried += pass.retried
    total.failed += pass.failed
    if (pass.sent === 0) break
  }
  return total
}

/**
 * The raw loop: the same messages, sent with nodemailer alone over a pool of `connections`,
 * every one given to sendMail at once (the pool queues them), to its own local SMTP server.
 */
async function rawLoop(
  mails: Mail.Options[],
  connections: number,
): Promise<{ ms: number; received: number; cpuMs: number; serverCpuMs: number }> {
  const server = await startCountingServer()
  const raw = nodemailer.createTransport({ url: server.url, pool: true, maxConnections: connections })
  try {
    const before = await server.tally()
    const start = performance.now()
    const cpu = process.cpuUsage()
    await Promise.all(mails.map((mail) => raw.sendMail(mail)))
    const ms = performance.now() - start
    const cpuMs = cpuMsSince(cpu)
    const after = await server.tally()
    return { ms, received: after.count - before.count, cpuMs, serverCpuMs: after.cpuMs - before.cpuMs }
  } finally {
    raw.close()
    await server.stop()
  }
}

/**
 * The token of every confirmation link waiting in the outbox, by letter, read as a writer reads
 * it from the e-mail (test/delivery/delivery-helpers.ts, tokenFromOutbox, for all letters at once).
 */
async function tokensFromOutbox(ctx: AppContext): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom('outbox_message')
    .innerJoin('letter', 'letter.id', 'outbox_message.letter_id')
    .select(['letter.public_id', 'outbox_message.payload', 'letter.confirm_token_hash'])
    .where('outbox_message.kind', '=', 'confirmation')
    .orderBy('outbox_message.id')
    .execute()
  const tokens = new Map<string, string>()
  for (const row of rows) {
    const url = (JSON.parse(row.payload ?? '{}') as { url?: string }).url ?? ''
    const token = url.split('/').pop() ?? ''
    if (hashToken(token) !== row.confirm_token_hash)
      throw new Error(`the confirmation link of letter ${row.public_id} does not match the letter`)
    tokens.set(row.public_id, token)
  }
  return tokens
}

interface KindFigures {
  kind: string
  messages: number
  spanMs: number
  meanHandoverMs: number
}

/** Per kind, the drain's attempts: how many, first claim to last acceptance, mean SMTP handover. */
async function figuresByKind(ctx: AppContext, handoverMs: Map<string, number>): Promise<KindFigures[]> {
  const rows = await ctx.db
    .selectFrom('delivery_attempt')
    .innerJoin('outbox_message', 'outbox_message.id', 'delivery_attempt.outbox_id')
    .select([
      'outbox_message.kind',
      'outbox_message.message_id',
      'delivery_attempt.started_at',
      'delivery_attempt.finished_at',
    ])
    .where('outbox_message.kind', 'in', ['mission_letter', 'supporter_copy'])
    .execute()
  const byKind = new Map<string, { messages: number; first: number; last: number; handover: number }>()
  for (const row of rows) {
    const k = byKind.get(row.kind) ?? { messages: 0, first: Infinity, last: -Infinity, handover: 0 }
    k.messages++
    k.first = Math.min(k.first, Date.parse(row.started_at))
    k.last = Math.max(k.last, Date.parse(row.finished_at ?? row.started_at))
    k.handover += handoverMs.get(row.message_id) ?? 0
    byKind.set(row.kind, k)
  }
  return ['mission_letter', 'supporter_copy'].map((kind) => {
    const k = byKind.get(kind)
    return {
      kind,
      messages: k?.messages ?? 0,
      spanMs: k ? k.last - k.first : 0,
      meanHandoverMs: k && k.messages > 0 ? k.handover / k.messages : 0,
    }
  })
}

/** Every way a letter could have been lost or sent twice; an empty list when none happened. */
async function verify(
  ctx: AppContext,
  serverSide: CountingServer,
): Promise<{ passed: string[]; failed: string[] }> {
  const server = await serverSide.tally()
  const passed: string[] = []
  const failed: string[] = []
  const check = (ok: boolean, good: string, bad: string) => (ok ? passed : failed).push(ok ? good : bad)

  const messages = await ctx.db
    .selectFrom('outbox_message')
    .select(['id', 'kind', 'status', 'message_id', 'recipients', 'state_iso3', 'attempts'])
    .execute()
  const ofKind = (kind: string) => messages.filter((m) => m.kind === kind)
  const received = (list: typeof messages) => list.filter((m) => server.messageIds.has(m.message_id)).length
  const missionLetters = ofKind('mission_letter')
  const copies = ofKind('supporter_copy')
  const confirmations = ofKind('confirmation')

  // What the SMTP server holds, matched by Message-ID to the outbox.
  const toMissions = received(missionLetters.filter((m) => m.recipients.includes(`@${MISSION_DOMAIN}"`)))
  check(
    missionLetters.length === N && toMissions === N,
    `${N} mission letters received by the SMTP server, each once, addressed to @${MISSION_DOMAIN}`,
    `mission letters lost: ${toMissions} of ${N} received at @${MISSION_DOMAIN} (${missionLetters.length} in the outbox)`,
  )
  const wrongMission = missionLetters.filter(
    (m) => m.recipients !== JSON.stringify([missionAddress(m.state_iso3 ?? '')]),
  ).length
  check(
    wrongMission === 0,
    "every mission letter addressed to its own state's mission",
    `${wrongMission} mission letters addressed to another mission than their state's`,
  )
  const copiesReceived = received(copies)
  check(
    copies.length === N && copiesReceived === N,
    `${N} writers' copies received`,
    `writers' copies lost: ${copiesReceived} of ${N} received (${copies.length} in the outbox)`,
  )
  check(
    confirmations.length === N && received(confirmations) === N,
    `${N} confirmation e-mails received`,
    `confirmation e-mails lost: ${received(confirmations)} of ${N} received`,
  )
  check(
    server.duplicates === 0 && server.withoutMessageId === 0,
    'no Message-ID received twice, none without one',
    `duplicated: ${server.duplicates} messages received twice; ${server.withoutMessageId} without a Message-ID`,
  )
  check(
    server.count === messages.length && server.messageIds.size === messages.length,
    `the server received exactly the ${messages.length} messages of the outbox`,
    `the server received ${server.count} messages (${server.messageIds.size} distinct) for ${messages.length} in the outbox: ${server.count > messages.length ? 'duplicated' : 'lost'}`,
  )

  // What the database says.
  const notSent = messages.filter((m) => m.status !== 'sent').length
  check(
    notSent === 0,
    'every outbox message "sent"',
    `outbox messages lost: ${notSent} not "sent" (${[...new Set(messages.filter((m) => m.status !== 'sent').map((m) => m.status))].join(', ')})`,
  )
  const retried = messages.filter((m) => m.attempts !== 1).length
  check(
    retried === 0,
    'one attempt per message',
    `duplicated: ${retried} messages were handed over more than once (or never)`,
  )
  const letters = await ctx.db
    .selectFrom('letter')
    .leftJoin('outbox_message', 'outbox_message.id', 'letter.outbox_id')
    .select(['letter.status', 'letter.message_id', 'outbox_message.message_id as outbox_message_id'])
    .execute()
  const lettersNotSent = letters.filter((l) => l.status !== 'sent').length
  check(
    letters.length === N && lettersNotSent === 0,
    `all ${N} letters "sent"`,
    `letters lost: ${lettersNotSent} of ${letters.length} not "sent"`,
  )
  const mismatched = letters.filter((l) => !l.message_id || l.message_id !== l.outbox_message_id).length
  check(
    mismatched === 0,
    "each letter records its mission e-mail's Message-ID",
    `${mismatched} letters record no Message-ID or another than their outbox message's`,
  )
  // SQLite checks its file's pages; PostgreSQL has no such statement (amcheck is an extension).
  if (engineOf(ctx.db) === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(ctx.db)
    const verdict = integrity.rows.map((r) => r.integrity_check).join('; ')
    check(verdict === 'ok', 'PRAGMA integrity_check: ok (SQLite)', `PRAGMA integrity_check: ${verdict}`)
  }
  return { passed, failed }
}

/** CPU time of this process (every thread: the main one, the message-building one) since `start`, ms. */
const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}
const perSecond = (count: number, ms: number): string => (ms > 0 ? (count / (ms / 1000)).toFixed(0) : '∞')
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)

/** One engine's figures: the table's rows (measure, result) and the checks. */
interface EngineFigures {
  rows: [string, string][]
  passed: string[]
  failed: string[]
}

/** The child's side: the whole bench on the database its environment names. */
async function runOnEngine(): Promise<EngineFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-bench-outbox-'))
  const server = await startCountingServer()
  let ctx: AppContext | null = null
  let transport: MailTransport | null = null
  try {
    const config = loadConfig({
      DATABASE_PATH: process.env.DATABASE_PATH || path.join(dir, 'bench.sqlite'),
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      SMTP_URL: server.url,
      OUTBOX_DIR: path.join(dir, 'outbox'),
      // The most loadConfig allows: no mission's letters are pushed to another day.
      MISSION_DAILY_CAP: '10000',
      LOG_LEVEL: 'silent',
      MAIL_FROM: 'Code Blue letters <letters@bench.example>',
      ...(process.env.OUTBOX_CONCURRENCY ? { OUTBOX_CONCURRENCY: process.env.OUTBOX_CONCURRENCY } : {}),
      ...(process.env.SMTP_POOL_CONNECTIONS
        ? { SMTP_POOL_CONNECTIONS: process.env.SMTP_POOL_CONNECTIONS }
        : {}),
    })
    ctx = await createContext(config)
    const handoverMs = new Map<string, number>()
    const handedOver: Mail.Options[] = []
    const inner = createTransport(config.mail)
    transport = timedTransport(inner, handoverMs, handedOver)
    if (inner.kind !== 'smtp') throw new Error('the transport is not SMTP: SMTP_URL was not taken')

    // Every member state's mission gets an e-mail address.
    const { states } = await listStates(ctx, { membership: 'member' })
    if (states.length !== MEMBER_STATES)
      throw new Error(`the directory holds ${states.length} member states, not ${MEMBER_STATES}`)
    for (const state of states) await setMission(ctx, state.iso3, { emails: [missionAddress(state.iso3)] })

    // (a) Write the letters and ask for each to be e-mailed.
    const ids: string[] = []
    const t0 = performance.now()
    for (let i = 0; i < N; i++) {
      const state = states[i % states.length]!
      const email = `writer-${i + 1}@supporters.example`
      const letter = await createLetter(ctx, {
        state: state.iso3,
        supporter: {
          name: `Writer ${i + 1}`,
          city: 'Nairobi',
          country: COUNTRIES[i % COUNTRIES.length],
          email,
        },
        personalNote: `Personal paragraph of writer ${i + 1} to the mission of ${state.name}.`,
      })
      await requestEmailDelivery(ctx, letter.id, {})
      ids.push(letter.id)
    }
    const writeMs = performance.now() - t0

    // The confirmation e-mails go out (as in life, before anyone can click); timed apart.
    const t1 = performance.now()
    const confirmationPasses = await drain(ctx, transport)
    const confirmationMs = performance.now() - t1
    const confirmationsReceived = (await server.tally()).count
    if (confirmationPasses.sent !== N || confirmationsReceived !== N)
      throw new Error(
        `confirmation e-mails lost: ${confirmationPasses.sent} sent, ${confirmationsReceived} received, of ${N}`,
      )

    // Each writer clicks the link in their e-mail.
    const tokens = await tokensFromOutbox(ctx)
    const t2 = performance.now()
    for (const id of ids) {
      const token = tokens.get(id)
      if (!token) throw new Error(`letter ${id} has no confirmation link in the outbox`)
      await confirmEmailDelivery(ctx, token)
    }
    const confirmMs = performance.now() - t2

    // (b) The drain: every mission letter, then every writer's copy, to the SMTP server.
    handoverMs.clear()
    handedOver.length = 0
    const receivedBefore = confirmationsReceived
    const rssBefore = process.memoryUsage.rss()
    let peakRss = rssBefore
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    }, 50)
    const serverBefore = await server.tally()
    const t3 = performance.now()
    const cpu3 = process.cpuUsage()
    const profile = args['profile-drain'] ? await startProfile() : null
    const drained = await drain(ctx, transport)
    const drainMs = performance.now() - t3
    await profile?.stopInto(`${args['profile-drain']}.${engineOf(ctx.db)}.cpuprofile`)
    const drainCpuMs = cpuMsSince(cpu3)
    clearInterval(sampler)
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
    const serverAfter = await server.tally()
    const drainReceived = serverAfter.count - receivedBefore
    const drainServerCpuMs = serverAfter.cpuMs - serverBefore.cpuMs

    const kinds = await figuresByKind(ctx, handoverMs)
    const { passed, failed } = await verify(ctx, server)

    // (c) Side by side: the same messages through nodemailer alone.
    const raw = await rawLoop(handedOver, config.mail.poolConnections)
    if (raw.received !== handedOver.length)
      failed.push(`the raw loop's server received ${raw.received} of ${handedOver.length} messages`)
    const drainRate = drainReceived / (drainMs / 1000)
    const rawRate = raw.received / (raw.ms / 1000)

    const label: Record<string, string> = {
      mission_letter: 'mission letters (to the missions, PDF attached)',
      supporter_copy: "writers' copies (PDF attached)",
    }
    const serverLabel = args['server-in-process'] ? 'in this process (counted above)' : 'its own process'
    const rows: [string, string][] = [
      [
        'write + ask for e-mail delivery (createLetter, requestEmailDelivery)',
        `${N} letters in ${secs(writeMs)}: ${perSecond(N, writeMs)} letters/s`,
      ],
      [
        'confirmation e-mails delivered (before the drain, not counted in it)',
        `${N} in ${secs(confirmationMs)}: ${perSecond(N, confirmationMs)} messages/s`,
      ],
      [
        'confirm (confirmEmailDelivery)',
        `${N} letters in ${secs(confirmMs)}: ${perSecond(N, confirmMs)} letters/s`,
      ],
      [
        '**write + confirm**',
        `**${perSecond(N, writeMs + confirmMs)} letters/s** (${secs(writeMs + confirmMs)})`,
      ],
      [
        `**drain**: drainOutbox until a pass sends nothing, ${config.mail.concurrency} in flight over ${config.mail.poolConnections} pooled connections`,
        `**${drainReceived} messages in ${secs(drainMs)}: ${perSecond(drainReceived, drainMs)} messages/s** (${drained.passes} passes; ${drained.retried} retried, ${drained.failed} failed)`,
      ],
      [
        `raw loop: the same messages, nodemailer alone, ${config.mail.poolConnections} pooled connections, all given to sendMail at once`,
        `${raw.received} messages in ${secs(raw.ms)}: ${perSecond(raw.received, raw.ms)} messages/s`,
      ],
      ['**drain ÷ raw loop**', `**${(drainRate / rawRate).toFixed(2)}**`],
      [
        'CPU per message, sending process (all its threads)',
        `drain ${(drainCpuMs / drainReceived).toFixed(2)} ms, raw loop ${(raw.cpuMs / raw.received).toFixed(2)} ms`,
      ],
      [
        `CPU per message, SMTP server (${serverLabel})`,
        `drain ${(drainServerCpuMs / drainReceived).toFixed(2)} ms, raw loop ${(raw.serverCpuMs / raw.received).toFixed(2)} ms`,
      ],
      ...kinds.map((k): [string, string] => [
        `… ${label[k.kind] ?? k.kind}`,
        `${k.messages} in ${secs(k.spanMs)}: ${perSecond(k.messages, k.spanMs)} messages/s; SMTP handover ${k.meanHandoverMs.toFixed(1)} ms of ${(k.messages > 0 ? k.spanMs / k.messages : 0).toFixed(1)} ms a message`,
      ]),
      ['peak RSS during the drain', `${mib(peakRss)} MiB (${mib(rssBefore)} MiB before)`],
    ]
    return { rows, passed, failed }
  } finally {
    transport?.close()
    await ctx?.close()
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The parent's side: each engine in a child process, then one table with them side by side. */
async function main(): Promise<boolean> {
  const engines = parseEngines(args.engines)
  const postgres = engines.includes('postgres')
    ? await startBenchPostgres(args['database-url'] ?? process.env.DATABASE_URL)
    : null
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-blue-bench-outbox-'))
  const figures = new Map<BenchEngine, EngineFigures>()
  try {
    for (const engine of engines) {
      const database = engine === 'postgres' ? await postgres!.createDatabase('outbox') : null
      try {
        const result = path.join(dir, `${engine}.json`)
        await runChild(engine, result, databaseEnv(path.join(dir, 'bench.sqlite'), database?.url ?? null))
        figures.set(engine, JSON.parse(fs.readFileSync(result, 'utf8')) as EngineFigures)
      } finally {
        await database?.drop()
      }
    }
  } finally {
    await postgres?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const labels: string[] = []
  for (const { rows } of figures.values())
    for (const [label] of rows) if (!labels.includes(label)) labels.push(label)
  const cell = (engine: BenchEngine, label: string) =>
    figures.get(engine)!.rows.find(([each]) => each === label)?.[1] ?? ''
  const checks = (engine: BenchEngine) => {
    const { passed, failed } = figures.get(engine)!
    return failed.length === 0
      ? `all ${passed.length} passed`
      : `**${failed.length} failed**: ${failed.join('; ')}`
  }
  const allChecks = [...new Set([...figures.values()].flatMap((f) => f.passed))]
  const described = engines
    .map((engine) =>
      engine === 'sqlite' ? 'SQLite (WAL) in a temp dir' : `${postgres!.description}, a fresh database`,
    )
    .join('; ')
  const table = [
    `Node ${process.version}, ${os.cpus().length} cores; ${N} letters to the ${MEMBER_STATES} member states' missions (one writer each), one process with the real clock per engine (${described}), a local SMTP server (smtp-server on 127.0.0.1, no TLS) that accepts everything, ${args['server-in-process'] ? "in the bench's own process" : 'in a process of its own, as a mail server would be'}.`,
    '',
    `| measure | ${engines.map((engine) => ENGINE_LABEL[engine]).join(' | ')} |`,
    `| --- | ${engines.map(() => '---').join(' | ')} |`,
    ...labels.map((label) => `| ${label} | ${engines.map((engine) => cell(engine, label)).join(' | ')} |`),
    `| checks | ${engines.map(checks).join(' | ')} |`,
    '',
    `Checks: ${allChecks.join('; ')}.`,
  ].join('\n')
  console.log(table)
  const failed = [...figures.values()].some((f) => f.failed.length > 0)
  if (failed) {
    console.error('\nFAILED: see the checks row')
    return false
  }
  if (args['write-readme']) writeReadmeFigures('bench-outbox', table)
  return true
}

/** This script again as `--engine ENGINE --result FILE`, on the database `env` names. */
function runChild(engine: BenchEngine, result: string, env: Record<string, string>): Promise<void> {
  const forwarded = [
    ...['--letters', String(N)],
    ...(args['server-in-process'] ? ['--server-in-process'] : []),
    ...(args['profile-drain'] ? ['--profile-drain', path.resolve(args['profile-drain'])] : []),
  ]
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      projectPath('scripts/bench-outbox.ts'),
      '--engine',
      engine,
      '--result',
      result,
      ...forwarded,
    ],
    { env: { ...process.env, ...env }, stdio: 'inherit', cwd: projectPath() },
  )
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`the ${ENGINE_LABEL[engine]} run exited with status ${code}`)),
    ),
  )
}

const run = args.engine
  ? runOnEngine().then((figures) => {
      fs.writeFileSync(args.result!, JSON.stringify(figures))
      return true
    })
  : main()
run.then(
  (ok) => {
    if (!ok) process.exitCode = 1
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  },
)
