import fs from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { type BlueBookImportReport, importBlueBook, readBlueBook } from '../src/directory/bluebook-import.js'
import { createLogger } from '../src/lib/log.js'
import { commandLineActor } from '../src/organizers/index.js'

// npm run directory:import -- <file or URL> [--dry-run] [--date YYYY-MM-DD] [--as EMAIL]
// Imports the UN Blue Book into the mission directory and prints what changed; the import is in
// the audit log under the organizer --as names, or "command line". Bad input: one line on
// stderr, exit status 1, nothing written.

const USAGE = 'usage: npm run directory:import -- <file or URL> [--dry-run] [--date YYYY-MM-DD] [--as EMAIL]'

interface Arguments {
  input: string
  dryRun: boolean
  date: string | null
  as: string | null
}

async function main(argv: string[]): Promise<void> {
  const args = parseArguments(argv)
  const config = loadConfig(process.env)
  const text = await readInput(args.input)
  // @NOTE parsed before the database is opened: a file that is not a Blue Book touches nothing.
  const file = readBlueBook(text)
  // Logs go to stderr so that stdout holds the report alone.
  const ctx = await createContext(config, { log: createLogger(config, pino.destination(2)) })
  try {
    const report = await importBlueBook(ctx, file, {
      source: sourceName(args.input),
      sourceDate: args.date ?? dateInName(args.input) ?? ctx.clock.today(),
      dryRun: args.dryRun,
      actor: await commandLineActor(ctx, args.as),
    })
    process.stdout.write(formatReport(report))
  } finally {
    await ctx.close()
  }
}

function parseArguments(argv: string[]): Arguments {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new Error(`${firstLine(error)} (${USAGE})`)
  }
  const [input, ...extra] = parsed.positionals
  if (!input) throw new Error(`no file or URL given (${USAGE})`)
  if (extra.length > 0) throw new Error(`one file or URL at a time, got also: ${extra.join(' ')}`)
  const date = parsed.values.date ?? null
  if (date !== null && !isDate(date)) throw new Error(`--date must be a day as YYYY-MM-DD (got "${date}")`)
  return { input, dryRun: parsed.values['dry-run'] === true, date, as: parsed.values.as ?? null }
}

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, date: { type: 'string' }, as: { type: 'string' } },
  })

const isUrl = (input: string): boolean => /^https?:\/\//i.test(input)

async function readInput(input: string): Promise<string> {
  if (isUrl(input)) {
    let response: Response
    try {
      response = await fetch(input, { signal: AbortSignal.timeout(60_000) })
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      throw new Error(`could not fetch ${input}: ${firstLine(cause)}`)
    }
    if (!response.ok)
      throw new Error(`could not fetch ${input}: HTTP ${response.status} ${response.statusText}`)
    return response.text()
  }
  try {
    return await fs.readFile(input, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : firstLine(error)
    throw new Error(`cannot read ${input}: ${why}`)
  }
}

/** The `ref` of the fields the import sets: the file's name, or the URL as given. */
function sourceName(input: string): string {
  return isUrl(input) ? input : path.basename(input)
}

/** A YYYY-MM-DD in the file's name ("un-bluebook-2024-12-18.json"), if it is a real day. */
function dateInName(input: string): string | null {
  const name = isUrl(input) ? new URL(input).pathname : path.basename(input)
  const found = /(\d{4}-\d{2}-\d{2})/.exec(name)?.[1]
  return found && isDate(found) ? found : null
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const at = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text
}

function formatReport(report: BlueBookImportReport): string {
  const { counts } = report
  const out: string[] = [
    `Blue Book ${report.source} of ${report.sourceDate} (sha256 ${report.sha256.slice(0, 12)})`,
    `${counts.entries} member and observer states in the file; ${counts.otherEntities} other entities skipped`,
    '',
    ...(
      [
        ['added', counts.added],
        ['changed', counts.changed],
        ['unchanged', counts.unchanged],
        ['missing', counts.missing],
        ['not matched', counts.notMatched],
        ['vacant posts', counts.vacant],
        ['e-mail pending', counts.pendingEmails ?? 0],
      ] as const
    ).map(([label, n]) => `  ${label.padEnd(13)}${String(n).padStart(4)}`),
    '',
  ]
  const listed = report.states.filter((s) => s.outcome !== 'unchanged')
  const width = Math.max(0, ...listed.map((s) => s.name.length))
  for (const s of listed) {
    const what =
      s.outcome === 'missing'
        ? 'not in the file: kept as it was'
        : s.changedFields
            .map((f) => (f === 'head' && s.head ? `head: ${s.head.from} -> ${s.head.to}` : f))
            .join(', ')
    out.push(`${s.outcome.padEnd(10)} ${s.iso3}  ${s.name.padEnd(width)}  ${what}`)
  }
  out.push(`unchanged: ${counts.unchanged} states`, '')
  out.push(...list('not matched', report.notMatched, (n) => `${n.name}: ${n.reason}`))
  out.push(...list('vacant posts', report.vacant, (v) => `${v.iso3 ?? '---'}  ${v.name}`))
  out.push(
    ...list('no staff listed, head of mission kept', report.headNotListed, (h) => `${h.iso3}  ${h.name}`),
  )
  out.push(
    ...list(
      'new e-mail addresses, waiting for an admin to approve them on /organizers/directory',
      report.pendingEmails ?? [],
      (p) => `${p.iso3}  ${p.name}: ${p.from.join(', ') || '(none)'} -> ${p.to.join(', ')}`,
    ),
  )
  out.push(...list('warnings', report.warnings, (w) => w))
  const versions = counts.added + counts.changed
  if (report.dryRun) out.push('dry run: nothing written')
  else if (report.importId === null) out.push('nothing changed: nothing written')
  else out.push(`written: import #${report.importId}, ${versions} new mission versions`)
  return `${out.join('\n')}\n`
}

function list<T>(title: string, items: readonly T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [`${title}: none`, '']
  return [`${title} (${items.length}):`, ...items.map((item) => `  ${line(item)}`), '']
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // @NOTE one line, no stack (LOG_LEVEL=debug shows it): users need the reason, not our internals.
  process.stderr.write(`directory:import: ${firstLine(error)}\n`)
  if (/^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '') && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`)
  }
  process.exitCode = 1
})
