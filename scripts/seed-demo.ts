/**
 * npm run seed:demo -- [--letters 10000] [--supporters N/10] [--database data/demo.sqlite | postgres://…]
 *                      [--seed S] [--fresh] [--force] [--now ISO-TIME]
 *
 * The database is `--database`: a SQLite file, or a PostgreSQL database's URL (postgres://…; the
 * database must exist, created with locale C as the service wants it); without it, DATABASE_URL
 * where set, else data/demo.sqlite.
 *
 * Fills a database with synthetic campaign data for demonstrations and load tests: letters from
 * "Demo Supporter 00042" <demo.supporter.00042@example.org> to the missions (uneven across
 * states, 25 member states with none), their delivery history over the 8 months before now,
 * organizers' engagements, states' positions and supporters' answers about replies. The same
 * seed (and --now) gives the same database. Refuses a database holding letters it did not make.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { getCoverage, type StatusCounts } from '../src/canvassing/coverage.service.js'
import { loadConfig } from '../src/config.js'
import { type AppContext, createContext } from '../src/context.js'
import { importBlueBook } from '../src/directory/bluebook-import.js'
import { approveSyntheticEmailChanges } from '../src/directory/mission-email-bulk.js'
import { fixedClock, systemClock } from '../src/lib/clock.js'
import { createLogger } from '../src/lib/log.js'
import { projectPath } from '../src/lib/paths.js'
import { assignTiers, insertEngagements, insertPositions } from './lib/demo-canvassing.js'
import {
  clearDatabase,
  type DemoLocation,
  databaseBytes,
  demoLocation,
  existingReferences,
  finishLoad,
  inspectDatabase,
} from './lib/demo-database.js'
import { DocumentCache } from './lib/demo-documents.js'
import { demoLetters } from './lib/demo-letters.js'
import { bulkInsertLetters } from './lib/demo-load.js'
import { bulkInsertLettersPostgres } from './lib/demo-load-postgres.js'
import { HOMES } from './lib/demo-people.js'
import { createRandom, hashOf, REFERENCE_CODES, referenceCode } from './lib/demo-random.js'
import { loadDemoStates } from './lib/demo-states.js'
import { DAY } from './lib/demo-timeline.js'

export interface SeedDemoOptions {
  letters: number
  /** Distinct writers (default letters / 10). */
  supporters?: number
  /** A SQLite file's path, or a PostgreSQL database's postgres:// URL. */
  database: string
  seed?: string
  /** Delete the database first (still refused if it holds letters the seeder did not make). */
  fresh?: boolean
  /** Write into a database that holds other letters. */
  force?: boolean
  /** The end of the demo period (default: the system clock). */
  now?: string
  /** Blue Book file imported first if the directory has never had one; null: the seed only. */
  bluebook?: string | null
  engagements?: number
  positions?: number
  /** Progress and report lines (default: stdout). */
  log?: (line: string) => void
}

export interface SeedDemoReport {
  /** The SQLite file's full path, or the PostgreSQL URL. */
  database: string
  engine: 'sqlite' | 'postgres'
  seed: string
  letters: number
  supporters: number
  /** Rows in every table after the seeding. */
  counts: Record<string, number>
  /** The database's size: the SQLite file (and its log), or PostgreSQL's pg_database_size. */
  fileBytes: number
  seconds: number
  lettersPerSecond: number
  documentsComposed: number
  /** Member states per coverage status, as the dashboard counts them. */
  coverage: StatusCounts
  /** Member states no letter was written to. */
  withoutLetters: number
}

/** The database holds letters the seeder did not make (or is not this service's database). */
export class DemoRefusal extends Error {}

const DEFAULT_DATABASE = 'data/demo.sqlite'
const DEFAULT_BLUEBOOK = path.resolve(projectPath(), '../shared/reference/un-bluebook-2024-12-18.json')
const DAYS = 240

async function seedDatabase(options: SeedDemoOptions, log: (line: string) => void): Promise<SeedDemoReport> {
  const target = demoLocation(options.database)
  if (target.engine === 'sqlite') target.location = path.resolve(target.location)
  const letters = options.letters
  const supporters = options.supporters ?? Math.max(1, Math.round(letters / 10))
  const seed = options.seed ?? 'code-blue'
  if (!Number.isInteger(letters) || letters < 1) throw new RangeError('letters must be a whole number from 1')
  if (!Number.isInteger(supporters) || supporters < 1 || supporters > letters)
    throw new RangeError('supporters must be a whole number from 1 to the number of letters')

  const existing = await inspectDatabase(target)
  if (existing.otherLetters > 0 && !options.force) {
    throw new DemoRefusal(
      `${target.label} holds ${existing.otherLetters.toLocaleString('en')} ${existing.otherLetters === 1 ? 'letter' : 'letters'} the demo seeder did not make: refusing to touch it (--force to write into it anyway).`,
    )
  }
  if (existing.foreign && !options.force)
    throw new DemoRefusal(`${target.label} is not a Code Blue database: refusing to touch it (--force).`)
  if (options.fresh) await clearDatabase(target)

  const clock = options.now ? fixedClock(options.now) : systemClock()
  const config = loadConfig({
    ...process.env,
    ...(target.engine === 'sqlite'
      ? { DATABASE_PATH: target.location, DATABASE_URL: '' }
      : { DATABASE_URL: target.location }),
    LOG_LEVEL: 'warn',
  })
  const ctx = await createContext(config, { clock, log: createLogger(config) })
  try {
    await importDirectory(ctx, options.bluebook === undefined ? DEFAULT_BLUEBOOK : options.bluebook, log)
    const now = clock.now().getTime()
    const before = Number(
      (
        await ctx.db
          .selectFrom('letter')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    // Each run draws from its own stream: adding to a demo database repeats no public id.
    const rng = createRandom(`${seed}:${before}`)
    const years = [...new Set([new Date(now - DAYS * DAY).getUTCFullYear(), new Date(now).getUTCFullYear()])]
    const states = await loadDemoStates(ctx, rng, years)
    const documents = new DocumentCache(HOMES, ctx.config.campaign)
    const engagementTotal = options.engagements ?? Math.min(20_000, Math.max(100, Math.round(letters / 50)))
    log(
      `Seeding ${letters.toLocaleString('en')} letters from ${supporters.toLocaleString('en')} supporters into ${target.label} (seed "${seed}")`,
    )

    const loadStarted = performance.now()
    const load = {
      rows: demoLetters(rng, {
        letters,
        supporters,
        seed,
        now,
        days: DAYS,
        states,
        documents,
        nextReference: referenceSequence(before > 0 ? await existingReferences(target) : null, seed, before),
        templateVersions: await firstAskTemplateVersions(ctx),
        // About 40% of the engagements are supporters' answers.
        answerRate: Math.min(0.5, (0.4 * engagementTotal) / (0.6 * letters)),
      }),
      letters,
    }
    const answers =
      target.engine === 'sqlite'
        ? bulkInsertLetters(target.location, log, load)
        : await bulkInsertLettersPostgres(target.location, log, load)
    const loadSeconds = (performance.now() - loadStarted) / 1000

    const tiers = assignTiers(states, rng)
    const engagements = await insertEngagements(ctx.db, rng, {
      states,
      tiers,
      answers,
      total: Math.max(engagementTotal, answers.length),
      now,
      days: DAYS,
    })
    const positions = await insertPositions(ctx.db, rng, {
      states,
      tiers,
      count: options.positions ?? 80,
      now,
      days: DAYS,
    })
    log(
      `${engagements.toLocaleString('en')} engagements (${answers.length.toLocaleString('en')} of them supporters' answers), positions for ${positions.states} states (${positions.rows} rows)`,
    )
    const coverage = await summarizeCoverage(ctx)
    log(coverage.line)
    const counts = await finishLoad(target)
    return {
      database: target.location,
      engine: target.engine,
      seed,
      letters,
      supporters,
      counts,
      fileBytes: 0,
      seconds: 0,
      lettersPerSecond: Math.round(letters / loadSeconds),
      documentsComposed: documents.composed,
      coverage: coverage.byStatus,
      withoutLetters: coverage.withoutLetters,
    }
  } finally {
    await ctx.close()
  }
}

/** Seeds (or adds to) a demo database, then prints what it holds; see the file's head. */
export async function seedDemo(options: SeedDemoOptions): Promise<SeedDemoReport> {
  const started = performance.now()
  const log = options.log ?? ((line: string) => console.log(line))
  const seeded = await seedDatabase(options, log)
  const report: SeedDemoReport = {
    ...seeded,
    fileBytes: await databaseBytes(demoLocation(seeded.database)),
    seconds: (performance.now() - started) / 1000,
  }
  printReport(report, demoLocation(options.database), log)
  return report
}

/** What the dashboard will show of the demo: the statuses should all have states. */
/**
 * The first ask's published template versions, by "id.language": the demo letters are composed
 * from the files, which the start-up seed published as those versions.
 */
async function firstAskTemplateVersions(ctx: AppContext): Promise<Map<string, number>> {
  const rows = await ctx.db
    .selectFrom('letter_template_version')
    .select(['id', 'template_id', 'language'])
    .where('ask_id', '=', 1)
    .where('status', '=', 'published')
    .execute()
  return new Map(rows.map((row) => [`${row.template_id}.${row.language}`, row.id]))
}

async function summarizeCoverage(ctx: AppContext) {
  const { totals, states } = await getCoverage(ctx, 'organizers')
  const withoutLetters = states.filter((s) => s.letters.written === 0).length
  const statuses = Object.entries(totals.byStatus)
    .map(([status, n]) => `${n} ${status.replace('_', ' ')}`)
    .join(', ')
  return {
    byStatus: totals.byStatus,
    withoutLetters,
    line: `Coverage as the dashboard counts it: ${totals.canvassed} of ${totals.memberStates} member states canvassed (${statuses}); ${withoutLetters} with no letter`,
  }
}

async function importDirectory(ctx: AppContext, bluebook: string | null, log: (line: string) => void) {
  const imported = await ctx.db.selectFrom('directory_import').select('id').limit(1).executeTakeFirst()
  if (imported) return
  if (!bluebook || !fs.existsSync(bluebook)) {
    log('Directory: the seed only (no Blue Book: missions have no street address nor e-mail)')
    return
  }
  const report = await importBlueBook(ctx, fs.readFileSync(bluebook, 'utf8'), {
    source: path.basename(bluebook),
    sourceDate: /\d{4}-\d{2}-\d{2}/.exec(path.basename(bluebook))?.[0] ?? ctx.clock.today(),
  })
  // The import proposes the missions' e-mail addresses for an admin's approval (a real change of
  // where letters go); in a demo database they are synthetic data, approved here so the demo's
  // missions have their addresses.
  const approved = await approveSyntheticEmailChanges(ctx, 'synthetic demo data, npm run seed:demo')
  log(
    `Directory: ${path.basename(bluebook)} imported (${report.counts.added + report.counts.changed} missions, ${approved} e-mail addresses approved as demo data)`,
  )
}

/** Reference codes that follow the seed's sequence on from the letters already there, skipping any taken. */
function referenceSequence(taken: Set<string> | null, seed: string, before: number): () => string {
  const offset = hashOf(seed, -1) % REFERENCE_CODES
  let k = before
  return () => {
    let code = referenceCode(k++, offset)
    while (taken?.has(code)) code = referenceCode(k++, offset)
    return code
  }
}

function printReport(report: SeedDemoReport, target: DemoLocation, log: (line: string) => void): void {
  const minutes = Math.floor(report.seconds / 60)
  const seconds = (report.seconds - minutes * 60).toFixed(1)
  log(
    `Done in ${minutes > 0 ? `${minutes} min ` : ''}${seconds} s; letters at ${report.lettersPerSecond.toLocaleString('en')} rows/s (${report.documentsComposed.toLocaleString('en')} documents composed)`,
  )
  log('Rows per table:')
  const width = Math.max(...Object.keys(report.counts).map((k) => k.length))
  for (const [table, n] of Object.entries(report.counts)) {
    if (n > 0) log(`  ${table.padEnd(width)}  ${n.toLocaleString('en').padStart(11)}`)
  }
  const size =
    report.fileBytes >= 1024 ** 3
      ? `${(report.fileBytes / 1024 ** 3).toFixed(2)} GiB`
      : `${(report.fileBytes / 1024 ** 2).toFixed(1)} MiB`
  if (target.engine === 'sqlite') {
    log(`File: ${target.label}, ${size}`)
    log(`Start the server on it:  DATABASE_PATH=${target.label} npm start`)
  } else {
    log(`Database: ${target.label}, ${size}`)
    log(`Start the server on it:  DATABASE_URL=${target.label} npm start`)
  }
  // The demo's letters delivered in its last 14 days come due for "did the mission reply?".
  log(
    `(add OUTBOX_WORKER=off to keep the outbox worker from asking demo writers whether missions replied, as .eml files in ${path.relative(process.cwd(), loadConfig(process.env).mail.outboxDir) || '.'})`,
  )
}

const USAGE =
  'usage: npm run seed:demo -- [--letters 10000] [--supporters N] [--database data/demo.sqlite | postgres://…] [--seed S] [--fresh] [--force] [--now ISO-TIME]'

function parseCli(argv: string[]): SeedDemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      letters: { type: 'string', default: '10000' },
      supporters: { type: 'string' },
      database: { type: 'string' },
      seed: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      now: { type: 'string' },
    },
  })
  const whole = (name: string, text: string): number => {
    if (!/^\d+$/.test(text.replaceAll('_', '')))
      throw new RangeError(`--${name} must be a whole number (got "${text}")`)
    return Number(text.replaceAll('_', ''))
  }
  if (values.now !== undefined && Number.isNaN(Date.parse(values.now)))
    throw new RangeError(`--now must be a time, e.g. 2026-06-01T12:00:00Z (got "${values.now}")`)
  return {
    letters: whole('letters', values.letters),
    supporters: values.supporters === undefined ? undefined : whole('supporters', values.supporters),
    database: values.database ?? (process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE),
    seed: values.seed,
    fresh: values.fresh,
    force: values.force,
    now: values.now,
  }
}

// Run from the command line only: the test imports seedDemo.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await seedDemo(parseCli(process.argv.slice(2)))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(
      error instanceof DemoRefusal || error instanceof RangeError || error instanceof TypeError
        ? `${message}\n${USAGE}`
        : error,
    )
    process.exit(1)
  }
}
